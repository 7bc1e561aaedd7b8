"""The topic sidebar: All, Unread, Starred, the saved searches and every
topic, each with its article count.

As wide as its longest entry needs, up to CAP columns (reader.tcss keeps it
under 30% of the screen too); a name that does not fit wraps instead of
being cut. Counts (counts()): bare totals while no article is read, then
unread/total on All and every topic, so a bare number never stands for
either."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.view import All, Choice, Topic, Unread, choice_label

CAP = 32  # the sidebar's widest, its border and padding included
MOST_LINES = 3  # a name wrapped over more lines is cut at the end of the last


def counts(
    total: int,
    topics: list[tuple[str, int, float | None]],
    unread: dict[str, int] | None,
    views: list[tuple[Choice, int]] | None = None,
) -> tuple[str, list[str]]:
    """The numbers shown beside All and beside each topic.

    Without marks (no state file, or no article read) a bare total, which is
    then also the unread count; once any article is read, ``unread/total``
    on All and on every topic (``0/2`` for a topic read through), so a bare
    number never has to be guessed at. ``unread`` maps a casefolded topic to
    its unread count (a topic with none unread is absent)."""
    bare = (str(total), [str(count) for _, count, _ in topics])
    if unread is None:
        return bare
    left = [unread.get(name.casefold(), 0) for name, _, _ in topics]
    unread_all = next((n for choice, n in views or [] if isinstance(choice, Unread)), None)
    read_any = (unread_all is not None and unread_all < total) or any(
        n < count for n, (_, count, _) in zip(left, topics)
    )
    if not read_any:
        return bare
    shown_all = f"{unread_all}/{total}" if unread_all is not None else str(total)
    return shown_all, [f"{n}/{count}" for n, (_, count, _) in zip(left, topics)]


def _wrap(name: str, width: int) -> list[str]:
    """``name`` over lines of at most ``width`` cells, broken between words
    (a word longer than a line is cut into pieces)."""
    lines: list[str] = []
    line = ""
    for word in name.split(" "):
        pieces = chop_cells(word, width) if cell_len(word) > width else [word]
        for piece in pieces:
            joined = f"{line} {piece}" if line else piece
            if cell_len(joined) <= width:
                line = joined
            else:
                lines.append(line)
                line = piece
    lines.append(line)
    return [text for text in lines if text] or [""]


class Entry:
    """One sidebar entry: its name, and its number at the right edge of
    whatever width the sidebar has when drawn (a name too long for the line
    wraps, the number on its last line)."""

    def __init__(self, name: str, number: str, style: str = "") -> None:
        self.name, self.number, self.style = name, number, style

    def __str__(self) -> str:
        return f"{self.name} {self.number}"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width >= 1:
            yield label(self.name, self.number, options.max_width, self.style)


def label(name: str, number: str, width: int, style: str = "") -> Text:
    """``name`` with ``number`` at the right edge of ``width`` cells; a
    name too long for the line wraps (the number on its last line)."""
    room = width - cell_len(number) - 1
    if cell_len(name) <= room:
        lines = [name]
    else:
        lines = _wrap(name, max(1, width - 1))
        if len(lines) > MOST_LINES:
            lines = lines[:MOST_LINES]
            lines[-1] = chop_cells(lines[-1], max(1, width - 2))[0] + "…"
        lines = [lines[0], *(" " + line for line in lines[1:])]  # the rest indented
        if cell_len(lines[-1]) > room:
            lines.append("")  # the number on a line of its own
    text = Text(style=style, no_wrap=True, overflow="crop")
    for line in lines[:-1]:
        text.append(line + "\n")
    text.append(lines[-1])
    text.append(" " * max(1, width - cell_len(lines[-1]) - cell_len(number)))
    text.append(number, style="dim")
    return text


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
        self._labels: list[tuple[str, str]] = []  # (name, number) of each entry, to measure

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
        at = self.highlighted
        highlighted = self.entries[at] if at is not None and at < len(self.entries) else self.chosen
        views = views or []
        all_number, numbers = counts(total, topics, unread, views)
        self.entries = [All(), *(choice for choice, _ in views), *(Topic(name) for name, _, _ in topics)]
        labels = [("All", all_number, "")]
        labels += [(choice_label(choice), str(count), "italic") for choice, count in views]
        labels += [(choice_label(Topic(name)), number, "") for (name, _, _), number in zip(topics, numbers)]
        wanted = self._natural_width()
        self._labels = [(name, number) for name, number, _ in labels]
        options = [Option(Entry(name, number, style), id=None if index else "all") for index, (name, number, style) in enumerate(labels)]
        self.set_options(options)
        self.highlighted = self.entries.index(highlighted) if highlighted in self.entries else 0
        if self._natural_width() != wanted:
            self.refresh(layout=True)  # the sidebar takes the width its entries need

    def _natural_width(self) -> int:
        """The cells the widest entry needs: its name, a space and its number."""
        return max((cell_len(name) + 1 + cell_len(number) for name, number in self._labels), default=12)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """As wide as the widest entry, up to the CAP (with width: auto)."""
        width = self._natural_width()
        if len(self._labels) > container.height:
            width += self.styles.scrollbar_size_vertical  # the scrollbar takes its cells from the names
        return max(1, min(width, CAP - self.styles.gutter.width))

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
