"""The topic sidebar: "All" and every topic with its article count."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.text import clean


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
        topic: str | None

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.topics: list[str | None] = [None]
        self.chosen: str | None = None
        self._data: tuple[int, list[tuple[str, int, float | None]]] | None = None
        self._width = 0

    def set_topics(self, total: int, topics: list[tuple[str, int, float | None]]) -> None:
        """Fill the list, keeping the highlight on the same topic."""
        self._data = (total, topics)
        self._width = self.size.width
        width = max(8, self.size.width - 4)
        highlighted = self.topics[self.highlighted] if self.highlighted is not None and self.highlighted < len(self.topics) else self.chosen
        self.topics = [None] + [name for name, _, _ in topics]
        options = [Option(self._label("All", total, width), id="all")]
        options += [Option(self._label(clean(name), count, width)) for name, count, _ in topics]
        self.set_options(options)
        if highlighted in self.topics:
            self.highlighted = self.topics.index(highlighted)
        else:
            self.highlighted = 0

    def on_resize(self) -> None:
        if self._data is not None and self.size.width != self._width:
            self.set_topics(*self._data)

    @staticmethod
    def _label(name: str, count: int, width: int) -> Text:
        number = str(count)
        label = Text(name)
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
