"""Story grouping at N synthetic articles with known stories
(bench/stories_data.py), each figure beside its baseline or target,
measured in one run on this machine:

1. grouping's share of the cold index: a fresh cache built with grouping
   and without it, in turn, --runs times each (each build a process of its
   own, so neither side inherits the other's warm interpreter); the median
   of each and the ratio. Also the refresh's own grouping_seconds, and
   what reader.stories.features costs an article (timed on a sample here).
2. quality on the synthetic set: each article's story read from the cache
   (the last cold build with grouping), against labels.json: B-cubed and
   pairwise precision/recall (beside every article left alone), the stories
   of 2+ found and true, the hard negatives kept apart (by kind), then the
   kinds of pairs missed and wrongly joined, with example headlines.
3. incremental join and leave: a new report of a known 2-article story
   (the same event, another outlet, an hour after it) is written into the
   library and a refresh timed: does it join? Then it and one of the two
   are deleted and a refresh timed: is the one left a story of one again?
   (--joins stories, the files put back as they were after each.) The
   first report that does not join is tried once more in a cold build, to
   tell the incremental update's misses from grouping's own.

    python bench/stories.py [--n 100000] [--dir DIR] [--flat] [--runs 3] [--joins 3] [--seed 7]

The corpus is made in DIR (default /tmp/bench-stories, or
/tmp/bench-stories-flat with --flat) when its labels.json is missing or was
made for another N, layout, seed or generator version. Caches live in a temporary folder,
removed at the end. Run by hand, never in CI, and not while a test suite
runs (the cold index uses every core).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TARGETS = {
    "share_pct": 20.0,  # grouping's cost, as a share of the cold index without it
    "bcubed_precision": 0.95,  # the README's targets for grouping (bench/stories_quality.py)
    "bcubed_recall": 0.75,
    "hard_apart": 0.9,
    "join_s": 2.0,  # a new report shown in its story within this
}

COLD = r"""
import json, sys, time
from reader.store.library import Library
try:
    library = Library([sys.argv[1]], cache_dir=sys.argv[2], stories=sys.argv[3] == "1")
except TypeError as error:
    if "stories" not in str(error):
        raise
    print(json.dumps({"unavailable": True}))
    sys.exit(0)
started = time.perf_counter()
stats = library.refresh()
seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": seconds,
    "grouping": getattr(stats, "grouping_seconds", None),
    "articles": library.article_count(),
    "parsed": stats.parsed,
}))
"""


def cold(folder: Path, cache: Path, stories: bool) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", COLD, str(folder), str(cache), "1" if stories else "0"],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def corpus(folder: Path, n: int, flat: bool, seed: int) -> tuple[dict, bool]:
    """The corpus's meta.json; made first when missing or made otherwise."""
    meta_path, labels = folder / "meta.json", folder / "labels.json"
    if labels.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        from stories_data import VERSION

        if (meta.get("version"), meta.get("n"), meta.get("flat"), meta.get("seed")) == (VERSION, n, flat, seed):
            return meta, False
    from stories_data import generate

    print(f"generating {n:,} articles in {folder} ...", flush=True)
    generate(folder, n, seed=seed, flat=flat)
    return json.loads(meta_path.read_text()), True


def warm(folder: Path) -> None:
    """Read every file once, so the first measured build does not pay for the disk."""
    for root, _, names in os.walk(folder):
        for name in names:
            if name.endswith(".md"):
                with open(os.path.join(root, name), "rb") as handle:
                    handle.read()


try:
    from reader.stories.metrics import bcubed, pairwise
