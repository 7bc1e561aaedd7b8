"""The article pane: the title, a few lines of metadata (provider, date,
scores, topics, and one line of details: images, AMP, the file), the
excerpt, the body with its links numbered, and the numbered related links.

Everything from the file is shown through rich.text.Text after clean(),
or through Rich's Markdown (which never reads Rich markup), wrapped so a
pane squeezed to no width renders nothing instead of failing.

The pane follows the list's cursor a moment after it rests (follow), reads
the file in a thread worker, and keeps the back history of the related
links followed from it (open, back), each with how far it was scrolled.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from reader.messages import ArticleLoaded
from reader.model import Article, ListRow
from reader.screens.loading import read_article
from reader.store import Library
from reader.text import clean


class Safe:
    """Render ``inner`` only when there is room: Rich's wrapping fails at width 0."""

    def __init__(self, inner: RenderableType) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width < 1:
            return
        yield from console.render(self.inner, options)


class RelatedList(OptionList):
    """The related articles, numbered; Enter follows the highlighted one."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", id="related.down", tooltip="Next related article", show=False),
        Binding("k", "cursor_up", "Up", id="related.up", tooltip="Previous related article", show=False),
    ]


@dataclass(frozen=True, slots=True)
class Place:
    """An article shown in the pane, for the back history."""

    path: str
    row: ListRow | None
    scroll_y: float = 0
    """How far down the pane was scrolled (back scrolls there again)."""
    related: int | None = None
    """The related link highlighted (the one followed), if any."""


class ArticleView(VerticalScroll, can_focus=True):
    """One article, scrollable, with its related links at the bottom."""

    ALLOW_MAXIMIZE = True

    BINDINGS = [
        Binding("j,down", "scroll_down", "Down", id="article.down", tooltip="Scroll down", show=False),
        Binding("k,up", "scroll_up", "Up", id="article.up", tooltip="Scroll up", show=False),
        Binding("g,home", "scroll_home", "Top", id="article.top", tooltip="Top of the article", show=False),
        Binding("G,end", "scroll_end", "Bottom", id="article.bottom", tooltip="End of the article", show=False),
        Binding("ctrl+d", "half_down", "Half page down", id="article.half_down", tooltip="Half a page down", show=False),
        Binding("ctrl+u", "half_up", "Half page up", id="article.half_up", tooltip="Half a page up", show=False),
    ]

    @dataclass
    class Follow(Message):
        """Follow related link ``number`` (1-based)."""

        number: int
        """The link's number as shown (1-based)."""

    @dataclass
    class Shown(Message):
        """A file's article (or why it cannot be read) is now in the pane."""

        row: ListRow | None
        """Its row, when it came from the list."""
        readable: bool
        """The article itself is shown, not why its file cannot be read.
        Whether opening it may mark it read is asked of the pane when this is
        handled (marked_by_hand_since_shown), not when it was posted: a key
        handled in between is the user's word."""

    def __init__(self, library: Library, clock: Callable[[], datetime], full_texts=None, **kwargs) -> None:
        """``full_texts`` (reader.fulltext.service.LazyFullTexts): an article
        whose page's full text is cached shows it in place of its body."""
        super().__init__(**kwargs)
        self.library = library
        self.clock = clock
        self.full_texts = full_texts
        self.full = None  # the full text shown (reader.fulltext.service.FullText), if any
        self._spinner: Timer | None = None
        self.article: Article | None = None
        self.row: ListRow | None = None
        self.in_library: set[str] = set()
        self.highlight: list[str] = []  # search words to mark in the excerpt
        self.history: list[Place] = []  # the articles to go back to (Esc), the last on top
        self.fetching = False  # a file is being read for the pane
        self._pending: ListRow | None = None  # the row shown once the cursor rests
        self._timer: Timer | None = None
        self._wanted: str | None = None  # the file the pane should show: other loads are dropped
        self._by_hand: set[int] = set()  # rows marked by hand since the pane last showed them
        self._links: list[tuple[str, str]] = []  # the body's links (text, address), by number
        self._return_to: Place | None = None  # where back() goes, once that article is laid out

    def compose(self) -> ComposeResult:
        yield Static(id="article-title")
        yield Static(id="article-meta")
        yield Static(id="article-excerpt")
        yield Static(id="article-body")
        yield Static(id="related-heading")
        yield RelatedList(id="related")

    def on_mount(self) -> None:
        self.show_nothing()

    # following the list ---------------------------------------------------------

    @property
    def has_article(self) -> bool:
        """Whether keys that act on "this article" have one (shown or pending)."""
        return self._pending is not None or self.row is not None or self.article is not None

    @property
    def following(self) -> ListRow | None:
        """The row the pane shows, or is about to once the cursor rests."""
        return self._pending if self._pending is not None else self.row

    @property
    def settled(self) -> bool:
        """Nothing waits to be shown and no file is being read."""
        return self._pending is None and not self.fetching

    def follow(self, row: ListRow | None, delay: float) -> None:
        """Show ``row`` once the cursor has rested on it ``delay`` seconds
        (laying the pane out on every step would slow the list down)."""
        self.history.clear()
        self._return_to = None
        if row is not None and row == self.row and self.article is not None:
            self._stop()
            return  # the same article, unchanged (a list reloaded): kept as it is
        if row is None:
            self._stop()
            self._wanted = None
            self.show_nothing("No articles here.")
            return
        self._pending = row
        self._wanted = row.path
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(delay, self.flush)

    def flush(self) -> None:
        """Show the pending row now: a key that acts on "this article" must
        act on the one under the cursor, not on the one shown before."""
        row = self._pending
        self._stop()
        if row is None or not self.children:
            return  # nothing waiting, or the app is closing
        if self.row is None or self.row.id != row.id:
            self._by_hand.discard(row.id)  # shown anew after another: the dwell may mark it again
        # (the same article shown again, its file changed: an m on it still stands)
        self.show_now(row)

    def _stop(self) -> None:
        self._pending = None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def marked_by_hand(self, row_id: int) -> None:
        """The user set this row's read mark: showing its body must not undo that."""
        self._by_hand.add(row_id)

    def marked_by_hand_since_shown(self, row_id: int) -> bool:
        """Whether the user set this row's read mark since the pane last showed it anew."""
        return row_id in self._by_hand

    def show_now(self, row: ListRow) -> None:
        """What the list knows of ``row`` at once, its file's article once read."""
        self._return_to = None
        self.show_row(row)
        self.load(row.path, row)

    def open(self, row: ListRow) -> None:
        """Show ``row``, keeping the article shown now (and how far down it
        was read) in the back history."""
        self.flush()
        related = self.query_one(RelatedList).highlighted
        if self.article is not None:
            self.history.append(Place(self.article.path, self.row, self.scroll_y, related))
        elif self.row is not None:
            self.history.append(Place(self.row.path, self.row, self.scroll_y))
        self._by_hand.discard(row.id)
        self.show_now(row)

    def back(self) -> bool:
        """Show the article before the last link followed, scrolled where it
        was left; False when there is none."""
        self.flush()
        if not self.history:
            return False
        place = self.history.pop()
        if place.row is not None:
            self.show_row(place.row)
        self.load(place.path, place.row)
        self._return_to = place
        return True

    def link(self) -> str | None:
        """This article's link (the one under the cursor: shown now if pending)."""
        self.flush()
        if self.article is not None:
            return self.article.url
        return self.row.url if self.row is not None else None

    def related_link(self, number: int) -> tuple[str | None, str | None]:
        """Related link ``number``'s URL, or why there is none (a warning)."""
        self.flush()
        article = self.article
        if article is None and self.row is not None and self.fetching:
            return None, "The article is still loading."
        if article is None or not article.related:
            return None, "This article has no related links."
        if not 1 <= number <= len(article.related):
            return None, f"There is no related link {number}."
        return article.related[number - 1].url, None

    def body_links(self) -> list[str]:
        """The addresses of the body's links, by their number (the first is [1])."""
        self.flush()
        return [url for _, url in self._links] if self.article is not None else []

    def link_entries(self) -> list[tuple[str, str]]:
        """(label, address) of the body's links, [1] first, then of the
        related links (for reader.screens.links.LinksScreen, which numbers
        them in this order: the body's keep their numbers)."""
        self.flush()
        article = self.article
        if article is None:
            return []
        entries = [(text or clean(url), url) for text, url in self._links]
        for number, item in enumerate(article.related, 1):
            entries.append((f"related {number}: {clean(item.title) or '(untitled)'}", item.url or ""))
        return entries

    def file(self) -> str | None:
        """This article's file (the one under the cursor: shown now if pending)."""
        self.flush()
        if self.article is not None:
            return self.article.path
        return self.row.path if self.row is not None else None

    def load(self, path: str, row: ListRow | None) -> None:
        """Read the file at ``path`` for the pane (off the UI thread)."""
        self._wanted = path
        self.fetching = True
        self._load(path, row)

    @work(thread=True, exclusive=True, group="article")
    def _load(self, path: str, row: ListRow | None) -> None:
        loaded = read_article(self.library, path, row, self.full_texts)
        if not get_current_worker().is_cancelled:
            self.post_message(loaded)

    @on(ArticleLoaded)
    def _loaded(self, loaded: ArticleLoaded) -> None:
        loaded.stop()
        if loaded.path != self._wanted:
            return  # the cursor has moved on since this load began
        self.fetching = False
        row = loaded.row
        if loaded.article is None:
            reasons = "; ".join(loaded.problems).replace(loaded.path, self.shown_path(loaded.path))
            self.show_nothing("This file can no longer be read: " + reasons)
            self.row = row
            self.post_message(self.Shown(row, False))
            return
        self.show_article(loaded.article, row, loaded.in_library, loaded.problems, loaded.full)
        self.post_message(self.Shown(row, True))

    # showing --------------------------------------------------------------------

    def _set(self, selector: str, content: RenderableType | None) -> None:
        widget = self.query_one(selector, Static)
        if content is None:
            widget.update("")
            widget.display = False
        else:
            widget.update(Safe(content))
            widget.display = True

    def show_nothing(self, message: str = "No article selected.") -> None:
        self._stop_spinner()
        self.full = None
        self.article = None
        self.row = None
        self._links = []
        self._set("#article-title", Text(message, style="italic"))
        for selector in ("#article-meta", "#article-excerpt", "#article-body", "#related-heading"):
            self._set(selector, None)
        related = self.query_one(RelatedList)
        related.clear_options()
        related.display = False

    def show_row(self, row: ListRow) -> None:
        """What the list knows, at once, in the lines the article will have
        (nothing moves when it comes); the body follows from show_article()."""
        self._stop_spinner()
        self.full = None
        from reader.render import row_meta

        self.row = row
        self.article = None
        self._links = []
        self._set("#article-title", Text(clean(row.title), style="bold"))
        self._set("#article-meta", row_meta(row, self.shown_path(row.path), self._now()))
        self._set("#article-excerpt", self._marked(row.excerpt) if row.excerpt else None)
        self._set("#article-body", Text("Loading…", style="dim"))
        self._set("#related-heading", None)
        related = self.query_one(RelatedList)
        related.clear_options()
        related.display = False

    def _marked(self, excerpt: str) -> Text:
        text = Text(clean(excerpt), style="italic")
        if self.highlight:
            text.highlight_words(self.highlight, style="bold underline", case_sensitive=False)
        return text

    def shown_path(self, path: str) -> str:
        """The file's path within its library folder (what a user recognises)."""
        for root in self.library.roots:
            root_text = os.fspath(root)
            if path == root_text:
                return os.path.basename(path)
            if path.startswith(os.path.join(root_text, "")):
                return os.path.relpath(path, root_text)
        return path

    def _now(self) -> datetime:
        return self.clock()

    def show_article(self, article: Article, row: ListRow | None, in_library: set[str], problems: list[str] | None = None, full=None) -> None:
        # Rich's Markdown: loaded when first needed.
        from reader.render import article_meta, body_with_links, related_option

        self._stop_spinner()
        self.full = full
        self.article = article
        self.row = row
        self.in_library = in_library
        self._set("#article-title", Text(clean(article.title), style="bold"))
        self._set("#article-meta", article_meta(article, self.shown_path(article.path), self._now(), row))
        self._set("#article-excerpt", self._marked(article.excerpt) if article.excerpt else None)
        body: RenderableType | None = None
        self._links = []
        if full is not None:
            body = self._full_body(full)
        elif article.body.strip():
            body, self._links = body_with_links(article.body)
        if problems:
            warnings = Text("\n".join(clean(p) for p in problems), style="yellow")
            body = warnings if body is None else _stack(warnings, body)
        self._set("#article-body", body)
        related = self.query_one(RelatedList)
        related.clear_options()
        place, self._return_to = self._return_to, None
        if place is not None and place.path != article.path:
            place = None  # back was left for another article meanwhile
        if article.related:
            self._set("#related-heading", Text(f"Related ({len(article.related)})", style="bold underline"))
            related.add_options(
                Option(Safe(related_option(n, item, bool(item.url) and item.url in in_library)), id=f"related-{n}")
                for n, item in enumerate(article.related, 1)
            )
            related.display = True
            at = place.related if place is not None else None
            related.highlighted = at if at is not None and at < len(article.related) else None
        else:
            self._set("#related-heading", None)
            related.display = False
        self.scroll_home(animate=False)
        if place is not None and place.scroll_y > 0:
            self.call_after_refresh(self._scroll_back, article, place.scroll_y, 10)

    # the full text ------------------------------------------------------------------

    def _full_body(self, full) -> RenderableType:
        """The full text under the line saying where and when it came from."""
        from reader.render import body_with_links, full_text_heading

        body, self._links = body_with_links(full.markdown)
        return _stack(full_text_heading(full, self._now()), Text(""), body)

    def show_full(self, full) -> None:
        """Show ``full`` (just fetched) in place of the body."""
        self._stop_spinner()
        self.full = full
        self._set("#article-body", self._full_body(full))
        self.scroll_home(animate=False)

    def show_fetching(self, host: str) -> None:
        """Say the full text is being fetched, with a spinner, until show_full or fetch_ended."""
        frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
        self._stop_spinner()
        step = [0]

        def tick() -> None:
            step[0] += 1
            self._set("#article-body", Text(f"{frames[step[0] % len(frames)]} Fetching the full text from {host}… (Esc stops)", style="italic"))

        tick()
        self._spinner = self.set_interval(0.1, tick)

    def fetch_ended(self, message: str | None = None) -> None:
        """The fetch failed or was stopped: the body as it was, under ``message``."""
        from reader.render import body_with_links

        self._stop_spinner()
        article = self.article
        if article is None:
            return
        body: RenderableType | None = None
        if self.full is not None:
            body = self._full_body(self.full)
        elif article.body.strip():
            body, self._links = body_with_links(article.body)
        if message:
            note = Text(clean(message), style="yellow")
            body = note if body is None else _stack(note, Text(""), body)
        self._set("#article-body", body)

    def _stop_spinner(self) -> None:
        if self._spinner is not None:
            self._spinner.stop()
            self._spinner = None

    def _scroll_back(self, article: Article, y: float, tries: int) -> None:
        """Scroll to ``y`` once the article is laid out tall enough for it
        (a few frames at most; then as far as it goes)."""
        if self.article is not article:
            return  # another article is shown by now
        if self.max_scroll_y < y and tries > 0:
            self.call_after_refresh(self._scroll_back, article, y, tries - 1)
            return
        self.scroll_to(y=min(y, self.max_scroll_y), animate=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Follow(event.option_index + 1))

    def action_half_down(self) -> None:
        self.scroll_relative(y=max(1, self.size.height // 2), animate=False)

    def action_half_up(self) -> None:
        self.scroll_relative(y=-max(1, self.size.height // 2), animate=False)


def _stack(*parts: RenderableType) -> RenderableType:
    from rich.console import Group

    return Group(*parts)
