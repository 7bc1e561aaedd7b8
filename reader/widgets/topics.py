"""The topic sidebar: "All" and every topic with its article count."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.text import clean


UNREAD = "\0unread"
STARRED = "\0starred"
SEARCH = "\0search"


class TopicList(OptionList):
    """Choosing a topic filters the article list (None means all articles)."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", id="topics.down", tooltip="Next topic", show=False),
        Binding("k", "cursor_up", "Up", id="topics.up", tooltip="Previous topic", show=False),
        Binding("g", "first", "First", id="topics.first", tooltip="First topic", show=False),
        Binding("G", "last", "Last", id="topics.last", tooltip="Last topic", show=False),
    ]

    @dataclass
    class Chosen(Message):
        topic: object  # None, a topic name, UNREAD, STARRED or (SEARCH, name, query)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # One entry an option: None (all), UNREAD, STARRED, (SEARCH, name, query) or a topic name.
        self.topics: list[object] = [None]
        self.chosen: object = None
        self._data: tuple = ()
        self._width = 0

    def set_topics(
        self,
        total: int,
        topics: list[tuple[str, int, float | None]],
        unread: dict[str, int] | None = None,
        views: list[tuple[object, str, int]] | None = None,
    ) -> None:
        """Fill the list, keeping the highlight on the same entry.

        ``unread`` maps a topic to its unread count; ``views`` are extra
        entries (Unread, Starred, saved searches) as (value, label, count).
        """
        self._data = (total, topics, unread, views)
        self._width = self.size.width
        width = max(8, self.size.width - 4)
        highlighted = self.topics[self.highlighted] if self.highlighted is not None and self.highlighted < len(self.topics) else self.chosen
        views = views or []
        self.topics = [None] + [value for value, _, _ in views] + [name for name, _, _ in topics]
        options = [Option(self._label("All", str(total), width), id="all")]
        options += [Option(self._label(label, str(count), width, style="italic")) for _, label, count in views]
        for name, count, _ in topics:
            left = (unread or {}).get(name.casefold(), count) if unread is not None else count
            number = str(count) if left == count else f"{left}/{count}"
            options.append(Option(self._label(clean(name), number, width)))
        self.set_options(options)
        if highlighted in self.topics:
            self.highlighted = self.topics.index(highlighted)
        else:
            self.highlighted = 0

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
        if 0 <= index < len(self.topics):
            self.chosen = self.topics[index]
            self.post_message(self.Chosen(self.chosen))

    def action_first(self) -> None:
        self.highlighted = 0

    def action_last(self) -> None:
        if self.option_count:
            self.highlighted = self.option_count - 1