except ImportError:  # a checkout without grouping: the same definitions, here
    from typing import NamedTuple

    class Scores(NamedTuple):
        precision: float
        recall: float

    def bcubed(found, truth):  # type: ignore[no-redef]
        items = list(truth)
        both = Counter((found[i], truth[i]) for i in items)
        f_size = Counter(found[i] for i in items)
        t_size = Counter(truth[i] for i in items)
        p = sum(both[(found[i], truth[i])] / f_size[found[i]] for i in items)
        r = sum(both[(found[i], truth[i])] / t_size[truth[i]] for i in items)
        return Scores(p / len(items), r / len(items))

    def pairwise(found, truth):  # type: ignore[no-redef]
        items = list(truth)
        pairs = lambda counts: sum(k * (k - 1) // 2 for k in counts.values())  # noqa: E731
        common = pairs(Counter((found[i], truth[i]) for i in items))
        f_pairs, t_pairs = pairs(Counter(found[i] for i in items)), pairs(Counter(truth[i] for i in items))
        return Scores(common / f_pairs if f_pairs else 1.0, common / t_pairs if t_pairs else 1.0)


class Table:
    """Rows of (figure, value, target or note), printed aligned at the end."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []
        self.missed: list[str] = []

    def add(self, name: str, value: str, note: str = "", met: bool | None = None) -> None:
        self.rows.append((name, value, note))
        if met is False:
            self.missed.append(name.strip())

    def print(self) -> None:
        width = max(len(r[0]) for r in self.rows)
        for name, value, note in self.rows:
            print(f"  {name:<{width}}  {value:>12}  {note}")
        print("targets missed: " + ", ".join(self.missed) if self.missed else "all targets met")


def relative(path: str, folder: Path) -> str:
    return os.path.relpath(path, folder).replace(os.sep, "/") if os.path.isabs(path) else path.replace(os.sep, "/")


def read_stories(db_path: Path, folder: Path) -> dict[str, tuple[str, int, str]] | None:
    """path (relative) -> (story, story_size, title), or None without the columns."""
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute("SELECT path, story, story_size, title FROM articles").fetchall()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return {relative(path, folder): (story, size, title) for path, story, size, title in rows}


def quality(table: Table, found_rows: dict[str, tuple[str, int, str]], folder: Path, meta: dict, examples: int) -> None:
    labels: dict[str, str] = json.loads((folder / "labels.json").read_text())
    hard: list[list[str]] = json.loads((folder / "hard_negatives.json").read_text())
    absent = [p for p in labels if p not in found_rows]
    truth = {p: label for p, label in labels.items() if p in found_rows}
    found = {p: found_rows[p][0] for p in truth}
    b, pw = bcubed(found, truth), pairwise(found, truth)
    alone = bcubed({p: p for p in truth}, truth)
    found_sizes = Counter(found.values())
    true_sizes = Counter(truth.values())
    wrong_size = sum(1 for p in truth if found_rows[p][1] != found_sizes[found[p]])
    table.add("articles compared with their labels", f"{len(truth):,}", f"{len(absent)} labelled files not in the cache" if absent else "")
    table.add("B-cubed precision", f"{b.precision:.3f}", f"target >= {TARGETS['bcubed_precision']}", b.precision >= TARGETS["bcubed_precision"])
    table.add("B-cubed recall", f"{b.recall:.3f}", f"target >= {TARGETS['bcubed_recall']}; every article alone: {alone.recall:.3f}",
              b.recall >= TARGETS["bcubed_recall"])
    table.add("pairwise precision", f"{pw.precision:.3f}", "")
    table.add("pairwise recall", f"{pw.recall:.3f}", "")
    table.add("stories of 2+ found", f"{sum(1 for k in found_sizes.values() if k >= 2):,}",
              f"true: {sum(1 for k in true_sizes.values() if k >= 2):,}; largest found {max(found_sizes.values())}, true {max(true_sizes.values())}")
    if wrong_size:
        table.add("  story_size not the members counted", f"{wrong_size:,}", "articles (should be 0)", False)
    kinds = meta.get("hard_negative_kinds", [])
    apart_by: dict[str, list[bool]] = defaultdict(list)
    for index, (a, b_) in enumerate(hard):
        if a in found and b_ in found:
            apart_by[kinds[index] if index < len(kinds) else "?"].append(found[a] != found[b_])
    every = [x for xs in apart_by.values() for x in xs]
    share = sum(every) / len(every) if every else 1.0
    table.add("hard negatives kept apart", f"{share:.3f}", f"target >= {TARGETS['hard_apart']}; {len(every):,} pairs", share >= TARGETS["hard_apart"])
    names = {"a": "same company, other event, same day", "b": "same headline, months apart", "c": "same action, other company, same day"}
    for kind in sorted(apart_by):
        xs = apart_by[kind]
        table.add(f"  ({kind}) {names.get(kind, kind)}", f"{sum(xs) / len(xs):.3f}", f"{len(xs) - sum(xs)} of {len(xs)} joined")
    errors(found_rows, found, truth, meta, examples)


def errors(found_rows: dict[str, tuple[str, int, str]], found: dict[str, str], truth: dict[str, str], meta: dict, examples: int) -> None:
    """What was missed and what was wrongly joined, by kind, with headlines."""
    subjects = meta.get("subjects", {})
    dup_pairs = {tuple(sorted(pair)) for pair in meta.get("duplicates", [])}
    twin_kind = {tuple(sorted(t[:2])): t[2] for t in meta.get("twins", [])}
    title = lambda p: found_rows[p][2]  # noqa: E731
    rng = random.Random(1)

    # Missed: members of one true story put in different found stories.
    by_truth: dict[str, list[str]] = defaultdict(list)
    for p, label in truth.items():
        by_truth[label].append(p)
    missed: dict[str, list[tuple[str, str]]] = defaultdict(list)
    split_stories = Counter()
    total_pairs = Counter()
    for label, members in by_truth.items():
        if len(members) < 2:
            continue
        action = subjects.get(label, ["?"])[0]
        pieces = len({found[p] for p in members})
        if pieces > 1:
            split_stories[action] += 1
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                kind = "same page" if tuple(sorted((a, b))) in dup_pairs else action
                total_pairs[kind] += 1
                if found[a] != found[b]:
                    missed[kind].append((a, b))
    # Wrongly joined: members of one found story from different true stories.
    by_found: dict[str, list[str]] = defaultdict(list)
    for p, story in found.items():
        by_found[story].append(p)
    joined: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for members in by_found.values():
        if len({truth[p] for p in members}) < 2:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if truth[a] == truth[b]:
                    continue
                key = tuple(sorted((truth[a], truth[b])))
                sa, sb = subjects.get(truth[a], ["?", ""]), subjects.get(truth[b], ["?", ""])
                if key in twin_kind:
                    kind = f"hard negative ({twin_kind[key]})"
                elif sa[1] and sa[1] == sb[1]:
                    kind = "same company, " + ("same action" if sa[0] == sb[0] else "other event")
                elif sa[0] == sb[0] and sa[0] != "opinion":
                    kind = f"same action ({sa[0]}), other company"
                elif "opinion" in (sa[0], sb[0]):
                    kind = "an opinion piece (no event) and " + (sb[0] if sa[0] == "opinion" else sa[0])
                else:
                    kind = "unrelated events"
                joined[kind].append((a, b))

    print()
    print(f"pairs of one true story put apart, by the event's action ({sum(map(len, missed.values())):,} of {sum(total_pairs.values()):,} pairs;"
          f" true stories split: {sum(split_stories.values()):,}):")
    for kind, total in sorted(total_pairs.items(), key=lambda kv: -len(missed.get(kv[0], ()))):
        print(f"  {kind:<12} {len(missed.get(kind, ())):6,} of {total:6,} pairs missed ({len(missed.get(kind, ())) / total:.0%})")
    shown = sorted(missed.items(), key=lambda kv: (kv[0] != "same page", -len(kv[1])))[:4]  # the same page first: it must never be missed
    for kind, pairs in shown:
        print(f"  e.g. {kind}:")
        for a, b in rng.sample(pairs, min(examples, len(pairs))):
            print(f"      {title(a)!r}\n    / {title(b)!r}")
    print()
    print(f"pairs of different true stories put together ({sum(map(len, joined.values())):,} pairs):")
    for kind, pairs in sorted(joined.items(), key=lambda kv: -len(kv[1])):
        print(f"  {kind:<44} {len(pairs):6,}")
    for kind, pairs in sorted(joined.items(), key=lambda kv: -len(kv[1]))[:5]:
        print(f"  e.g. {kind}:")
        for a, b in rng.sample(pairs, min(examples, len(pairs))):
            print(f"      {title(a)!r}\n    / {title(b)!r}")
    print()


def incremental(table: Table, library, folder: Path, meta: dict, joins: int, seed: int, work: Path) -> None:
    """A new report joins a 2-article story; removing it and one of the two
    leaves the other alone. The library's files are put back after each."""
    import stories_data as sd
    from datetime import datetime

    from generate import Words

    rows = read_stories(library.db_path, folder)
    assert rows is not None
    labels: dict[str, str] = json.loads((folder / "labels.json").read_text())
    by_label: dict[str, list[str]] = defaultdict(list)
    for p, label in labels.items():
        by_label[label].append(p)
    dup_paths = {p for pair in meta.get("duplicates", []) for p in pair}
    # True 2-article stories (two outlets) that grouping found whole and alone.
    candidates = sorted(
        label for label, members in by_label.items()
        if len(members) == 2 and label in meta["events"] and not dup_paths & set(members)
        and all(p in rows for p in members) and rows[members[0]][0] == rows[members[1]][0] and rows[members[0]][1] == 2
    )
    if not candidates:
        table.add("incremental join", "skipped", "no 2-article story found whole to add to")
        return
    rng = random.Random(seed)
    words = Words(random.Random(seed))
    start = datetime.fromisoformat(meta["start"])
    join_times, leave_times, joined_ok, left_ok, restored = [], [], 0, 0, 0
    grouping_times = []
    cold_checked = False
    pulled_in = 0
    for label in rng.sample(candidates, min(joins, len(candidates))):
        a, b = sorted(by_label[label])
        when = max(_published(folder / a), _published(folder / b)) + timedelta(hours=1)
        ev = meta["events"][label]
        title, text = sd.paraphrase(ev, rng, words, when, {rows[a][2], rows[b][2]})
        item = sd.Item(label, int((when - start).total_seconds()), ("Bench Wire", "benchwire.example"), title, text, ev["topics"],
                       slug=sd.slug_of(title))
        item.url = f"https://www.benchwire.example/{when:%Y/%m}/{item.slug}"
        new = (folder / b).parent / f"zz-bench-join-{label}.md"
        kept = (folder / a).read_bytes(), (folder / a).stat()
        try:
            new.write_text(sd.render(item, when, rng, 0), encoding="utf-8")
            started = time.perf_counter()
            stats = library.refresh()
            join_times.append(time.perf_counter() - started)
            grouping_times.append(getattr(stats, "grouping_seconds", 0.0))
            got = _stories(library.db_path, [folder / a, folder / b, new])
            ok = len(got) == 3 and len({story for story, _ in got.values()}) == 1
            joined_ok += ok
            print(f"  join {label}: {'yes' if ok else 'NO'} in {join_times[-1]:.2f} s   new: {title!r}")
            if not ok:
                for path, name in ((folder / a, rows[a][2]), (folder / b, rows[b][2]), (new, title)):
                    print(f"      {str(got.get(str(path))):<24} {name!r}")
                if not cold_checked:
                    # Would a build from scratch, with the new file there, join the three?
                    cold_checked = True
                    check = work / "cold-check"
                    cold(folder, check, True)
                    from_scratch = _stories(next(check.rglob("*.sqlite3")), [folder / a, folder / b, new])
                    together = len({story for story, _ in from_scratch.values()}) == 1 and len(from_scratch) == 3
                    print(f"      a cold build with the new file: {'joins the three' if together else 'does not join them either'}"
                          f" {sorted(from_scratch.values())}")
                    shutil.rmtree(check, ignore_errors=True)
            ours = {str(folder / a), str(folder / b), str(new)}
            for story in {story for story, size in got.values() if size > 1}:
                for path, other in _members(library.db_path, story):
                    if path not in ours:
                        pulled_in += 1
                        print(f"      also in its story now: {other!r} ({labels.get(relative(path, folder), '?')}, not {label})")
            new.unlink()
            (folder / a).unlink()
            started = time.perf_counter()
            library.refresh()
            leave_times.append(time.perf_counter() - started)
            left = _stories(library.db_path, [folder / b]).get(str(folder / b))
            ok = left is not None and left[1] == 1
            left_ok += ok
            print(f"  leave {label}: {'yes' if ok else 'NO'} in {leave_times[-1]:.2f} s   (the one left: story_size {left[1] if left else None})")
            if not ok and left:
                for path, title_ in _members(library.db_path, left[0]):
                    print(f"      in its story: {title_!r} ({relative(path, folder)})")
        finally:
            new.unlink(missing_ok=True)
            if not (folder / a).exists():
                (folder / a).write_bytes(kept[0])
                os.utime(folder / a, ns=(kept[1].st_atime_ns, kept[1].st_mtime_ns))
            library.refresh()  # back as it was (untimed)
        again = _stories(library.db_path, [folder / a, folder / b])
        together = len(again) == 2 and len({story for story, _ in again.values()}) == 1
        restored += together
        if not together:
            print(f"  put back {label}: the two are apart now ({list(again.values())})")
    n = len(join_times)
    table.add("incremental: new report joined its story", f"{joined_ok}/{n}", "target: all", joined_ok == n)
    table.add("  refresh that adds it, median / slowest", f"{statistics.median(join_times):.2f} / {max(join_times):.2f} s",
              f"target <= {TARGETS['join_s']:.0f} s (grouping {statistics.median(grouping_times):.3f} s of it)",
              max(join_times) <= TARGETS["join_s"])
    table.add("  articles of other stories pulled in with it", f"{pulled_in}", "target: 0", pulled_in == 0)
    table.add("incremental: one left is a story of one again", f"{left_ok}/{n}", "target: all", left_ok == n)
    table.add("incremental: the two together again once put back", f"{restored}/{n}", "as the cold build had them", restored == n)
    table.add("  refresh that removes two, median / slowest", f"{statistics.median(leave_times):.2f} / {max(leave_times):.2f} s",
              f"target <= {TARGETS['join_s']:.0f} s", max(leave_times) <= TARGETS["join_s"])


def features_cost(folder: Path, sample: int = 3000) -> float | None:
    """Seconds reader.stories.features.features takes for one article, as the
    parsing workers call it (on a sample, in this process)."""
    try:
        from reader.stories.features import features
    except ImportError:
        return None
    from reader.parse import parse_file

    labels = sorted(json.loads((folder / "labels.json").read_text()))[:sample]
    articles = [a for a in (parse_file(str(folder / p))[0] for p in labels) if a is not None]
    started = time.perf_counter()
    for article in articles:
        features(article.title, article.excerpt, (article.url, article.original_url), [(r.title, r.url) for r in article.related])
    return (time.perf_counter() - started) / max(1, len(articles))


def _stories(db_path: Path, paths: list[Path]) -> dict[str, tuple[str, int]]:
    """path -> (story, story_size). A connection of its own each time: a
    refresh may put a new cache file in place of the one a connection holds."""
    conn = sqlite3.connect(db_path)
    try:
        marks = ", ".join("?" * len(paths))
        rows = conn.execute(f"SELECT path, story, story_size FROM articles WHERE path IN ({marks})", [str(p) for p in paths])
        return {path: (story, size) for path, story, size in rows}
    finally:
        conn.close()


def _members(db_path: Path, story: str) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT path, title FROM articles WHERE story = ?", [story]).fetchall()
    finally:
        conn.close()


def _published(path: Path):
    from datetime import datetime

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("publishedDateTime: "):
            return datetime.fromisoformat(line.split(": ", 1)[1].replace("Z", "+00:00"))
    raise ValueError(path)


def checkout() -> str:
    """The commit measured, and whether the grouping code had changes not committed."""
    root = HERE.parent
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "reader/stories", "reader/store", "reader/parse.py"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + changes not committed in reader/stories, reader/store or reader/parse.py" if dirty else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, help="the corpus (default /tmp/bench-stories, /tmp/bench-stories-flat with --flat)")
    parser.add_argument("--flat", action="store_true", help="all files in one folder")
    parser.add_argument("--runs", type=int, default=3, help="cold builds of each kind, in turn (median)")
    parser.add_argument("--joins", type=int, default=3, help="2-article stories a report is added to, then removed from")
    parser.add_argument("--examples", type=int, default=3, help="headline pairs shown for each kind of error")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    folder = (args.dir or Path("/tmp/bench-stories-flat" if args.flat else "/tmp/bench-stories")).resolve()
    table = Table()
    code = checkout()

    started = time.perf_counter()
    meta, made = corpus(folder, args.n, args.flat, args.seed)
    summary = meta.get("summary", {})
    if made:
        table.add("corpus generation", f"{time.perf_counter() - started:.1f} s", f"{args.n:,} files; target well under 60 s")
    else:
        table.add("corpus generation", f"{summary.get('seconds', float('nan')):.1f} s", f"when {folder} was made (reused)")
    table.add("  articles / true stories of 2+", f"{summary.get('articles', 0):,} / {summary.get('stories_of_2_or_more', 0):,}",
              f"alone {summary.get('alone', 0):.0%}, same page twice {summary.get('duplicates', 0):.1%}, "
              f"{summary.get('hard_negative_pairs', 0):,} hard-negative pairs, over {summary.get('days', 0)} days")

    work = Path(tempfile.mkdtemp(prefix="reader-bench-stories-"))
    try:
        warm(folder)
        with_s, without_s, grouping_s = [], [], []
        for run in range(max(1, args.runs)):
            off = cold(folder, work / f"off-{run}", False)
            if off.get("unavailable"):
                print("grouping not available in this checkout (Library has no stories= keyword)")
                return 0
            shutil.rmtree(work / f"off-{run}", ignore_errors=True)
            on = cold(folder, work / "on", True)  # the last one is kept for the figures below
            if run < args.runs - 1:
                shutil.rmtree(work / "on", ignore_errors=True)
            without_s.append(off["seconds"])
            with_s.append(on["seconds"])
            if on.get("grouping") is not None:
                grouping_s.append(on["grouping"])
            print(f"  run {run + 1}: without grouping {off['seconds']:.2f} s, with {on['seconds']:.2f} s"
                  f" (grouping {on['grouping'] if on.get('grouping') is not None else float('nan'):.2f} s),"
                  f" +{(on['seconds'] / off['seconds'] - 1) * 100:.1f}%", flush=True)
        base, grouped = statistics.median(without_s), statistics.median(with_s)
        share = (grouped / base - 1) * 100
        table.add(f"cold index without grouping, {int(off['articles']):,} articles", f"{base:.2f} s", f"median of {len(without_s)} (the baseline)")
        table.add("cold index with grouping", f"{grouped:.2f} s", f"median of {len(with_s)}")
        table.add("  grouping's share: with / without - 1", f"{share:+.1f}%", f"target <= {TARGETS['share_pct']:.0f}%", share <= TARGETS["share_pct"])
        if grouping_s:
            table.add("  stats.grouping_seconds", f"{statistics.median(grouping_s):.2f} s",
                      f"median; {statistics.median(grouping_s) / grouped:.0%} of the build with grouping")

        per_article = features_cost(folder)
        if per_article is not None:
            workers = os.cpu_count() or 1
            extra = grouped - base - (statistics.median(grouping_s) if grouping_s else 0.0)
            table.add("  features() per article, one process", f"{per_article * 1e6:.0f} us",
                      f"~{per_article * int(off['articles']) / workers:.2f} s of the build over {workers} workers;"
                      f" the build's extra beyond grouping_seconds: {extra:.2f} s")

        from reader.store.library import Library

        library = Library([folder], cache_dir=work / "on", stories=True)
        try:
            started = time.perf_counter()
            library.refresh()  # nothing changed: opens the cache
            table.add("warm refresh, nothing changed", f"{time.perf_counter() - started:.2f} s", "")
            rows = read_stories(library.db_path, folder)
            if rows is None:
                print("the cache has no story columns: grouping not available in this checkout")
                return 0
            quality(table, rows, folder, meta, args.examples)
            incremental(table, library, folder, meta, args.joins, args.seed, work)
        finally:
            library.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"story grouping benchmark, {folder} ({'flat' if args.flat else 'nested'}), {os.cpu_count()} cores, Python {sys.version.split()[0]},"
          f" code {code}, load average {os.getloadavg()[0]:.1f}")
    if checkout() != code:
        print(f"  the code changed during the run (now {checkout()}): the figures may mix two versions")
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
