"""Memory and speed at 100,000 articles (issue 11): before and now, each
figure beside its baseline, measured in one run.

    python bench/scale.py [--old PATH] [--only walk,list,app,palette,cold,coldapp]
                          [--corpora nested,flat] [--runs 5] [--rounds 1]

Two corpora of N synthetic articles (bench/generate.py), made once when
missing: a nested library (folders of 1,000 files) and one flat folder.
"before" is the code in PATH (a git worktree of an older commit, say
`git worktree add /tmp/wt-old fb42f7a`), "now" this checkout; without
--old only "now" is measured. Each side runs with PYTHONPATH set to its
own tree and its own XDG_* folders (so each keeps its own warm cache, built
by one untimed run first), and every measured step is a process of its own,
so its peak RSS is its own. The sides run in turn, step by step: the speed
of this shared machine drifts by 2x within minutes, so every run is
printed as it happens, then the median and the best of each side.

Steps (--only):

  walk     a bare `os.scandir` + `entry.stat()` walk of the folder, as a
           process (interpreter start included): the list's baseline
  list     warm `reader list DIR --limit 20` and `--format jsonl` (every
           row), end to end, with peak RSS
  app      the app's first screen (the article count on a real terminal,
           bench/tui.py), beside a minimal Textual app's; its RSS there is
           read 0.5 s after that screen, before the refresh that follows
  palette  the app at 100k, headless: once the list and its refresh are
           done, each key of a word typed into the command palette, timed
           to its results in the palette's list (p50/p95/max); the app's
           peak RSS over the whole run; one Library.topics() for reference
           (the old palette ran one per key)
  cold     a cold index in turn with one process parsing the same files
           (bench/run.py's BASELINE): the ratio baseline / cold, per side
  coldapp  the app opened on the library with no cache: seconds until the
           first rows are on the terminal

--runs applies to walk, list and app (median); --rounds to the long steps
(palette, cold, coldapp). Run by hand, never in CI. Caches live under
--work (default $TMPDIR/reader-scale) between runs; delete it to start over.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

STEPS = ("walk", "list", "app", "palette", "cold", "coldapp")
CORPORA = ("nested", "flat")

# A row of the list starts with the quality bar (ArticleList._segments):
# nothing else on the first screen draws this character.
ROW_MARK = "▌".encode()

TERMINAL = {"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}  # as bench/tui.py's measure()
TIME = "/usr/bin/time"  # GNU time, for a process's own peak RSS

WALK = r"""
import os, sys
def walk(path):
    files = 0
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                files += walk(entry.path)
            else:
                entry.stat()
                files += 1
    return files
print(walk(sys.argv[1]))
"""

LIBRARY = r"""
try:
    from reader.store import Library
except ImportError:  # before the store was split
    from reader.index import Library
