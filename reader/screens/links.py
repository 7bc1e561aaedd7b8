"""The links of one article (`l`): the body's [1]..[n], then the related
links, to follow (Enter), open in the browser (o) or copy (y).

Typing a number moves to that link (two digits typed quickly make one
number). The screen only chooses: it dismisses with (what, url) and the
main screen acts, refusing what reader.links.refusal refuses; links it
would refuse are listed, marked.
"""

from __future__ import annotations

import time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.links import refusal
from reader.text import clean

DIGIT_PAUSE = 1.0  # seconds within which a second digit adds to the number typed


class LinkOptions(OptionList):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", id="links.down", tooltip="Next link", show=False),
        Binding("k", "cursor_up", "Up", id="links.up", tooltip="Previous link", show=False),
        Binding("g", "first", "First", id="links.first", tooltip="First link", show=False),
        Binding("G", "last", "Last", id="links.last", tooltip="Last link", show=False),
    ]


class LinksScreen(ModalScreen["tuple[str, str] | None"]):
    """Dismissed with ("follow", url), ("browser", url), ("copy", url), or None."""

    BINDINGS = [
        Binding("escape,q", "dismiss_none", "Close", id="links.close", tooltip="Close the links"),
        Binding("o", "choose('browser')", "Open", id="links.open", tooltip="Open the link in the browser"),
        Binding("y", "choose('copy')", "Copy", id="links.copy", tooltip="Copy the link"),
        *[Binding(str(n), f"number({n})", show=False, id=f"links.number.{n}", tooltip="Go to link N") for n in range(10)],
    ]

    def __init__(self, links: list[tuple[str, str]]) -> None:
        """``links``: (label, url) each, the body's first (numbered [1]..
        in this order), then the related links."""
        super().__init__()
        self.links = list(links)
        self._typed = ""  # digits typed so far
        self._typed_at = 0.0

    def compose(self) -> ComposeResult:
        with Vertical(id="links-box"):
            count = len(self.links)
            head = f"Links ({count})" if count else "This article has no links."
            yield Static(Text(head, style="bold"), id="links-title")
            yield LinkOptions(*(self._option(n, label, url) for n, (label, url) in enumerate(self.links, 1)), id="links-list")
            yield Static(Text("Enter follow · o browser · y copy · Esc close", style="dim"), id="links-foot")

    def on_mount(self) -> None:
        options = self.query_one(LinkOptions)
        options.display = bool(self.links)
        if self.links:
            options.highlighted = 0
            options.focus()

    @staticmethod
    def _option(number: int, label: str, url: str) -> Option:
        text = Text()
        text.append(f"[{number}] ", style="bold")
        text.append(clean(label) or clean(url) or "(no address)")
        text.append("\n    " + (clean(url) or "(no address)"), style="dim")
        problem = refusal(url)
        if problem is not None:
            text.append("\n    " + clean(problem), style="italic yellow")
        return Option(text)

    @property
    def highlighted_url(self) -> str | None:
        at = self.query_one(LinkOptions).highlighted
        return self.links[at][1] if at is not None and 0 <= at < len(self.links) else None

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(("follow", self.links[event.option_index][1]))

    def action_choose(self, what: str) -> None:
        url = self.highlighted_url
        if url is not None:
            self.dismiss((what, url))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    def action_number(self, digit: int) -> None:
        """Move to link N: a digit typed within DIGIT_PAUSE of the last one
        adds to the number when there is a link of that number."""
        now = time.monotonic()
        typed = self._typed + str(digit) if now - self._typed_at <= DIGIT_PAUSE else str(digit)
        if not 1 <= int(typed) <= len(self.links):
            typed = str(digit)
        self._typed, self._typed_at = typed, now
        number = int(typed)
        if 1 <= number <= len(self.links):
            self.query_one(LinkOptions).highlighted = number - 1
