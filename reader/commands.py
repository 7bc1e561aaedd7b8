"""Command palette search over article titles and topics."""

from __future__ import annotations

import asyncio
from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from reader.model import ListRow
from reader.query import Query, Term
from reader.store import StoreError
from reader.text import clean
from reader.view import Topic

TITLES = 20  # articles offered for a search


def highlight(matcher: Matcher, text: str) -> Content:
    """Matcher.highlight() reads its text as markup; titles are data, so
    build plain Content and style the matched characters on it."""
    content = Content(text)
    _, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class ArticleCommands(Provider):
    """Type words to find an article by its title; topics match by name.

    The topics and their counts are the sidebar's, taken once when the
    palette opens: a full count of topics per key would cost 0.2-0.4 s at
    100k articles.
    """

    def _screen(self):
        from reader.screens.main import find_main

        return find_main(self.app)

    async def startup(self) -> None:
        screen = self._screen()
        self._topics: list[tuple[str, int]] = screen.topic_counts() if screen is not None else []

    async def discover(self) -> Hits:
        for name, count in self._topics[:8]:
            yield DiscoveryHit(Text(f"Topic: {clean(name)} ({count})"), partial(self._choose_topic, name), help="Show this topic's articles")

    async def search(self, query: str) -> Hits:
        screen = self._screen()
        if screen is None or not query.strip():
            return
        matcher = self.matcher(query)
        for name, count in self._topics:
            label = f"Topic: {clean(name)} ({count})"
            match = matcher.match(label)
            if match > 0:
                yield Hit(match, highlight(matcher, label), partial(self._choose_topic, name), help="Show this topic's articles")
        words = [w for w in query.split() if any(c.isalnum() for c in w)]
        if not words:
            return
        search = Query(terms=tuple(Term("word", w) for w in words))
        library = screen.library
        try:
            rows = await asyncio.to_thread(partial(library.search, search, limit=TITLES, prefix_last=True))
        except StoreError:  # a half-typed word, or the index being built: no titles this key
            return
        for rank, row in enumerate(rows):
            title = clean(row.title)
            score = max(matcher.match(title), 0.5 - rank / 100)
            yield Hit(score, highlight(matcher, title), partial(self._open_row, row), help=escape(clean(row.provider or row.domain)))

    def _choose_topic(self, name: str) -> None:
        from reader.widgets.topics import TopicList

        screen = self._screen()
        if screen is not None:
            screen.post_message(TopicList.Chosen(Topic(name)))

    def _open_row(self, row: ListRow) -> None:
        screen = self._screen()
        if screen is not None:
            screen.open_row(row)
