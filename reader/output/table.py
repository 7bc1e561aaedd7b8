"""Article rows as a table: on a terminal, titles wrap to its width; to a
pipe or a file, one line an article. Printed in chunks, never all in memory."""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Iterable

from reader.format import age, quality_band, score
from reader.output import console, print_trimmed_on
from reader.text import clean


TABLE_CHUNK = 1000  # rows a table is printed in; the first one sets the column widths
HEADINGS = ("ID", "Q", "Heat", "Date", "Provider", "Title")
RIGHT = (False, True, True, True, False, False)  # which columns are right-aligned
PROVIDER_WIDTH = 20  # the most cells the provider column takes
GAP = "  "  # between columns, as in Rich's table
SOURCES = "bold cyan"  # "+2" after a story's title: its other sources (as in the app's list)


def print_table(rows: Iterable[Any], total: Callable[[int], int], stories: bool = False) -> None:
    """On a terminal, a table whose titles wrap to the terminal's width; to a
    pipe or a file, one line per article (see :func:`table_width`).

    Columns are as wide as the first TABLE_CHUNK rows need (the provider at
    most PROVIDER_WIDTH cells); later rows align with them. With ``stories``
    (one row a story) a title is followed by "+N", the story's N other
    sources, kept in sight when a line is cut."""
    from rich.text import Text

    out = console(soft_wrap=True)
    terminal = _writes_to_terminal()
    width = None if terminal else table_width()
    widths: list[int] | None = None
    shown = 0

    def flush(cells: list[list[Text]]) -> None:
        nonlocal widths
        header = widths is None
        if widths is None:
            widths = [max([len(h)] + [c[i].cell_len for c in cells]) for i, h in enumerate(HEADINGS[:5])]
            widths[4] = min(widths[4], PROVIDER_WIDTH)
        if terminal:
            print_trimmed_on(out, _rich_table(cells, widths, header))
            return
        lines = [_line(line, widths, width) for line in cells]
        if header:
            lines.insert(0, _line([Text(h, style="bold") for h in HEADINGS], widths, width))
        if lines:
            out.print(Text("\n").join(lines))

    cells: list[list[Text]] = []
    for row in rows:
        cells.append(
            [
                Text(row.uid, style="dim"),
                Text(score(row.quality), style=quality_style(row.quality)),
                Text(score(row.heat)),
                Text(age(row.published_datetime)),
                Text(clean(row.provider or row.domain)),
                Text(clean(row.title)),
                Text(f" +{row.story_size - 1}", style=SOURCES) if stories and row.story_size > 1 else Text(),
            ]
        )
        shown += 1
        if len(cells) == TABLE_CHUNK:
            flush(cells)
            cells = []
    if cells or not shown:
        flush(cells)
    out.print(Text(f"{shown} of {total(shown)} {'stories' if stories else 'articles'}", style="dim"))


def _writes_to_terminal() -> bool:
    """Whether stdout is a terminal (FORCE_COLOR may colour a pipe; it stays a pipe)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def table_width() -> int | None:
    """How wide a table's lines may be when it goes to a pipe or a file:
    COLUMNS when it is set, else no limit (whole titles, so that grep finds
    every word and the output does not depend on which terminal, if any,
    happens to be attached)."""
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


def _line(cells: list[Any], widths: list[int], width: int | None):
    """One article as one line: the columns padded to ``widths`` (a longer
    provider cut with an ellipsis, a longer number left whole), the title
    last (then a story's "+N"), the whole cut with an ellipsis at ``width``
    cells when given."""
    from rich.text import Text

    line = Text()
    for i, cell in enumerate(cells[:5]):
        size = cell.cell_len
        if i == 4 and size > widths[i]:
            cell = cell.copy()
            cell.truncate(widths[i], overflow="ellipsis")
            size = widths[i]
        pad = " " * max(0, widths[i] - size)
        if RIGHT[i]:
            line.append(pad)
            line.append_text(cell)
        else:
            line.append_text(cell)
            line.append(pad)
        line.append(GAP)
    title, more = cells[5], cells[6] if len(cells) > 6 else Text()
    if width is not None and more.cell_len and line.cell_len + title.cell_len + more.cell_len > width:
        title = title.copy()  # cut the title, not the "+N" after it
        title.truncate(max(1, width - line.cell_len - more.cell_len), overflow="ellipsis")
    line.append_text(title)
    line.append_text(more)
    line.rstrip()
    if width is not None and line.cell_len > width:
        line.truncate(width, overflow="ellipsis")
    return line


def _rich_table(cells: list[list[Any]], widths: list[int], header: bool):
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False, expand=False, show_header=header)
    for i, heading in enumerate(HEADINGS[:5]):  # cut with an ellipsis when wider
        table.add_column(heading, justify="right" if RIGHT[i] else "left", no_wrap=True, width=widths[i], overflow="ellipsis")
    table.add_column(HEADINGS[5], overflow="fold", ratio=1)
    for line in cells:
        table.add_row(*line[:5], Text.assemble(*line[5:]))
    return table


CLI_COLOURS = ("bold green", "green", "yellow", "dark_orange", "red")  # by quality band (reader.format)


def quality_style(quality: float | None) -> str:
    band = quality_band(quality)
    return "dim" if band is None else CLI_COLOURS[band]
