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


def dumps(value: Any, indent: int | None = None) -> str:
    from reader.text import escape_json_controls

    return escape_json_controls(json.dumps(value, ensure_ascii=False, indent=indent))


def print_rows(rows: Iterable[Any], fmt: str, total: Callable[[int], int]) -> None:
    """Print rows as they come (a long listing is never all in memory);
    ``total(shown)`` is the number of matches, for the table's last line."""
    from reader.text import clean

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


def print_table(rows: Iterable[Any], total: Callable[[int], int]) -> None:
    from rich.table import Table
    from rich.text import Text

    from reader.text import clean

    out = console()
    widths: list[int] | None = None
    shown = 0

    def table(cells: list[list[Text]]) -> Table:
        nonlocal widths
        if widths is None:
            # as wide as the first rows need (the provider at most 20 cells); the rest align with them
            widths = [max([len(h)] + [c[i].cell_len for c in cells]) for i, h in enumerate(("ID", "Q", "Heat", "Age", "Provider"))]
            widths[4] = min(widths[4], 20)
        out = Table(box=None, header_style="bold", pad_edge=False, expand=False, show_header=shown == len(cells))
        out.add_column("ID", style="dim", no_wrap=True, width=widths[0])
        out.add_column("Q", justify="right", no_wrap=True, width=widths[1])
        out.add_column("Heat", justify="right", no_wrap=True, width=widths[2])
        out.add_column("Age", justify="right", no_wrap=True, width=widths[3])
        out.add_column("Provider", no_wrap=True, width=widths[4], overflow="ellipsis")
        out.add_column("Title", overflow="fold", ratio=1)
        for line in cells:
            out.add_row(*line)
        return out

    cells: list[list[Text]] = []
    for row in rows:
        cells.append(
            [
                Text(row.uid),
                Text(score(row.quality), style=quality_style(row.quality)),
                Text(score(row.heat)),
                Text(age(row.published_datetime)),
                Text(clean(row.provider or row.domain)),
                Text(clean(row.title)),
            ]
        )
        shown += 1
        if len(cells) == TABLE_CHUNK:
            out.print(table(cells))
            cells = []
    if cells or not shown:
        out.print(table(cells))
    out.print(Text(f"{shown} of {total(shown)} articles", style="dim"))


CLI_COLOURS = ("bold green", "green", "yellow", "dark_orange", "red")  # by quality band (reader.format)


def quality_style(quality: float | None) -> str:
    band = quality_band(quality)
    return "dim" if band is None else CLI_COLOURS[band]
