"""Every key, in one screen (`?`)."""

from __future__ import annotations

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
            ("Esc / Backspace", "back: to the previous article, then to the list"),
            ("1 … 9", "follow related link N (inside reader when it is in the library)"),
            ("Enter on a related link", "follow it"),
            ("o", "open the article's link in the browser"),
            ("y", "copy the article's link"),
            ("i", "show every front-matter field (raw)"),
        ],
    ),
    (
        "Finding and keeping",
        [
            ("/", "search (the query language); results follow your typing"),
            ("Enter / Esc in the search", "keep the search / clear it"),
            ("↑ / ↓ in the search", "earlier / later searches"),
            ("w", "save the search under a name (shown in the sidebar)"),
            ("s / S", "sort by quality, date, heat, title / reverse"),
            ("m", "mark read / unread (showing an article marks it read)"),
            ("f", "star / unstar"),
            ("n / N", "next / previous unread article"),
            ("A", "mark every article in the view read (asks first)"),
            ("+ / -", "raise / lower the minimum quality by 10"),
            ("u", "hide / show unpublished articles"),
            ("p", "only one provider's articles"),
            ("x", "clear those quick filters (shown in the list's header)"),
        ],
    ),
    (
        "Topics and the app",
        [
            ("t", "show / hide the topic list"),
            ("Enter on a topic", "show only that topic; also Unread, Starred, saved searches"),
            ("ctrl+p", "command palette: every action, article titles, topics, themes"),
            ("?", "this help"),
            ("q", "quit"),
        ],
    ),
]


def help_table() -> Table:
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


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close", tooltip="Close the help"),
        Binding("j,down", "scroll(1)", "Down", id="help.down", tooltip="Scroll down", show=False),
        Binding("k,up", "scroll(-1)", "Up", id="help.up", tooltip="Scroll up", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text("reader: keys", style="bold"), id="help-title")
            yield Static(help_table())
            yield Static(Text("Esc, q or ? closes this.", style="dim"), id="help-foot")

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-box", VerticalScroll).scroll_relative(y=lines, animate=False)