"""

COLD = LIBRARY + r"""
import resource, sys, time
library = Library([sys.argv[1]], cache_dir=sys.argv[2])
started = time.perf_counter()
library.refresh()
seconds = time.perf_counter() - started
print(seconds, library.article_count(),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
"""

TOPICS = LIBRARY + r"""
import sys, time
library = Library([sys.argv[1]])
library.refresh()  # warm: brings the cache up to date, untimed
times = []
for _ in range(5):
    started = time.perf_counter()
    library.topics()
    times.append((time.perf_counter() - started) * 1000)
print(min(times), sorted(times)[len(times) // 2])
"""

PALETTE = r"""
import asyncio, inspect, json, sys, time
from reader.app import make_app  # first: it may set Textual's frame rate before Textual loads
from reader.widgets.article_list import ArticleList
from textual import events
from textual.command import CommandList, CommandPalette
from textual.worker import WorkerState

folder, words = sys.argv[1], json.loads(sys.argv[2])
DONE = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


async def until(test, timeout, step):
    deadline = time.perf_counter() + timeout
    while not test():
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(step)
    return True


def listed(app):
    for articles in app.screen.query(ArticleList):
        return getattr(articles, "count", 0)
    return 0


def idle(app):
    return not any(worker.is_running for worker in app.workers)


async def main():
    if "watch" in inspect.signature(make_app).parameters:
        app = make_app([folder], watch=False)
    else:
        app = make_app([folder])
    keys = []
    async with app.run_test(size=(120, 40)) as pilot:
        if not await until(lambda: listed(app) > 0, 120, 0.05):
            raise SystemExit("the list never showed")
        # The refresh that follows the first screen: a user who opens the
        # palette a moment later types after it.
        await until(lambda: idle(app), 60, 0.05)
        await pilot.pause(0.5)
        for word in words:
            await pilot.press("ctrl+p")
            if not await until(lambda: isinstance(app.screen, CommandPalette), 10, 0.01):
                raise SystemExit("ctrl+p opened no palette")
            palette = app.screen
            await until(lambda: idle(app), 10, 0.01)  # the palette's discovery hits
            await pilot.pause(0.3)
            # The palette starts one worker per text (on Input.Changed); the
            # list holds that text's results when the worker has finished.
            started = {}
            gather = palette._gather_commands

            def tracked(value, gather=gather, started=started):
                started[value] = worker = gather(value)
                return worker

            palette._gather_commands = tracked
            for n, char in enumerate(word, 1):
                text = word[:n]
                pressed = time.perf_counter()
                app._driver.send_message(events.Key(char, char))
                shown = await until(lambda: text in started and started[text].state in DONE, 10, 0.001)
                seconds = time.perf_counter() - pressed
                if not shown:
                    raise SystemExit(f"no results for {text!r} within 10 s")
                hits = palette.query_one(CommandList).option_count
                keys.append([text, seconds * 1000, hits, started[text].state.name])
                await asyncio.sleep(0.15)  # a typist's pace; each key is timed alone
            await pilot.press("escape")
            await until(lambda: not isinstance(app.screen, CommandPalette), 10, 0.01)
    print("RESULT " + json.dumps(keys))


asyncio.run(main())
"""


class Failed(Exception):
    """A step did not run to its end; the message says why."""


@dataclass
class Side:
    name: str
    root: Path  # the tree on PYTHONPATH
    home: Path  # its XDG folders

    def env(self, cache: Path | None = None) -> dict[str, str]:
        env = dict(os.environ, PYTHONPATH=str(self.root))
        for var, sub in (("XDG_CACHE_HOME", "cache"), ("XDG_DATA_HOME", "data"),
                         ("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state")):
            env[var] = str(self.home / sub)
        if cache is not None:
            env["XDG_CACHE_HOME"] = str(cache)
        return env


def run(argv: list[str], env: dict[str, str], keep: bool = True, timeout: float = 600) -> tuple[float, float | None, str]:
    """Run a process to its end: wall seconds, its peak RSS in MB, and what
    it printed (``keep=False``: to /dev/null).

    The peak comes from /usr/bin/time, not from this process's wait4: Linux
    carries the parent's high-water mark into a child across fork (or vfork)
    and exec, so a child of this benchmark would report at least its size.
    """
    timed = os.path.exists(TIME)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [TIME, "-f", "%M", *argv] if timed else argv,
            stdin=subprocess.DEVNULL, stdout=out if keep else subprocess.DEVNULL, stderr=err, env=env,
        )
        # Popen.wait(timeout) polls, in sleeps of up to 50 ms, which would
        # round every time up: wait in one call, and kill a hung step apart.
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        try:
            process.wait()
        finally:
            killer.cancel()
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        printed, errors = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    # GNU time's own lines go: the last line left is the program's error, if any.
    lines = [line for line in errors.splitlines() if line.strip() and not line.startswith("Command ")]
    peak = None
    if timed and lines and lines[-1].split()[-1].isdigit():
        peak = int(lines.pop().split()[-1]) / 1024
    if process.returncode != 0:
        raise Failed((lines or [f"exit {process.returncode}"])[-1][:160])
    return seconds, peak, printed


def python(code: str, *args: str, env: dict[str, str]) -> list[float]:
    _, _, printed = run([sys.executable, "-c", code, *args], env)
    return [float(x) for x in printed.split()]


def attempt(label: str, work, *args, **kwargs):  # type: ignore[no-untyped-def]
    """``work(*args, **kwargs)``, or None with the failure printed (the run goes on)."""
    try:
        return work(*args, **kwargs)
    except (Failed, RuntimeError, OSError, ValueError) as exc:
        print(f"    {label}: failed: {exc}", flush=True)
        return None


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


def s(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f} s"


def mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} MB"


class Table:
    """Rows of (what, before, now, baseline or target), printed at the end."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, what: str, before: str, now: str, note: str = "") -> None:
        self.rows.append((what, before, now, note))

    def print(self, with_before: bool) -> None:
        if not self.rows:
            return
        head = ("", "before", "now", "") if with_before else ("", "", "now", "")
        rows = [head] + self.rows
        width = max(len(r[0]) for r in rows)
        left = max(len(r[1]) for r in rows) if with_before else 0
        right = max(len(r[2]) for r in rows)
        print(self.title)
        for what, before, now, note in rows:
            cells = f"  {what:<{width}}  " + (f"{before:>{left}}  " if with_before else "") + f"{now:>{right}}  {note}"
            print(cells.rstrip())


def ensure(folder: Path, n: int, flat: bool) -> None:
    if (folder / ".complete").exists():
        return
    from generate import generate

    print(f"generating {n:,} articles in {folder} ({'one folder' if flat else 'folders of 1,000'}) ...", flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    generate(str(folder), n, flat=flat)
    (folder / ".complete").write_text("ok")


def load() -> str:
    """The machine's load as a step starts: above ~1 on these 2 cores, someone else is busy."""
    return "; load average %.1f" % os.getloadavg()[0]


def count_files(folder: Path) -> int:
    return sum(1 for _, _, names in os.walk(folder) for name in names if name.endswith(".md"))


# the steps ------------------------------------------------------------------------


class Runs:
    """One figure's runs on one side: seconds, and the peak RSS of each."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.peaks: list[float] = []

    def add(self, seconds: float, peak: float | None) -> str:
        self.seconds.append(seconds)
        if peak is not None:
            self.peaks.append(peak)
        return f"{seconds:.3f} s {mb(peak)}"

    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    def best(self) -> float | None:
        return min(self.seconds) if self.seconds else None

    def peak(self) -> float | None:
        return max(self.peaks) if self.peaks else None


def by_side(sides: list[Side]) -> dict[str, Runs]:
    return {side.name: Runs() for side in sides}


def cells(found: dict[str, Runs], show) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The before and now cells of a row: ``show(runs)``, or - without runs."""
    before, now = (found.get(name) for name in ("before", "now"))
    return tuple(show(r) if r is not None and r.seconds else "-" for r in (before, now))  # type: ignore[return-value]


def walk_and_list(folder: Path, sides: list[Side], steps: set[str], runs: int, table: Table) -> None:
    walk = Runs()
    lists, jsonls = by_side(sides), by_side(sides)
    for n in range(runs):
        line = []
        if "walk" in steps:
            figures = attempt("walk", run, [sys.executable, "-c", WALK, str(folder)], dict(os.environ))
            if figures:
                line.append("walk " + walk.add(*figures[:2]))
        if "list" in steps:
            for kind, found, extra in (("list", lists, ["--limit", "20"]), ("jsonl", jsonls, ["--format", "jsonl"])):
                for side in sides:
                    argv = [sys.executable, "-m", "reader", "list", str(folder), *extra]
                    figures = attempt(f"{kind} {side.name}", run, argv, side.env(), False)
                    if figures:
                        line.append(f"{kind} {side.name} " + found[side.name].add(*figures[:2]))
        print(f"  run {n + 1}:", " | ".join(line), flush=True)

    base = walk.median()
    if walk.seconds:
        table.add("bare walk: scandir + stat, one process (median)", "", s(base), f"the baseline; best {s(walk.best())}, {mb(walk.peak())}")
    if "list" not in steps:
        return
    table.add("warm `reader list --limit 20` (median)", *cells(lists, lambda r: s(r.median())), f"of {runs}")
    table.add("  best run", *cells(lists, lambda r: s(r.best())))
    if base:
        table.add("  over the bare walk (medians)", *cells(lists, lambda r: f"{r.median() / base:.2f}x"), "target <= 2x")
    table.add("  peak RSS", *cells(lists, lambda r: mb(r.peak())), "target <= 60 MB (100k in one folder)")
    table.add("warm `reader list --format jsonl`, every row (median)", *cells(jsonls, lambda r: s(r.median())), "reported")
    table.add("  best run", *cells(jsonls, lambda r: s(r.best())))
    table.add("  peak RSS", *cells(jsonls, lambda r: mb(r.peak())), "reported")


def first_screens(folder: Path, sides: list[Side], runs: int, table: Table) -> None:
    from tui import MINIMAL, first_screen

    expect = f"{count_files(folder):,}".encode()  # the header's article count, which bench/run.py waits for too
    minimal, apps = Runs(), by_side(sides)
    for n in range(runs):
        line = []
        figures = attempt("minimal app", first_screen, [sys.executable, "-c", MINIMAL], b"MINIMAL-READY", dict(os.environ, **TERMINAL))
        if figures:
            line.append("minimal " + minimal.add(*figures))
        for side in sides:
            argv = [sys.executable, "-m", "reader", str(folder)]
            figures = attempt(f"app {side.name}", first_screen, argv, expect, dict(side.env(), **TERMINAL))
            if figures:
                line.append(f"{side.name} " + apps[side.name].add(*figures))
        print(f"  run {n + 1}:", " | ".join(line), flush=True)
    base = minimal.median()
    table.add("minimal Textual app: first screen (median)", "", s(base), f"the baseline; best {s(minimal.best())}, {mb(minimal.peak())}")
    table.add("app: first screen with the list, warm (median)", *cells(apps, lambda r: s(r.median())), f"of {runs}")
    if base:
        table.add("  over the minimal app (medians)", *cells(apps, lambda r: f"{r.median() / base:.2f}x"), "target <= 1.5x")
        table.add("  best runs", *cells(apps, lambda r: f"{r.best() / minimal.best():.2f}x"))
    table.add("  RSS high-water 0.5 s after the first screen", *cells(apps, lambda r: mb(r.peak())), "the whole run's peak: palette step")


def palette(folder: Path, sides: list[Side], rounds: int, words: list[str], table: Table) -> None:
    keys: dict[str, Runs] = by_side(sides)
    topics: dict[str, Runs] = by_side(sides)
    for n in range(rounds):
        for side in sides:
            argv = [sys.executable, "-c", PALETTE, str(folder), json.dumps(words)]
            figures = attempt(f"palette {side.name}", run, argv, side.env(), timeout=300)
            if figures and "RESULT " not in figures[2]:
                print(f"    palette {side.name}: printed no result", flush=True)
            elif figures:
                found = json.loads(figures[2].split("RESULT ", 1)[1])
                for _, ms, _, _ in found:
                    keys[side.name].add(ms, figures[1])
                times = [k[1] for k in found]
                slowest = max(found, key=lambda k: k[1])
                print(f"  round {n + 1}, {side.name}: {len(found)} keys, p50 {statistics.median(times):.1f} ms, "
                      f"slowest {slowest[1]:.1f} ms ({slowest[0]!r}); peak RSS {mb(figures[1])}; "
                      f"hits per key {' '.join(str(k[2]) for k in found)}", flush=True)
                unfinished = [k[0] for k in found if k[3] != "SUCCESS"]
                if unfinished:
                    print(f"    keys whose search did not end in success: {unfinished}")
            figures = attempt(f"topics {side.name}", python, TOPICS, str(folder), env=side.env())
            if figures:
                topics[side.name].add(figures[1], None)
                print(f"  round {n + 1}, {side.name}: one topics(): best {figures[0]:.1f} ms, median {figures[1]:.1f} ms", flush=True)

    def ms(value: float) -> str:
        return f"{value:.1f} ms"

    count = max(len(r.seconds) for r in keys.values())
    table.add(f"palette: key to its results, p50 (typing {', '.join(words)})", *cells(keys, lambda r: ms(r.median())), f"{count} keys a side")
    table.add("  p95", *cells(keys, lambda r: ms(nearest_rank(r.seconds, 0.95))), "target <= 50 ms")
    table.add("  slowest key", *cells(keys, lambda r: ms(max(r.seconds))))
    table.add("  app's peak RSS, whole run (list, refresh, palette)", *cells(keys, lambda r: mb(r.peak())), "target <= 90 MB")
    table.add("one library.topics() (median of 5)", *cells(topics, lambda r: ms(r.median())), "the old palette ran one a key")


def cold(folder: Path, sides: list[Side], rounds: int, work: Path, table: Table) -> None:
    from run import BASELINE

    cache = work / "cold"
    bases, colds = by_side(sides), by_side(sides)
    mains: dict[str, list[float]] = {side.name: [] for side in sides}
    pairs: dict[str, list[float]] = {side.name: [] for side in sides}
    attempt("baseline", python, BASELINE, str(folder), env=dict(os.environ))  # the files into the page cache, untimed
    for n in range(rounds):
        for side in sides:  # each side right after a baseline of its own
            base = attempt("baseline", python, BASELINE, str(folder), env=dict(os.environ))
            shutil.rmtree(cache, ignore_errors=True)
            figures = attempt(f"cold {side.name}", python, COLD, str(folder), str(cache), env=side.env())
            shutil.rmtree(cache, ignore_errors=True)
            if base is None or figures is None:
                continue
            seconds, articles, main_mb, worker_mb = figures
            bases[side.name].add(base[0], base[2])
            colds[side.name].add(seconds, worker_mb)
            mains[side.name].append(main_mb)
            pairs[side.name].append(base[0] / seconds)
            print(f"  round {n + 1}: baseline {base[0]:.2f} s, cold index {side.name} {seconds:.2f} s "
                  f"({int(articles):,} articles), {base[0] / seconds:.2f}x", flush=True)

    def each(show) -> tuple[str, str]:  # type: ignore[no-untyped-def]
        return tuple(show(name) if colds.get(name) and colds[name].seconds else "-" for name in ("before", "now"))  # type: ignore[return-value]

    table.add("baseline: frontmatter.load over every file, 1 process (best)", *each(lambda n: s(bases[n].best(), 2)), "run before each side's cold index")
    table.add("cold index (best)", *each(lambda n: s(colds[n].best(), 2)), f"of {rounds}")
    table.add("  baseline / cold, best runs", *each(lambda n: f"{bases[n].best() / colds[n].best():.2f}x"), "target: now at least as fast as before")
    table.add("  baseline / cold, median of the pairs", *each(lambda n: f"{statistics.median(pairs[n]):.2f}x"))
    table.add("  peak RSS: main / largest worker", *each(lambda n: f"{max(mains[n]):.0f} / {colds[n].peak():.0f} MB"))


def cold_app(folder: Path, sides: list[Side], rounds: int, work: Path, table: Table) -> None:
    from tui import first_screen

    found = by_side(sides)
    for n in range(rounds):
        for side in sides:
            cache = work / f"coldapp-{side.name}"
            shutil.rmtree(cache, ignore_errors=True)
            argv = [sys.executable, "-m", "reader", str(folder)]
            figures = attempt(f"cold app {side.name}", first_screen, argv, ROW_MARK, dict(side.env(cache), **TERMINAL))
            time.sleep(2)  # the app's workers end after it
            shutil.rmtree(cache, ignore_errors=True)
            if figures:
                found[side.name].add(figures[0], None)
                print(f"  round {n + 1}: {side.name}: first rows at {figures[0]:.2f} s", flush=True)
    table.add("app on a library with no cache: first rows (best)", *cells(found, lambda r: s(r.best(), 2)), f"of {rounds}; target <= 2 s, with progress")


# -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", type=Path, help="the tree of the code before (a git worktree); without it, only now is measured")
    parser.add_argument("--only", default=",".join(STEPS), help=f"steps to run, of {','.join(STEPS)} (default: all)")
    parser.add_argument("--corpora", default=",".join(CORPORA), help="nested, flat or both (default)")
    parser.add_argument("--nested", type=Path, default=Path("/tmp/bench-nested"), help="the nested corpus (made when missing)")
    parser.add_argument("--flat", type=Path, default=Path("/tmp/bench-flat"), help="the one-folder corpus (made when missing)")
    parser.add_argument("--n", type=int, default=100_000, help="articles in a corpus that has to be made")
    parser.add_argument("--runs", type=int, default=5, help="runs of walk, list and app, in turn (median)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of palette, cold and coldapp, in turn")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "reader-scale", help="caches and XDG folders of each side")
    args = parser.parse_args()
    steps = {step.strip() for step in args.only.split(",") if step.strip()}
    corpora = [c.strip() for c in args.corpora.split(",") if c.strip()]
    if steps - set(STEPS) or set(corpora) - set(CORPORA):
        parser.error(f"--only takes {','.join(STEPS)}; --corpora takes {','.join(CORPORA)}")

    work = args.work.resolve()
    sides = []
    if args.old is not None:
        old = args.old.resolve()
        if not (old / "reader" / "__init__.py").exists():
            parser.error(f"--old {old}: no reader package there")
        sides.append(Side("before", old, work / "before"))
    sides.append(Side("now", ROOT, work / "now"))
    folders = {"nested": args.nested.resolve(), "flat": args.flat.resolve()}
    for name in corpora:
        ensure(folders[name], args.n, flat=name == "flat")
    work.mkdir(parents=True, exist_ok=True)
    # `python -m reader` and `-c` put the working folder first on sys.path:
    # out of the checkout, so PYTHONPATH alone says which code runs.
    os.chdir(work)

    from generate import sample_words

    # Words of several letters, a frequent, a middling and a rare one.
    vocabulary = sample_words(10)
    words = [next(w for w in vocabulary[start:] if len(w) >= 6) for start in (2, 5, 7)]

    print(f"reader at scale, {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
          + ", ".join(f"{side.name}: {side.root}" for side in sides), flush=True)
    tables = []
    for name in corpora:
        folder = folders[name]
        table = Table(f"{name}: {folder} ({'one folder' if name == 'flat' else 'folders of 1,000'})")
        tables.append(table)
        if steps & {"list", "app", "palette"}:
            print(f"{name}: warming each side's cache (untimed) ...", flush=True)
            for side in sides:
                attempt(f"warm {side.name}", run, [sys.executable, "-m", "reader", "list", str(folder), "--limit", "0"], side.env())
        if steps & {"walk", "list"}:
            print(f"{name}: bare walk and warm list{load()}", flush=True)
            walk_and_list(folder, sides, steps, args.runs, table)
        if "app" in steps:
            print(f"{name}: first screen{load()}", flush=True)
            first_screens(folder, sides, args.runs, table)
        if "palette" in steps:
            print(f"{name}: command palette (words {', '.join(words)}){load()}", flush=True)
            palette(folder, sides, args.rounds, words, table)
        if "cold" in steps:
            print(f"{name}: cold index{load()}", flush=True)
            cold(folder, sides, args.rounds, work, table)
        if "coldapp" in steps:
            print(f"{name}: app on a cold library{load()}", flush=True)
            cold_app(folder, sides, args.rounds, work, table)
    print()
    for table in tables:
        table.print(with_before=len(sides) > 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
