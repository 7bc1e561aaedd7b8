"""The article list: a Line API widget over a list of article ids.

Only the rows on screen are fetched (by id, from SQLite) and rendered, so
the time to paint and the memory used do not grow with the library: the
widget holds the ordered ids (8 bytes an article) and a small LRU of rows,
each with the user's marks beside it.

One call here is Textual's own insides, for speed: Widget._scroll_update,
to change the list's length without a layout (see _set_length). The tested
Textual is pinned in pyproject.toml, and tests/test_textual_seams.py fails
when that call changes.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.model import ListRow, Marks
from reader.widgets.list_lines import NARROWEST, LinePainter

ROW_CACHE = 512


class ArticleList(ScrollView, can_focus=True):
    """Articles, one a line, with a cursor."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", id="list.down", tooltip="Next article", show=False),
        Binding("up,k", "cursor_up", "Up", id="list.up", tooltip="Previous article", show=False),
        Binding("home,g", "first", "First", id="list.first", tooltip="First article", show=False),
        Binding("end,G", "last", "Last", id="list.last", tooltip="Last article", show=False),
        Binding("pagedown,ctrl+f", "page_down", "Page down", id="list.page_down", tooltip="One page down", show=False),
        Binding("pageup,ctrl+b", "page_up", "Page up", id="list.page_up", tooltip="One page up", show=False),
        Binding("ctrl+d", "half_down", "Half page down", id="list.half_down", tooltip="Half a page down", show=False),
        Binding("ctrl+u", "half_up", "Half page up", id="list.half_up", tooltip="Half a page up", show=False),
        Binding("enter", "select", "Read", id="list.read", tooltip="Read the highlighted article"),
    ]

    COMPONENT_CLASSES = {"article-list--cursor", "article-list--dim", "article-list--empty"}

    DEFAULT_CSS = """
    ArticleList {
        background: $surface;
        overflow-x: hidden;
        /* A scrollbar that comes and goes would change the width of every line. */
        scrollbar-gutter: stable;
    }
    ArticleList > .article-list--cursor {
        background: $block-cursor-blurred-background;
    }
    ArticleList:focus > .article-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    ArticleList > .article-list--dim {
        color: $text-muted;
    }
    ArticleList > .article-list--empty {
        color: $text-muted;
        text-style: italic;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=False, init=False)

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another article (row is None when the list is empty)."""

        article_list: "ArticleList"
        """The list."""
        row: ListRow | None
        """The article under the cursor now."""
        moved: bool = True
        """The user moved the cursor; False when the list was set anew under it."""

    @dataclass
    class Selected(Message):
        """Enter, or a click, on an article."""

        article_list: "ArticleList"
        """The list."""
        row: ListRow
        """The article chosen."""

    def __init__(self, fetch: Callable[[list[int]], list[tuple[ListRow, Marks]]], clock: Callable[[], datetime], **kwargs) -> None:
        """``fetch`` gives the rows of these ids with their marks (called
        while lines are drawn); ``clock`` the time ages are counted to."""
        super().__init__(**kwargs)
        self._fetch = fetch
        self._ids: array[int] = array("q")
        self._length = 0  # the list's length: more than the ids known while the rest is on its way
        self._rows: OrderedDict[int, tuple[ListRow, Marks]] = OrderedDict()
        self.clock = clock
        self.empty_text = "No articles."
        self.highlight: list[str] = []  # search words to mark in titles
        self.sources = False  # a list of stories: "+2" after a title with two other sources
        self._style_cache: tuple[Style, Style, Style] | None = None
        self._painter = LinePainter()
        self._height = 0  # the list's height when last in sight (hidden while an article is read full screen)

    # data ---------------------------------------------------------------------

    @property
    def count(self) -> int:
        return self._length

    @property
    def ids(self) -> array[int]:
        """The ids known so far (all of them once ``complete``)."""
        return self._ids

    @property
    def complete(self) -> bool:
        return len(self._ids) == self._length

    def set_ids(self, ids: array[int], keep: int | None = None, length: int | None = None) -> None:
        """Show these articles; keep the cursor on article ``keep`` if it is still there.

        With ``length``, ``ids`` are the first of that many (a ranked search
        shows its first screen before the rest is ordered): the scrollbar and
        the count are the whole list's, and finish() brings the rest.
        """
        on_screen = self.cursor - int(self.scroll_offset.y)  # where the cursor sits now
        old, cursor = self._ids, self.cursor
        self._ids = ids
        self._length = max(len(ids), length or 0)
        self._rows.clear()
        self._set_length(self._length)
        target = 0
        if keep is not None:
            try:
                target = ids.index(keep)
            except ValueError:
                target = _neighbour(old, cursor, ids)
        self.set_reactive(ArticleList.cursor, max(0, min(target, len(ids) - 1)))
        # Out of sight (an article read full screen), the height it had:
        # back in sight, the article is on the line it was on.
        height = self.size.height or self._height
        if keep is not None and 0 <= on_screen < max(1, height):
            # The same article stays on the same screen line (a live update
            # must not move what the reader is looking at).
            self.scroll_to(y=max(0, self.cursor - on_screen), animate=False)
        else:
            self._scroll_to_cursor(center=keep is not None)
        self.refresh()
        self.post_message(self.Highlighted(self, self.current_row, moved=False))

    def finish(self, ids: array[int]) -> bool:
        """The whole of a list shown in part: the cursor, the scroll and the
        rows drawn stay as they are. False (and nothing changed) when the
        list is not a part, or ``ids`` do not begin with the part shown."""
        known = len(self._ids)
        if self.complete or len(ids) < known or ids[:known] != self._ids:
            return False
        self._ids = ids
        if len(ids) != self._length:
            self._length = len(ids)
            self._set_length(self._length)
        if int(self.scroll_offset.y) + self.size.height > known:
            self.refresh()  # lines past the part shown were drawn empty
        return True

    def _set_length(self, lines: int) -> None:
        """Make the list ``lines`` long. A new length changes only the
        scrollbar: the screen is laid out again only when the scrollbar comes
        or goes (setting virtual_size would lay it out every time, a few ms
        of each key typed into a search)."""
        size = Size(self.scrollable_content_region.width, lines)
        if size != self.virtual_size:
            self.set_reactive(ArticleList.virtual_size, size)
            # Private (no public call does it without a layout): the
            # scrollbar's thumb and the scroll limits; a layout only when the
            # scrollbar shows or hides.
            self._scroll_update(size)

    def marks_of(self, article_id: int) -> Marks | None:
        """The marks drawn on this article's line, None when it has none drawn."""
        held = self._rows.get(article_id)
        return held[1] if held is not None else None

    def set_marks(self, article_id: int, marks: Marks) -> None:
        """Draw the line of this article again with these marks."""
        held = self._rows.get(article_id)
        if held is None:
            return  # not drawn lately: its marks are read when it is
        self._rows[article_id] = (held[0], marks)
        try:
            self.refresh_line_at(self._ids.index(article_id))
        except ValueError:
            pass

    def forget_rows(self) -> None:
        """Drop cached rows (after the index changed), keeping the order."""
        self._rows.clear()
        self.refresh()

    def _row_at(self, index: int) -> tuple[ListRow, Marks] | None:
        if not 0 <= index < len(self._ids):
            return None
        article_id = self._ids[index]
        held = self._rows.get(article_id)
        if held is not None:
            self._rows.move_to_end(article_id)
            return held
        # Fetch the whole visible window at once: one query per screen, not per
        # line; and once the list has been drawn, the next lines too, for scrolling
        # (not for a new list, whose first frame would wait for them).
        top = max(0, min(index, int(self.scroll_offset.y)))
        ahead = 32 if self._rows else 0
        window = self._ids[top : top + max(self.size.height, 1) + ahead]
        missing = [i for i in window if i not in self._rows] or [article_id]
        for row, marks in self._fetch(missing):
            self._rows[row.id] = (row, marks)
        while len(self._rows) > ROW_CACHE:
            self._rows.popitem(last=False)
        return self._rows.get(article_id)

    @property
    def current_row(self) -> ListRow | None:
        held = self._row_at(self.cursor)
        return held[0] if held is not None else None

    # rendering ----------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_cache = None
        self._painter = LinePainter()

    def _styles(self) -> tuple[Style, Style, Style]:
        """The list's base, cursor and dim styles, worked out once per style
        change (each costs a walk up the DOM: too much for every line)."""
        if self._style_cache is None:
            self._style_cache = (
                self.rich_style,
                self.get_component_rich_style("article-list--cursor", partial=True),
                self.get_component_rich_style("article-list--dim", partial=True),
            )
        return self._style_cache

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width <= 0:
            return Strip.blank(0)
        index = int(self.scroll_offset.y) + y
        if not self._ids:
            if y == 0:
                style = self.get_component_rich_style("article-list--empty")
                return Strip([Segment(self.empty_text[:width].ljust(width), style)], width)
            return Strip.blank(width, self.rich_style)
        held = self._row_at(index)
        if held is None:
            return Strip.blank(width, self.rich_style)
        base, cursor, dim = self._styles()
        if index == self.cursor:
            base = base + cursor
        segments = self._painter.segments(held[0], held[1], width, base, dim, self.clock(), self.highlight, self.sources)
        if width < NARROWEST:  # too narrow for the score and a title: cut to fit
            return Strip(segments).crop(0, width).extend_cell_length(width, base)
        return Strip(segments, width)

    # movement -----------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line_at(old)
        self.refresh_line_at(new)
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self, self.current_row))

    def refresh_line_at(self, index: int) -> None:
        y = index - int(self.scroll_offset.y)
        if 0 <= y < self.size.height:
            self.refresh_line(y)

    def _scroll_to_cursor(self, center: bool = False) -> None:
        height = max(1, self.size.height)
        top = int(self.scroll_offset.y)
        if center:
            self.scroll_to(y=max(0, self.cursor - height // 2), animate=False)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def move_to(self, index: int) -> None:
        if self._ids:
            self.cursor = max(0, min(index, len(self._ids) - 1))

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self._ids) - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + max(1, self.size.height - 1))

    def action_page_up(self) -> None:
        self.move_to(self.cursor - max(1, self.size.height - 1))

    def action_half_down(self) -> None:
        self.move_to(self.cursor + max(1, self.size.height // 2))

    def action_half_up(self) -> None:
        self.move_to(self.cursor - max(1, self.size.height // 2))

    def action_select(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < len(self._ids):
            if index == self.cursor and event.chain >= 2:
                self.action_select()
            self.move_to(index)

    def on_resize(self, event: events.Resize) -> None:
        if self.size.height:
            self._height = self.size.height
        self.virtual_size = Size(self.scrollable_content_region.width, self._length)
        self._scroll_to_cursor()


def _neighbour(old: array[int], cursor: int, ids: array[int]) -> int:
    """Where the cursor goes when the article it was to keep has left the
    list: the article under it if still there, else the next one of the old
    list still in the new one, else the one before, else the same line."""
    if cursor < len(old):
        present = set(ids)
        for index in (cursor, *range(cursor + 1, len(old)), *range(cursor - 1, -1, -1)):
            if old[index] in present:
                return ids.index(old[index])
    return min(cursor, max(0, len(ids) - 1))
