"""The article pane: metadata, excerpt, body and numbered related links.

Everything from the file is shown through rich.text.Text after clean(),
or through Rich's Markdown (which never reads Rich markup), wrapped so a
pane squeezed to no width renders nothing instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.format import absolute, relative, score
from reader.index import Row
from reader.model import Article
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

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.article: Article | None = None
        self.row: Row | None = None
        self.in_library: set[str] = set()
        self.now: datetime | None = None
        self.highlight: list[str] = []  # search words to mark in the excerpt

    def compose(self) -> ComposeResult:
        yield Static(id="article-title")
        yield Static(id="article-meta")
        yield Static(id="article-excerpt")
        yield Static(id="article-body")
        yield Static(id="related-heading")
        yield RelatedList(id="related")

    def on_mount(self) -> None:
        self.show_nothing()

    def _set(self, selector: str, content: RenderableType | None) -> None:
        widget = self.query_one(selector, Static)
        if content is None:
            widget.update("")
            widget.display = False
        else:
            widget.update(Safe(content))
            widget.display = True

    def show_nothing(self, message: str = "No article selected.") -> None:
        self.article = None
        self.row = None
        self._set("#article-title", Text(message, style="italic"))
        for selector in ("#article-meta", "#article-excerpt", "#article-body", "#related-heading"):
            self._set(selector, None)
        related = self.query_one(RelatedList)
        related.clear_options()
        related.display = False

    def show_row(self, row: Row) -> None:
        """What the list knows, at once; the body follows from show_article()."""
        self.row = row
        self.article = None
        self._set("#article-title", Text(clean(row.title), style="bold"))
        meta = Text(style="dim")
        meta.append(clean(row.provider or row.domain))
        when = row.published_datetime
        if when is not None:
            meta.append(f"  {absolute(when)} ({relative(when, self._now())})")
        meta.append(f"  quality {score(row.quality)}")
        self._set("#article-meta", meta)
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
        import os

        for root in getattr(self.app, "library").roots if hasattr(self.app, "library") else ():
            root_text = os.fspath(root)
            if path == root_text:
                return os.path.basename(path)
            if path.startswith(os.path.join(root_text, "")):
                return os.path.relpath(path, root_text)
        return path

    def _now(self) -> datetime:
        return self.now or datetime.now(timezone.utc)

    def show_article(self, article: Article, row: Row | None, in_library: set[str], problems: list[str] | None = None) -> None:
        from reader.render import body_markdown, metadata_lines  # Rich's Markdown: loaded when first needed

        self.article = article
        self.row = row
        self.in_library = in_library
        self._set("#article-title", Text(clean(article.title), style="bold"))
        self._set("#article-meta", metadata_lines(article, None, self.shown_path(article.path), self._now()))
        self._set("#article-excerpt", self._marked(article.excerpt) if article.excerpt else None)
        body: RenderableType | None = body_markdown(article.body) if article.body.strip() else None
        if problems:
            warnings = Text("\n".join(clean(p) for p in problems), style="yellow")
            body = warnings if body is None else _stack(warnings, body)
        self._set("#article-body", body)
        related = self.query_one(RelatedList)
        related.clear_options()
        if article.related:
            self._set("#related-heading", Text(f"Related ({len(article.related)})", style="bold underline"))
            related.add_options(self._related_option(n, item) for n, item in enumerate(article.related, 1))
            related.display = True
            related.highlighted = None
        else:
            self._set("#related-heading", None)
            related.display = False
        self.scroll_home(animate=False)

    def _related_option(self, number: int, item) -> Option:
        text = Text()
        text.append(f"{number}. " if number < 10 else f"{number}.", style="bold")
        text.append(clean(item.title) or "(untitled)", style="bold")
        if item.url and item.url in self.in_library:
            text.append("  ◆ in library", style="green")
        from reader.render import related_details

        details = related_details(item, date_only=True)
        if details:
            text.append("\n   " + details, style="dim")
        if item.excerpt:
            excerpt = clean(item.excerpt)
            text.append("\n   " + (excerpt if len(excerpt) <= 240 else excerpt[:239] + "…"))
        return Option(Safe(text), id=f"related-{number}")

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
