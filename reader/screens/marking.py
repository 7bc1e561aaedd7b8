"""When an article becomes read, as the config's `mark_read` says:

- "open" (the default): when it is opened: read full screen (Enter), a
  link followed to it, its link opened in the browser (o, O);
- "dwell": that, and once it has been shown in the pane, in sight, for
  `mark_read_dwell` seconds, never while a search is typed;
- "never": only by hand (m).

A mark set by hand is the user's word: nothing here undoes it while the
article stays shown.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from textual.timer import Timer
from textual.widget import Widget

from reader.config import Config
from reader.model import ListRow, Marks

ChangeMarks = Callable[[ListRow, Callable[[Marks], Marks]], None]


def _read(marks: Marks) -> Marks:
    return replace(marks, read=True)


class ReadMarker:
    """Marks articles read on the main screen's behalf (its timers run on ``host``)."""

    def __init__(self, host: Widget, config: Config, change_marks: ChangeMarks, still_shown: Callable[[ListRow], bool]) -> None:
        """``change_marks`` writes a change of one row's marks;
        ``still_shown`` says whether the row is in the pane, in sight, loaded."""
        self.host = host
        self.config = config
        self.change_marks = change_marks
        self.still_shown = still_shown
        self._timer: Timer | None = None
        self._dwelling: ListRow | None = None

    @property
    def dwelling(self) -> ListRow | None:
        """The row whose dwell time is running."""
        return self._dwelling

    def opened(self, row: ListRow | None) -> None:
        """``row`` was opened: read, unless the config says never."""
        self.stop()
        if row is not None and self.config.mark_read != "never":
            self.change_marks(row, _read)

    def shown(self, row: ListRow | None) -> None:
        """``row`` is now shown in the pane, in sight, for reading (not while
        a search is typed): with "dwell", read once it stays so long."""
        self.stop()
        if row is not None and self.config.mark_read == "dwell":
            self._dwelling = row
            self._timer = self.host.set_timer(self.config.mark_read_dwell, self._dwelt)

    def stop(self) -> None:
        """The dwell ends unmarked: the cursor moved on, or the user marked by hand."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = None
        self._dwelling = None

    def _dwelt(self) -> None:
        row = self._dwelling
        self._timer = None
        self._dwelling = None
        if row is not None and self.still_shown(row):
            self.change_marks(row, _read)
