"""The search bar (`/`): the query language, results as you type.

Each change is parsed at once, or once a burst of keys pauses (DEBOUNCE);
a good query goes to the screen's callback (which reloads the list off
the UI thread), a bad one shows its error under the bar and the list
keeps the last good result. Up and down recall earlier queries.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Protocol

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Input, Static

from reader.query import Query, QueryError, parse_query
from reader.text import clean

# A key runs its query at once when the last one ran at least this long ago;
# keys that come faster (a burst, a paste) are gathered into one query run
# when the interval is up. An older query still running is interrupted.
DEBOUNCE = 0.03


class History(Protocol):
    def items(self) -> list[str]: ...

    def add(self, text: str) -> None: ...


class MemoryHistory:
    """Earlier queries for this run only (when there is no state file)."""

    def __init__(self) -> None:
        self._items: list[str] = []

    def items(self) -> list[str]:
        return list(self._items)

    def add(self, text: str) -> None:
        if text in self._items:
            self._items.remove(text)
        self._items.append(text)


class SearchInput(Input):
    """Focusable only while in use: `/` opens it, and tab does not stop here."""

    BINDINGS = [
        Binding("up", "older", "Older query", id="search.older", tooltip="An earlier query", show=False),
        Binding("down", "newer", "Newer query", id="search.newer", tooltip="A later query", show=False),
        Binding("escape", "clear", "Clear", id="search.clear", tooltip="Clear the search and close the bar"),
    ]

    def validate_value(self, value: str) -> str:
        # Input's own watcher sets its virtual size to the text's width on
        # every change, which lays the bar out again (3 ms of each key
        # typed). That size only bounds how far the text scrolls, so it is
        # set here, before the watcher, without a layout (set_reactive):
        # the watcher then finds it unchanged. The width is Input's
        # content_width for this value (tests/test_textual_seams.py checks
        # that typing lays nothing out).
        width = cell_len(self.placeholder) if self.placeholder and not value else cell_len(value) + 1
        self.set_reactive(Input.virtual_size, Size(width, 1))
        return value

    def watch_value(self, value: str) -> None:
        # The search starts now, not once Input's Changed message has made
        # its way round (after the frame that echoes the key: 2-3 ms later).
        self.parent_bar.text_changed()

    def action_older(self) -> None:
        self.parent_bar.recall(-1)

    def action_newer(self) -> None:
        self.parent_bar.recall(+1)

    def action_clear(self) -> None:
        self.parent_bar.clear()

    @property
    def parent_bar(self) -> "SearchBar":
        return self.query_ancestor(SearchBar)


class SearchBar(Vertical):
    DEFAULT_CSS = """
    SearchBar {
        height: 1;
    }
    SearchBar.-error {
        height: auto;
    }
    SearchBar SearchInput {
        border: none;
        height: 1;
        padding: 0 1;
    }
    SearchBar #search-error {
        display: none;
        width: 1fr;
        height: auto;
        padding: 0 1;
        color: $error;
        background: $panel;
    }
    /* While the query is typed, the message lies over the top of the list:
       the list does not move (nor is it laid out again) as an error comes and
       goes with each key of a qualifier. Once the field is left, the message
       takes its own lines above the list, which hides nothing. */
    SearchBar.-error:focus-within {
        height: 1;
    }
    SearchBar:focus-within #search-error {
        overlay: screen;
        constrain: none inside;
    }
    SearchBar.-error #search-error {
        display: block;
    }
    """

    @dataclass
    class Done(Message):
        """Enter (keep the search) or Escape (cleared)."""

        cleared: bool
        """The bar was emptied (Escape, or Enter on nothing)."""

    def __init__(self, on_change: Callable[[Query], None], history: History | None = None, **kwargs) -> None:
        """``on_change`` is called with each new good query (empty when the
        bar is cleared), at once rather than by a message: the search starts
        before the frame that echoes the key is drawn (2-3 ms of every key)."""
        super().__init__(**kwargs)
        self.history: History = history or MemoryHistory()
        self._report = on_change
        self.good = Query()
        self._timer = None
        self._last_run = 0.0
        self._recall: int | None = None

    def compose(self) -> ComposeResult:
        yield SearchInput(placeholder="/ search: words \"a phrase\" topic: provider: quality:>=60 since: is:unread -not", id="search-input")
        yield Static(id="search-error")

    def on_mount(self) -> None:
        self.query_one(SearchInput).can_focus = False

    def on_descendant_blur(self) -> None:
        self.query_one(SearchInput).can_focus = False

    def focus_input(self) -> None:
        field = self.query_one(SearchInput)
        field.can_focus = True
        # At once, not queued: keys typed right after `/` must reach the bar.
        self.app.set_focus(field)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()  # already acted on: SearchInput calls text_changed as its value changes

    @property
    def waiting(self) -> bool:
        """A search waits for the debounce interval to end."""
        return self._timer is not None

    def text_changed(self) -> None:
        """The field's text changed: search at once, or when the debounce interval is up."""
        if self._timer is not None:
            return  # already waiting: that run reads the newest text
        wait = self._last_run + DEBOUNCE - time.monotonic()
        if wait <= 0:
            self._run()
        else:
            self._timer = self.set_timer(wait, self._run)

    def _run(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._last_run = time.monotonic()
        text = self.query_one(SearchInput).value
        error = self.query_one("#search-error", Static)
        try:
            query = parse_query(text)
        except QueryError as exc:
            message = Text(clean(exc.message), style="bold")
            message.append("\n" + clean(exc.text) + "\n" + " " * exc.start + "^" * (exc.end - exc.start))
            error.update(message)
            self.add_class("-error")  # shows the message (over the list while the field has focus)
            return  # the list keeps the last good result
        self.remove_class("-error")
        if query.text.strip() != self.good.text.strip() or query != self.good:
            self.good = query
            self._report(query)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._run()  # at once, a waiting run included
        text = self.query_one(SearchInput).value.strip()
        if text and not self.has_class("-error"):
            self.history.add(text)
        self._recall = None
        self.post_message(self.Done(cleared=not text))

    def recall(self, step: int) -> None:
        items = self.history.items()
        if not items:
            return
        index = len(items) if self._recall is None else self._recall
        index = max(0, min(len(items), index + step))
        self._recall = index
        field = self.query_one(SearchInput)
        field.value = items[index] if index < len(items) else ""
        field.cursor_position = len(field.value)

    def clear(self) -> None:
        field = self.query_one(SearchInput)
        field.value = ""
        self.remove_class("-error")
        self._recall = None
        if self.good.text:
            self.good = Query()
            self._report(Query())
        self.post_message(self.Done(cleared=True))
