"""What the folder watch costs while nothing happens, and how soon it notices.

    python bench/watch.py [--dir /tmp/reader-watch-bench] [--seconds 10] [--old OLD_WATCH.py]

Makes 20,000 small articles in 200 subfolders once, then, each in a process
of its own, starts a watcher on them with the app's settings and prints the
CPU time the whole process used (every thread, the watch's own included)
over ``--seconds`` of no changes, and how often it called back. Each call is
a library refresh in the app, so the time of one scandir+stat walk of the
folder (the least a refresh does) is printed beside them.

``--old`` measures an earlier reader/watch.py too, natively and with its
native watch made to fail (its polling), e.g.

    git show 56deb4e:reader/watch.py > /tmp/oldwatch.py

Then the delays: from a new file to the call, and from a removed root
folder made again (with a file in it) to the call.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS, FILES = 200, 100


def corpus(folder: Path) -> Path:
    marker = folder / f".made-{FOLDERS}x{FILES}"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        for f in range(FOLDERS):
            sub = folder / f"topic{f:03}"
            sub.mkdir(parents=True)
            for n in range(FILES):
                (sub / f"a{n:03}.md").write_text(f'---\ntitle: "Story {f}-{n}"\n---\nBody.\n')
        marker.write_text("")
    return folder


def walk(folder: Path) -> float:
    """Seconds for one scandir+stat walk of the folder (median of 3)."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        stack = [os.fspath(folder)]
        while stack:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.is_dir():
                        stack.append(entry.path)
                    else:
                        entry.stat()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def load(which: str, old: str | None):
    if which == "new":
        sys.path.insert(0, str(ROOT))
        from reader import watch

        return watch
    spec = importlib.util.spec_from_file_location("oldwatch", old)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def idle(which: str, how: str, folder: Path, seconds: float, old: str | None) -> dict:
    """One watcher, in this process: CPU and calls over ``seconds`` of nothing."""
    module = load(which, old)
    options = {}
    if how == "polling" and which == "new":
        options["force_polling"] = True
    elif how == "polling":

        class NoInotify:
            def __init__(self) -> None:
                raise OSError("no inotify here")

        module._Inotify = NoInotify
    calls = []
    watcher = module.Watcher([folder], lambda: calls.append(time.monotonic()), **options)
    started = time.monotonic()
    watcher.start()
    while watcher.mode == "off":
        time.sleep(0.01)
    armed = time.monotonic() - started
    time.sleep(1.0)
    before, cpu, count = time.monotonic(), time.process_time(), len(calls)
    time.sleep(seconds)
    used = time.process_time() - cpu
    wall = time.monotonic() - before
    watcher.stop()
    calls_made = len(calls) - count
    return {
        "watch": which, "how": how, "mode": watcher.mode, "armed_s": armed,
        "cpu_s": used, "cpu_pct": 100 * used / wall, "calls": calls_made,
    }


def delays(how: str, folder: Path) -> dict:
    """Seconds from a new file to the call, and from a root made again to the call."""
    module = load("new", None)
    changed = threading.Event()
    watcher = module.Watcher([folder], changed.set, force_polling=how == "polling")
    watcher.start()
    while watcher.mode == "off":
        time.sleep(0.01)
    time.sleep(1.5)
    new_file = []
    for n in range(5):
        changed.clear()
        started = time.monotonic()
        (folder / "topic000" / f"new{n}.md").write_text("---\ntitle: New\n---\n")
        if changed.wait(10):
            new_file.append(time.monotonic() - started)
        time.sleep(1.1)
    watcher.stop()
    again = []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "news"
        root.mkdir()
        watcher = module.Watcher([root], changed.set, force_polling=how == "polling")
        watcher.start()
        while watcher.mode == "off":
            time.sleep(0.01)
        for _ in range(5):
            time.sleep(1.1)
            changed.clear()
            shutil.rmtree(root)
            changed.wait(10)  # the removal
            time.sleep(0.5)
            changed.clear()
            started = time.monotonic()
            root.mkdir()
            (root / "a.md").write_text("---\ntitle: Back\n---\n")
            if changed.wait(10):
                again.append(time.monotonic() - started)
        watcher.stop()
    for n in range(5):
        (folder / "topic000" / f"new{n}.md").unlink(missing_ok=True)
    return {"how": how, "new_file": new_file, "root_again": again}


def child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "reader-watch-bench")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--old", help="an earlier reader/watch.py to measure beside")
    parser.add_argument("--one", nargs=2, metavar=("WATCH", "HOW"), help=argparse.SUPPRESS)
    parser.add_argument("--delays", metavar="HOW", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(idle(*args.one, args.dir, args.seconds, args.old)))
        return
    if args.delays:
        print(json.dumps(delays(args.delays, args.dir)))
        return

    folder = corpus(args.dir)
    import watchfiles

    print(f"{FOLDERS * FILES} files in {FOLDERS} folders at {folder}; watchfiles {watchfiles.__version__}, Python {sys.version.split()[0]}")
    print(f"one scandir+stat walk of the folder (the least a refresh does): {walk(folder) * 1000:.0f} ms")
    print("each call is a refresh in the app; the last column adds one walk a call (a floor)")
    print(f"\nidle for {args.seconds:g} s, app settings (settle 0.3 s, poll every 2 s):")
    took = walk(folder)
    print(f"{'watch':<6} {'asked':<8} {'mode':<8} {'ready':>8} {'CPU':>9} {'CPU %':>7} {'calls':>6} {'+ a walk a call':>16}")
    runs = [("new", "native"), ("new", "polling")]
    if args.old:
        runs += [("old", "native"), ("old", "polling")]
    for which, how in runs:
        extra = ["--old", args.old] if args.old else []
        r = child("--one", which, how, "--dir", str(folder), "--seconds", str(args.seconds), *extra)
        floor = (r["cpu_s"] + r["calls"] * took) * 1000
        print(
            f"{r['watch']:<6} {r['how']:<8} {r['mode']:<8} {r['armed_s']:>7.2f}s {r['cpu_s'] * 1000:>7.0f}ms"
            f" {r['cpu_pct']:>6.2f}% {r['calls']:>6} {floor:>14.0f}ms"
        )
    print("\nnew watch, seconds to the call (5 tries each; median, max):")
    for how in ("native", "polling"):
        r = child("--delays", how, "--dir", str(folder))
        for name, label in (("new_file", "a new file"), ("root_again", "a removed root made again")):
            got = r[name]
            shown = f"{statistics.median(got):.2f}, {max(got):.2f}" if got else "never"
            print(f"  {how:<8} {label:<26} {shown}  ({len(got)}/5 noticed)")


if __name__ == "__main__":
    main()
