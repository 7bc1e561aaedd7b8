"""How the command line prints: Rich consoles that end quietly on a closed
pipe, and article rows as a table (in chunks, never all in memory), JSON,
JSON lines or CSV. Every value from a file is data: cleaned of control
sequences before a terminal sees it, escaped in JSON."""

from __future__ import annotations

import csv
import json
import os
import sys
from typing import Any, Callable, Iterable

from reader.format import age, number, quality_band, score
from reader.text import clean


def console(**kwargs: Any):
    """A Rich console that lets a closed pipe end the command quietly."""
    from rich.console import Console

    class _Quiet(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return _Quiet(highlight=False, **kwargs)


def err_console():
    return console(stderr=True, soft_wrap=True)


def display_path(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def article_json(row) -> dict[str, Any]:
    data = row.data or {}
    return {
        "id": row.uid,
        "path": row.path,
        "title": row.title,
        "excerpt": row.excerpt,
        "url": row.url,
        "original_url": data.get("original_url"),
        "published_at": data.get("published_at"),
        "quality": number(row.quality),
        "heat": number(row.heat),
        "published": row.published,
        "type": data.get("type"),
        "category": data.get("category"),
        "provider": None if row.provider is None and row.domain is None else {"name": row.provider, "domain": row.domain},
        "topics": row.topics,
        "images": [{"url": i["url"], "width": i["width"], "height": i["height"]} for i in data.get("images", [])],
        "related": [
            {
                "title": r["title"],
                "url": r["url"],
                "provider": r["provider"],
                "quality": r["quality"],
                "published_at": r["published_at"],
                "excerpt": r["excerpt"],
            }
            for r in data.get("related", [])
        ],
        "has_secured": bool(data.get("has_secured")),
    }


def parsed_json(article, uid: str) -> dict[str, Any]:
    """article_json()'s object made from a parsed Article (a file no index holds)."""

    def iso(when):
        return None if when is None else when.isoformat().replace("+00:00", "Z")

    def provider(p):
        return None if p is None else {"name": p.name, "domain": p.domain}

    return {
        "id": uid,
        "path": article.path,
        "title": article.title,
        "excerpt": article.excerpt,
        "url": article.url,
        "original_url": article.original_url,
        "published_at": iso(article.published_at),
        "quality": number(article.quality),
        "heat": number(article.heat),
        "published": article.published,
        "type": article.type,
        "category": article.category,
        "provider": provider(article.provider),
        "topics": list(article.topics),
        "images": [{"url": i.url, "width": i.width, "height": i.height} for i in article.images],
        "related": [
            {"title": r.title, "url": r.url, "provider": provider(r.provider), "quality": number(r.quality), "published_at": iso(r.published_at), "excerpt": r.excerpt}
            for r in article.related
        ],
        "has_secured": article.has_secured,
    }


def dumps(value: Any, indent: int | None = None) -> str:
    from reader.text import escape_json_controls

    return escape_json_controls(json.dumps(value, ensure_ascii=False, indent=indent))


def print_rows(rows: Iterable[Any], fmt: str, total: Callable[[int], int]) -> None:
    """Print rows as they come (a long listing is never all in memory);
    ``total(shown)`` is the number of matches, for the table's last line."""
    out = sys.stdout
    if fmt == "json":
        # json.dumps(list, indent=2), one item at a time
        first = True
        for row in rows:
            item = dumps(article_json(row), indent=2).replace("\n", "\n  ")
            out.write(("[\n  " if first else ",\n  ") + item)
            first = False
        out.write("[]\n" if first else "\n]\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(dumps(article_json(row)) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["id", "path", "title", "excerpt", "url", "published_at", "quality", "heat", "published", "provider", "domain", "topics", "related"])
        # Cells are cleaned even in a pipe: a CSV file is often shown with
        # `cat` or `column`, and JSON is there for the exact strings.
        tidy = clean
        for row in rows:
            item = article_json(row)
            writer.writerow(
                [
                    item["id"], tidy(item["path"]), tidy(item["title"]), tidy(item["excerpt"]), tidy(item["url"]),
                    item["published_at"] or "", csv_num(item["quality"]), csv_num(item["heat"]),
                    "" if item["published"] is None else str(item["published"]).lower(),
                    tidy(row.provider), tidy(row.domain), tidy("; ".join(row.topics)), len(item["related"]),
                ]
            )
    else:
        print_table(rows, total)


def csv_num(value: Any) -> str:
    return "" if value is None else str(value)


TABLE_CHUNK = 1000  # rows a table is printed in; the first one sets the column widths
HEADINGS = ("ID", "Q", "Heat", "Date", "Provider", "Title")
RIGHT = (False, True, True, True, False, False)  # which columns are right-aligned
PROVIDER_WIDTH = 20  # the most cells the provider column takes
GAP = "  "  # between columns, as in Rich's table


def print_table(rows: Iterable[Any], total: Callable[[int], int]) -> None:
    """On a terminal, a table whose titles wrap to the terminal's width; to a
    pipe or a file, one line per article (see :func:`table_width`).

    Columns are as wide as the first TABLE_CHUNK rows need (the provider at
    most PROVIDER_WIDTH cells); later rows align with them."""
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
            _print_trimmed(out, _rich_table(cells, widths, header))
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
            ]
        )
        shown += 1
        if len(cells) == TABLE_CHUNK:
            flush(cells)
            cells = []
    if cells or not shown:
        flush(cells)
    out.print(Text(f"{shown} of {total(shown)} articles", style="dim"))


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
    last, the whole cut with an ellipsis at ``width`` cells when given."""
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
    line.append_text(cells[5])
    line.rstrip()
    if width is not None and line.cell_len > width:
        line.truncate(width, overflow="ellipsis")
    return line


def _rich_table(cells: list[list[Any]], widths: list[int], header: bool):
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False, expand=False, show_header=header)
    for i, heading in enumerate(HEADINGS[:5]):  # cut with an ellipsis when wider
        table.add_column(heading, justify="right" if RIGHT[i] else "left", no_wrap=True, width=widths[i], overflow="ellipsis")
    table.add_column(HEADINGS[5], overflow="fold", ratio=1)
    for line in cells:
        table.add_row(*line)
    return table


def print_trimmed(renderable: Any) -> None:
    """Print ``renderable`` with no trailing spaces on any line.

    Rich pads tables, markdown and rules to the console's width; that padding
    is dropped. Spaces drawn with a background (a code block's, on a colour
    terminal) are visible, so they stay."""
    _print_trimmed(console(soft_wrap=True), renderable)


def _print_trimmed(out: Any, renderable: Any) -> None:
    from rich.segment import Segment, Segments

    styled = out.color_system is not None  # else no style is written at all
    coloured = styled and not out.no_color
    segments: list[Segment] = []
    for line in out.render_lines(renderable, pad=False):
        segments.extend(_rstrip(line, styled, coloured))
        segments.append(Segment.line())
    out.print(Segments(segments), end="")


def _rstrip(line: list[Any], styled: bool, coloured: bool) -> list[Any]:
    """``line`` without its trailing spaces, but for those that will show:
    drawn with a background colour or in reverse video."""
    from rich.segment import Segment

    line = list(line)
    while line:
        last = line[-1]
        if last.control:
            break
        style = last.style
        if style is not None and ((coloured and style.bgcolor is not None) or (styled and style.reverse)):
            break
        text = last.text.rstrip(" ")
        if text:
            line[-1] = Segment(text, last.style)
            break
        line.pop()
    return line


CLI_COLOURS = ("bold green", "green", "yellow", "dark_orange", "red")  # by quality band (reader.format)


def quality_style(quality: float | None) -> str:
    band = quality_band(quality)
    return "dim" if band is None else CLI_COLOURS[band]
