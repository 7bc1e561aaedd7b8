"""Grouping's precision and recall on the hand-labelled sets (tests/data/stories).

    python bench/stories_quality.py

Prints B-cubed and pairwise precision/recall for the UCI headline sample
(always) and for the everyday-ai corpus (when ../shared/corpus/everyday-ai
is there: its files and their related items, labelled by link), beside
what leaving every article alone scores.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader.stories.features import features  # noqa: E402
from reader.stories.group import Member, group  # noqa: E402
from reader.stories.metrics import bcubed, pairwise  # noqa: E402

DATA = ROOT / "tests" / "data" / "stories"
CORPUS = ROOT.parent / "shared" / "corpus" / "everyday-ai"


def epoch(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return int(value.timestamp())
    return int(datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp())


def report(name: str, members: list[Member], truth: dict[int, str]) -> None:
    found = {i: k for k, g in enumerate(group(members)) for i in g}
    b, p = bcubed(found, truth), pairwise(found, truth)
    alone = bcubed({i: i for i in truth}, truth)
    print(f"{name}: {len(members)} articles, {len(set(truth.values()))} true stories")
    print(f"  B-cubed  precision {b.precision:.3f}  recall {b.recall:.3f}   (every article alone: recall {alone.recall:.3f})")
    print(f"  pairwise precision {p.precision:.3f}  recall {p.recall:.3f}")
    print("  targets: B-cubed precision >= 0.95, recall >= 0.75")


def uci() -> None:
    rows = list(csv.DictReader((DATA / "uci.csv").open(encoding="utf-8")))
    members = [Member(epoch(r["published"]), features(r["title"], None, [r["url"]], [])) for r in rows]
    report("UCI headlines (titles only, one day)", members, {i: r["event"] for i, r in enumerate(rows)})


def everyday_ai() -> None:
    import yaml

    labels = json.loads((DATA / "everyday-ai.json").read_text(encoding="utf-8"))
    items: dict[str, Member] = {}
    for path in sorted(CORPUS.glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        url = meta.get("webUrl")
        related = meta.get("related") or []
        items.setdefault(url, Member(
            epoch(meta.get("publishedDateTime")),
            features(meta.get("title"), meta.get("excerpt"), [url, meta.get("originalUrl")], [(r.get("title"), r.get("webUrl")) for r in related]),
        ))
        for r in related:
            items.setdefault(r.get("webUrl"), Member(epoch(r.get("publishedDateTime")), features(r.get("title"), r.get("excerpt"), [r.get("webUrl")], [])))
    urls = [u for u in items if u in labels]
    report("everyday-ai files and related items", [items[u] for u in urls], {i: labels[u] for i, u in enumerate(urls)})


if __name__ == "__main__":
    uci()
    if CORPUS.is_dir():
        everyday_ai()
    else:
        print(f"(no {CORPUS}: the everyday-ai figures need it)")
