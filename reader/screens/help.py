"""Every key, in one screen (`?`)."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Moving",
        [
            ("j / k, ↓ / ↑", "next / previous article (or scroll the article)"),
            ("g / G, Home / End", "first / last"),
            ("ctrl+d / ctrl+u", "half a page down / up"),
            ("PgDn / PgUp, ctrl+f / ctrl+b", "a page down / up"),
            ("tab / shift+tab", "next / previous pane"),
            ("mouse", "click to choose, scroll wheel to scroll"),
        ],
    ),
    (
        "Reading",
        [
            ("Enter", "read the highlighted article (full screen)"),
            ("Esc / Backspace", "back: to the previous article, where you were in it, then to the list"),
            ("1 … 9", "follow related link N (inside reader when it is in the library)"),
            ("Enter on a related link", "follow it"),
            ("o", "open the article's link in the browser"),
            ("O", "open it, mark the article read and go to the next unread"),
            ("y", "copy the article's link"),
            ("l", "the article's links (body [1] … and related): follow, open (o) or copy (y)"),
            ("F", "fetch the full text from the article's link into the pane (again: re-validate it; Esc stops)"),
            ("i", "the front matter as the file has it (secured payload withheld)"),
            ("|", "send the article's Markdown to the pipe command (config)"),
        ],
    ),
    (
        "Finding and keeping",
        [
            ("/", "search (the query language); results follow your typing"),
            ("Enter / Esc in the search", "keep the search / clear it"),
            ("Esc in the list", "clear the search, then the quick filters, then back to All"),
            ("↑ / ↓ in the search", "earlier / later searches"),
            ("w", "save the whole view (topic, search, filters, sort) under a name, in the sidebar"),
            ("s / S", "sort by quality, date, heat, title / reverse"),
            ("m", "mark read / unread (opening an article marks it read: mark_read in the config)"),
            ("f", "star / unstar"),
            ("n / N", "next / previous unread article"),
            ("A", "mark every article in the view read (asks first)"),
            ("+ / -", "raise / lower the minimum quality by 10"),
            ("u", "hide / show unpublished articles"),
            ("U", "hide / show articles with no quality score"),
            ("#", "hide / show read articles"),
            ("p", "only one provider's articles"),
            ("x", "clear those quick filters (shown in the list's header)"),
        ],
    ),
    (
        "Topics and the app",
        [
            ("t", "show / hide the topic list"),
            ("Enter on a topic", "show only that topic; also Unread, Starred, saved searches"),
            ("!", "problems: files that could not be read, field warnings"),
            ("ctrl+p", "command palette: every action, article titles, topics, themes"),
            ("?", "this help"),
            ("q", "quit"),
        ],
    ),
]


STACKED_BELOW = 60  # cells: narrower than this, each key stands above what it does


def help_table() -> Table:
    """The keys beside what they do, a section after another."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for index, (section, keys) in enumerate(KEYS):
        if index:
            table.add_row("", "")
        table.add_row(Text(section, style="bold underline"), "")
        for key, what in keys:
            table.add_row(Text(key), Text(what))
    return table


def help_stacked() -> Table:
    """The keys, each above what it does (indented): for narrow screens."""
    table = Table.grid()
    table.add_column()
    for index, (section, keys) in enumerate(KEYS):
        if index:
            table.add_row("")
        table.add_row(Text(section, style="bold underline"))
        for key, what in keys:
            table.add_row(Text(key, style="bold"))
            table.add_row(Padding(Text(what), (0, 0, 0, 2)))
    return table


class HelpText:
    """The table where it fits, the keys stacked above their meaning where
    it would leave the meaning no room."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width < 1:
            return
        yield help_table() if options.max_width >= STACKED_BELOW else help_stacked()


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close", tooltip="Close the help"),
        Binding("j,down", "scroll(1)", "Down", id="help.down", tooltip="Scroll down", show=False),
        Binding("k,up", "scroll(-1)", "Up", id="help.up", tooltip="Scroll up", show=False),
        Binding("g,home", "top", "Top", id="help.top", tooltip="Top of the help", show=False),
        Binding("G,end", "bottom", "Bottom", id="help.bottom", tooltip="End of the help", show=False),
        Binding("ctrl+d", "page(0.5)", "Half page down", id="help.half_down", tooltip="Half a page down", show=False),
        Binding("ctrl+u", "page(-0.5)", "Half page up", id="help.half_up", tooltip="Half a page up", show=False),
        Binding("pagedown,ctrl+f,space", "page(1)", "Page down", id="help.page_down", tooltip="A page down", show=False),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", id="help.page_up", tooltip="A page up", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text("reader: keys", style="bold"), id="help-title")
            yield Static(HelpText(), id="help-keys")
            yield Static(Text("Esc, q or ? closes this.", style="dim"), id="help-foot")

    @property
    def box(self) -> VerticalScroll:
        return self.query_one("#help-box", VerticalScroll)

    def action_scroll(self, lines: int) -> None:
        self.box.scroll_relative(y=lines, animate=False)

    def action_top(self) -> None:
        self.box.scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.box.scroll_end(animate=False)

    def action_page(self, pages: float) -> None:
        box = self.box
        self.box.scroll_relative(y=round(max(1, box.scrollable_content_region.height) * pages), animate=False)
