"""Command palette search over article titles and topics."""

from __future__ import annotations

import asyncio
from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from reader.query import Query, Term
from reader.sqlite import sqlite3
from reader.text import clean


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
    """Type words to find an article by its title; topics match by name."""

    def _screen(self):
        from reader.screens.main import MainScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        return None

    async def discover(self) -> Hits:
        screen = self._screen()
        if screen is None:
            return
        try:
            topics = await asyncio.to_thread(screen.library.topics)
        except sqlite3.Error:  # the index is being built or rebuilt: no topics to offer yet
            return
        for name, count, _ in topics[:8]:
            yield DiscoveryHit(Text(f"Topic: {clean(name)} ({count})"), partial(self._choose_topic, name), help="Show this topic's articles")

    async def search(self, query: str) -> Hits:
        screen = self._screen()
        if screen is None or not query.strip():
            return
        matcher = self.matcher(query)
        library = screen.library
        try:
            topics = await asyncio.to_thread(library.topics)
        except sqlite3.Error:  # the index is being built or rebuilt
            topics = []
        for name, count, _ in topics:
            label = f"Topic: {clean(name)} ({count})"
            match = matcher.match(label)
            if match > 0:
                yield Hit(match, highlight(matcher, label), partial(self._choose_topic, name), help="Show this topic's articles")
        words = [w for w in query.split() if any(c.isalnum() for c in w)]
        if not words:
            return
        search = Query(terms=tuple(Term("word", w) for w in words))
        try:
            rows = await asyncio.to_thread(library.search, search, None, False, 20, 0, False, True)
        except Exception:  # noqa: BLE001 - a half-typed word is no reason to fail the palette
            return
        for rank, row in enumerate(rows):
            title = clean(row.title)
            score = max(matcher.match(title), 0.5 - rank / 100)
            yield Hit(score, highlight(matcher, title), partial(self._open_row, row), help=escape(clean(row.provider or row.domain)))

    def _choose_topic(self, name: str) -> None:
        from reader.widgets.topics import TopicList

        screen = self._screen()
        if screen is not None:
            screen.post_message(TopicList.Chosen(name))

    def _open_row(self, row) -> None:
        screen = self._screen()
        if screen is not None:
            screen.open_row(row)
