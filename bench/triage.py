"""The triage views at 100,000 articles (issue 12): how long the list of
each view takes to read, beside the plain list of every article (All)
measured in the same run.

    python bench/triage.py [--corpora nested,flat] [--runs 7] [--read 20000]

The corpora are bench/scale.py's (bench/generate.py, made once when
missing: /tmp/bench-nested and /tmp/bench-flat); the caches and the state
file live under --work (default $TMPDIR/reader-triage). A state file
with --read articles marked read (every fifth article of the library) is
attached, as in the app. Each view is the app's own query (reader.view.View
with the config's defaults), read with Library.ids, the call the list makes;
the median of --runs is printed, and its ratio to All's.

Views:
  All                     every article, best first (the baseline)
  q>=40 scored only       + to 40 with U: articles with no score left out
  q>=40 or unscored       + to 40: the default, unscored articles kept
  unread only             # (is:unread against the state file)
  topic+q>=40+unread      a topic, the quality filter and #, together
  saved view              a topic, a search, the filters, by date: saved with w, chosen again
  Unread, sort:-date      the Unread entry with a saved oldest-first sort
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def corpus(folder: Path, flat: bool, n: int) -> Path:
    if not folder.is_dir():
        args = [sys.executable, str(HERE / "generate.py"), str(folder), str(n)] + (["--flat"] if flat else [])
        subprocess.run(args, check=True)
    return folder


def timed(call, runs: int) -> float:
    call()  # warm: the first read pays for the page cache
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def measure(folder: Path, work: Path, runs: int, read: int) -> None:
    from reader.config import Config
    from reader.query import parse_query
    from reader.state import State, identity
    from reader.store import Library
    from reader.view import Filters, Saved, Topic, Unread, View

    library = Library([folder], cache_dir=work / f"cache-{folder.name}")  # (cold the first time: a minute or two)
    started = time.perf_counter()
    library.refresh()
    print(f"  (refresh: {time.perf_counter() - started:.1f} s)")
    state_path = work / f"state-{folder.name}.sqlite3"
    state_path.unlink(missing_ok=True)
    state = State(state_path)
    ids = library.ids()
    rows = library.rows(list(ids[::5][:read]))
    state.mark_read([identity(row.url, row.path, library.roots) for row in rows])
    library.state_path = state.path
    topic = library.topics()[0][0]
    config = Config()
    saved_view = View(choice=Topic(topic), search=parse_query("bol*"), filters=Filters(min_quality=40, hide_read=True), sort="date")
    views = [
        ("All", View()),
        ("q>=40 scored only", View(filters=Filters(min_quality=40, hide_unscored=True))),
        ("q>=40 or unscored", View(filters=Filters(min_quality=40))),
        ("unread only", View(filters=Filters(hide_read=True))),
        (f"topic+q>=40+unread", View(choice=Topic(topic), filters=Filters(min_quality=40, hide_read=True))),
        ("saved view", View(choice=Saved("mine", saved_view.saved_text()))),
        ("Unread, sort:-date", View(choice=Saved("old first", "is:unread sort:-date"))),
        ("Unread", View(choice=Unread())),
    ]
    base = None
    print(f"  {'view':<22} {'ms':>8} {'x All':>7} {'articles':>9}")
    for label, view in views:
        query = view.query(config)
        seconds = timed(lambda: library.ids(query, sort=view.sort, reverse=view.reverse), runs)
        count = len(library.ids(query, sort=view.sort, reverse=view.reverse))
        base = base or seconds
        print(f"  {label:<22} {seconds * 1000:8.1f} {seconds / base:7.2f} {count:9,}")
    state.close()
    library.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", default="nested,flat")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--read", type=int, default=20_000, help="articles marked read in the state file")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "reader-triage")
    parser.add_argument("--nested", type=Path, default=Path("/tmp/bench-nested"), help="the nested corpus (made when missing)")
    parser.add_argument("--flat", type=Path, default=Path("/tmp/bench-flat"), help="the one-folder corpus (made when missing)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("XDG_DATA_HOME", str(args.work / "data"))
    for name in args.corpora.split(","):
        folder = corpus(args.nested if name == "nested" else args.flat, name == "flat", args.n)
        print(f"{name}: {folder}")
        measure(folder, args.work, args.runs, args.read)


if __name__ == "__main__":
    main()
