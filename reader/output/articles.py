"""Article rows as JSON, JSON lines or CSV (a table is table.py's), printed
as they come: a long listing is never all in memory."""

from __future__ import annotations

import csv
import sys
from typing import Any, Callable, Iterable

from reader.format import number
from reader.output import dumps
from reader.output.table import print_table
from reader.text import clean

CSV_COLUMNS = (
    "id", "path", "title", "excerpt", "url", "published_at", "quality", "heat", "published", "provider", "domain", "topics", "related",
    "story", "story_size",
)


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
        # Its story (reader.stories): the id of the story's first report, and
        # how many articles report it (1: this one alone).
        "story": row.story or row.uid,
        "story_size": row.story_size,
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
        "story": uid,  # no index holds it: a story of its own
        "story_size": 1,
    }


def print_rows(
    rows: Iterable[Any], fmt: str, total: Callable[[int], int], members: Callable[[Any], list[str]] | None = None
) -> None:
    """Print rows as they come (a long listing is never all in memory);
    ``total(shown)`` is the number of matches, for the table's last line.

    ``members``, for a list of stories (one row a story): the ids of a row's
    story, head first, which each object (and CSV row) gets as ``members``;
    the table shows the story's other sources as "+N" instead."""
    out = sys.stdout

    def as_json(row: Any) -> dict[str, Any]:
        item = article_json(row)
        if members is not None:
            item["members"] = members(row)
        return item

    if fmt == "json":
        # json.dumps(list, indent=2), one item at a time
        first = True
        for row in rows:
            item = dumps(as_json(row), indent=2).replace("\n", "\n  ")
            out.write(("[\n  " if first else ",\n  ") + item)
            first = False
        out.write("[]\n" if first else "\n]\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(dumps(as_json(row)) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS + (("members",) if members is not None else ()))
        # Cells are cleaned even in a pipe: a CSV file is often shown with
        # `cat` or `column`, and JSON is there for the exact strings.
        tidy = clean
        for row in rows:
            item = as_json(row)
            cells = [
                item["id"], tidy(item["path"]), tidy(item["title"]), tidy(item["excerpt"]), tidy(item["url"]),
                item["published_at"] or "", csv_num(item["quality"]), csv_num(item["heat"]),
                "" if item["published"] is None else str(item["published"]).lower(),
                tidy(row.provider), tidy(row.domain), tidy("; ".join(row.topics)), len(item["related"]),
                item["story"], item["story_size"],
            ]
            if members is not None:
                cells.append("; ".join(item["members"]))
            writer.writerow(cells)
    else:
        print_table(rows, total, stories=members is not None)


def csv_num(value: Any) -> str:
    return "" if value is None else str(value)

