"""One line of the article list: mark, score, star, title (searched words
marked), provider, age and heat, fitted to the width. Drawn for every
line on screen in every frame, so built from segments directly, with the
styles combined once."""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style

from reader.format import age, quality_band, score
from reader.model import ListRow, Marks
from reader.text import clean

NARROWEST = 1 + 4 + 1 + 1  # mark, score, gap and one cell of title
BOLD = Style(bold=True)
MATCH = Style(underline=True, bold=True)  # a searched word in a title
STARRED = Style(color="yellow", bold=True)
SOURCES = Style(color="cyan", bold=True)  # "+2": a story's other sources


def _fit(text: str, cells: int) -> str:
    """``text`` in exactly ``cells`` cells: cut with an ellipsis, or padded."""
    length = cell_len(text)
    if length > cells:
        return set_cell_size(text, cells - 1) + "…" if cells > 0 else ""
    return text + " " * (cells - length)


def _matches(text: str, words: tuple[str, ...], shown: int) -> list[tuple[int, int]]:
    """Where the searched ``words`` are in ``text`` (any case), left to right,
    within its first ``shown`` characters (a match the ellipsis cuts is marked
    up to it, the ellipsis included)."""
    pattern = _pattern(words)
    if pattern is None:
        return []
    spans = []
    for match in pattern.finditer(text):
        start, stop = match.span()
        if start >= shown:
            break
        if stop > start:
            spans.append((start, min(stop, shown)))
    return spans


@lru_cache(maxsize=64)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    wanted = [re.escape(w) for w in words if w]
    return re.compile("|".join(wanted), re.IGNORECASE) if wanted else None


LIST_COLOURS = ("green3", "chartreuse3", "gold3", "dark_orange3", "red3")  # by quality band (reader.format)


def quality_colour(quality: float | None) -> str:
    band = quality_band(quality)
    return "grey50" if band is None else LIST_COLOURS[band]


class LinePainter:
    """Draws list lines, keeping the styles it combined (a line has a few
    dozen at most, and adding Rich styles is slow). A new painter when the
    widget's styles change."""

    def __init__(self) -> None:
        self._combined: dict[tuple[Style, Style], Style] = {}

    def _style(self, base: Style, layer: Style) -> Style:
        """``base`` with ``layer`` over it, worked out once (a line has a few
        dozen styles at most, and adding Rich styles is slow)."""
        key = (base, layer)
        style = self._combined.get(key)
        if style is None:
            style = base + layer
            if len(self._combined) > 4096:
                self._combined.clear()
            self._combined[key] = style
        return style

    def segments(
        self, row: ListRow, marks: Marks, width: int, base: Style, dim: Style, now: datetime, highlight: list[str], sources: bool = False
    ) -> list[Segment]:
        """``row``'s line, as segments exactly ``width`` cells long, in the
        ``base`` style (with the cursor's when on it), details in ``dim``,
        ages counted to ``now``, the ``highlight`` words marked in the title;
        with ``sources`` (a list of stories), "+2" after the title of a
        story with two other sources.

        Built directly: a Rich Text assembled, highlighted and rendered for
        each line took most of a frame while a search was typed."""
        colour = quality_colour(row.quality)
        fixed = 1 + 4 + 1  # mark, score and star, a cell to spare at the end
        extras: list[tuple[str, Style]] = []  # each after a space, in this order
        if width >= 64:
            provider = clean(row.provider or row.domain)
            if provider:
                extras.append((_fit(provider, 18), dim))
        if width >= 40:
            extras.append((age(row.published_datetime, now).rjust(8), dim))
        if width >= 96:
            extras.append((("" if row.heat is None else score(row.heat)).rjust(5), dim))
        taken = sum(cell_len(text) + 1 for text, _ in extras)
        room = width - fixed - taken
        if room < 8:
            extras, taken = [], 0
            room = width - fixed
        strong = row.quality is not None and row.quality >= 80
        segments = [
            Segment("▌", self._style(base, Style(color=colour))),
            Segment(score(row.quality).rjust(3), self._style(base, Style(color=colour, bold=strong))),
            Segment("★", self._style(base, STARRED)) if marks.starred else Segment(" ", base),
        ]
        title_style = base if marks.read else self._style(base, BOLD)
        full = clean(row.title)
        more = f" +{row.story_size - 1}" if sources and row.story_size > 1 and room >= 12 else ""
        if more:
            full = _fit(full, room - len(more)).rstrip() if cell_len(full) > room - len(more) else full
            room_title = cell_len(full)
        else:
            room_title = max(0, room)
        title = _fit(full, room_title)
        spans = _matches(full, tuple(highlight), len(title)) if highlight else ()
        at = 0
        for start, stop in spans:
            if start > at:
                segments.append(Segment(title[at:start], title_style))
            segments.append(Segment(title[start:stop], self._style(title_style, MATCH)))
            at = stop
        if at < len(title):
            segments.append(Segment(title[at:], title_style))
        if more:
            segments.append(Segment(more, self._style(base, SOURCES)))
            segments.append(Segment(" " * (max(0, room) - room_title - len(more)), base))
        for text, style in extras:
            segments.append(Segment(" ", base))
            segments.append(Segment(text, self._style(base, style)))
        spare = width - 5 - max(0, room) - taken  # after mark, score and star; the title fills its room exactly
        if spare > 0:
            segments.append(Segment(" " * spare, base))
        return segments
