"""The topic sidebar: All, Unread, Starred, the saved searches and every
topic, each with its article count."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.view import All, Choice, Topic, choice_label


class TopicList(OptionList):
    """Choosing an entry filters the article list."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", id="topics.down", tooltip="Next topic", show=False),
        Binding("k", "cursor_up", "Up", id="topics.up", tooltip="Previous topic", show=False),
        Binding("g", "first", "First", id="topics.first", tooltip="First topic", show=False),
        Binding("G", "last", "Last", id="topics.last", tooltip="Last topic", show=False),
    ]

    @dataclass
    class Chosen(Message):
        """An entry was chosen (Enter or a click)."""

        choice: Choice
        """All, Unread, Starred, a Saved search or a Topic."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.entries: list[Choice] = [All()]  # one an option, in order
        self.chosen: Choice = All()
        self._data: tuple = ()
        self._width = 0

    @property
    def topic_counts(self) -> list[tuple[str, int]]:
        """The topics shown, with their article counts, most articles first."""
        return [(name, count) for name, count, _ in self._data[1]] if self._data else []

    def set_topics(
        self,
        total: int,
        topics: list[tuple[str, int, float | None]],
        unread: dict[str, int] | None = None,
        views: list[tuple[Choice, int]] | None = None,
    ) -> None:
        """Fill the list, keeping the highlight on the same entry.

        ``unread`` maps a topic (casefolded) to its unread count; ``views``
        are the entries between All and the topics (Unread, Starred, saved
        searches) with their counts.
        """
        self._data = (total, topics, unread, views)
        self._width = self.size.width
        width = max(8, self.size.width - 4)
        at = self.highlighted
        highlighted = self.entries[at] if at is not None and at < len(self.entries) else self.chosen
        views = views or []
        self.entries = [All(), *(choice for choice, _ in views), *(Topic(name) for name, _, _ in topics)]
        options = [Option(self._label("All", str(total), width), id="all")]
        options += [Option(self._label(choice_label(choice), str(count), width, style="italic")) for choice, count in views]
        for name, count, _ in topics:
            left = (unread or {}).get(name.casefold(), count) if unread is not None else count
            number = str(count) if left == count else f"{left}/{count}"
            options.append(Option(self._label(choice_label(Topic(name)), number, width)))
        self.set_options(options)
        self.highlighted = self.entries.index(highlighted) if highlighted in self.entries else 0

    def on_resize(self) -> None:
        if self._data and self.size.width != self._width:
            self.set_topics(*self._data)

    @staticmethod
    def _label(name: str, number: str, width: int, style: str = "") -> Text:
        label = Text(name, style=style)
        label.truncate(max(1, width - len(number) - 1), overflow="ellipsis")
        label.append(" " * max(1, width - label.cell_len - len(number)))
        label.append(number, style="dim")
        return label

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if 0 <= index < len(self.entries):
            self.chosen = self.entries[index]
            self.post_message(self.Chosen(self.chosen))

    def action_first(self) -> None:
        self.highlighted = 0

    def action_last(self) -> None:
        if self.option_count:
            self.highlighted = self.option_count - 1
