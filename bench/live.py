"""The app at scale: keystroke to list updated while typing a search, and how
long a changed file takes to show in the running app.

    python bench/live.py FOLDER [--query TEXT ...] [--interval SECONDS] [--fetching]

With --fetching, a full text is being fetched all the while (issue 13):
the real fetch, in the app's worker, of a page a local server trickles out.

FOLDER should already be indexed (run `reader list FOLDER --limit 0` once).
The app runs headless (Textual's run_test) at 120x40 with its real workers,
each search typed in a fresh app in a process of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


async def typing(folder: Path, text: str, cache: Path | None, interval: float) -> tuple[list[tuple[float, str]], int]:
    """Type ``text`` one key every ``interval`` seconds, as a person would, and
    time each key to the first frame drawn after the list took its result.

    Keys go to the app's driver as a terminal sends them (no Pilot waits in
    between). A frame is the screen update Textual hands to its output
    (App._display), which a headless run still composes. Returns the
    latencies and how many keys changed nothing before the next key came
    (a query error, or a result still on its way).
    """
    from reader.app import make_app  # first: it sets Textual's frame rate before Textual loads
    from reader.widgets.article_list import ArticleList
    from textual import events

    app = make_app([folder], cache_dir=cache, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        articles = app.screen.query_one(ArticleList)
        for _ in range(100):
            await pilot.pause(0.1)
            if articles.count:
                break
        await pilot.pause(1.0)
        if os.environ.get("READER_BENCH_FETCHING"):
            # A full text in flight the whole time: the real fetch, in the
            # app's worker, of a 250 KB page a local server trickles out.
            from functools import partial

            screen = app.screen
            url = trickling_server()
            screen.full_text._worker = screen.run_worker(
                partial(screen.full_text._fetch, url, False, "bench"), thread=True, exclusive=True, group="fulltext", exit_on_error=False
            )
            await pilot.pause(0.2)
        await pilot.press("slash")
        await pilot.pause(0.3)

        frames: list[float] = []
        updates: list[float] = []
        display = app._display
        set_ids = articles.set_ids

        def framed(screen, renderable):  # type: ignore[no-untyped-def]
            if renderable is not None:
                frames.append(time.perf_counter())
            return display(screen, renderable)

        def updated(ids, keep=None, length=None):  # type: ignore[no-untyped-def]
            updates.append(time.perf_counter())
            return set_ids(ids, keep) if length is None else set_ids(ids, keep, length)

        app._display = framed  # type: ignore[method-assign]
        articles.set_ids = updated  # type: ignore[method-assign]
        driver = app._driver
        assert driver is not None
        pressed: list[float] = []
        names = {" ": "space", ":": "colon", '"': "quotation_mark", "-": "minus"}
        for char in text:
            pressed.append(time.perf_counter())
            driver.send_message(events.Key(names.get(char, char), char))
            await asyncio.sleep(interval)
        await asyncio.sleep(1.0)

    times: list[tuple[float, str]] = []
    missed = 0
    for n, key_time in enumerate(pressed):
        next_key = pressed[n + 1] if n + 1 < len(pressed) else float("inf")
        update = next((u for u in updates if key_time <= u < next_key), None)
        if update is None:
            missed += 1
            continue
        frame = next((f for f in frames if f >= update), None)
        if frame is not None:
            times.append(((frame - key_time) * 1000, text[: n + 1]))
    return times, missed


def trickling_server() -> str:
    """A local page of 250 KB sent a little at a time over about 12 s."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = (b"<html><body><article>" + b"<p>" + b"word " * 200 + b"</p>" * 1) * 240 + b"</article></body></html>"

    class Trickle(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            step = len(body) // 120
            for at in range(0, len(body), step):
                self.wfile.write(body[at : at + step])
                self.wfile.flush()
                time.sleep(0.1)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/page"


async def change_to_screen(folder: Path, cache: Path | None) -> float:
    from reader.app import make_app
    from reader.widgets.article_list import ArticleList

    app = make_app([folder], cache_dir=cache)
    async with app.run_test(size=(120, 40)) as pilot:
        articles = app.screen.query_one(ArticleList)
        for _ in range(300):
            await pilot.pause(0.1)
            if articles.count and app.screen.watcher is not None:
                break
        await pilot.pause(1.0)
        count = articles.count
        target = folder / "bench-live-new.md"
        started = time.perf_counter()
        target.write_text('---\ntitle: "Arrived while running"\nquality: 200\n---\n', encoding="utf-8")
        while articles.count == count and time.perf_counter() - started < 60:
            await asyncio.sleep(0.01)
        seconds = time.perf_counter() - started
        target.unlink()
    return seconds


def typing_apart(folder: Path, text: str, interval: float) -> tuple[list[tuple[float, str]], int]:
    """typing() in a process of its own, as a user runs the app: each app
    settles its memory once its process has started (screens.main), so a
    second app in the same process would be measured with the first one's
    leftovers in the collector's way."""
    out = subprocess.run(
        [sys.executable, __file__, os.fspath(folder), "--one", text, "--interval", str(interval)],
        check=True, capture_output=True, text=True,
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    return [tuple(t) for t in found["times"]], found["missed"]  # type: ignore[misc]


def nearest_rank(ordered: list[float], share: float) -> float:
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--query", action="append", help="what to type (repeatable; default: three searches over the benchmark vocabulary)")
    parser.add_argument("--interval", type=float, default=0.12, help="seconds between keys (default 0.12: a fast typist)")
    parser.add_argument("--runs", type=int, default=1, help="type the searches this many times over (default 1)")
    parser.add_argument("--worst", type=int, default=5, help="show this many slowest keys (default 5)")
    parser.add_argument("--fetching", action="store_true", help="with a full text being fetched (a page a local server trickles out) all the while")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # type this one search here and print the figures (typing_apart)
    args = parser.parse_args()
    if args.fetching:
        os.environ["READER_BENCH_FETCHING"] = "1"  # (the --one processes inherit it)
    if args.one is not None:
        times, missed = asyncio.run(typing(args.folder, args.one, None, args.interval))
        print(json.dumps({"times": times, "missed": missed}))
        return 0
    texts = args.query
    if not texts:
        from generate import sample_words

        words = sample_words(10)
        # a rare and a common word with a topic, a frequent word and a
        # phrase-like pair, a negated qualifier and a quality filter
        texts = [f"{words[3]} {words[6]} topic:AI", f"{words[1]} {words[8]}", f"{words[5]} -topic:AI quality:>=50"]
    pooled: list[tuple[float, str]] = []
    for run in range(args.runs):
        times: list[tuple[float, str]] = []
        missed = 0
        for text in texts:  # each in a fresh app: one search typed from an empty bar
            some, skipped = typing_apart(args.folder, text, args.interval)
            times += some
            missed += skipped
        pooled += times
        ms = sorted(t for t, _ in times)
        print(
            f"run {run + 1}: typing {len(texts)} searches ({sum(map(len, texts))} keys, one every {args.interval * 1000:.0f} ms): "
            f"keystroke to the frame showing the new list p50 {statistics.median(ms):.1f} ms, "
            f"p95 {nearest_rank(ms, 0.95):.1f} ms, max {ms[-1]:.1f} ms over {len(ms)} list updates (target p95 <= 50 ms); "
            f"{missed} keys changed nothing on the list (a word still under 3 letters, a query error)"
        )
    if args.runs > 1:
        ms = sorted(t for t, _ in pooled)
        print(f"all {args.runs} runs: p50 {statistics.median(ms):.1f} ms, p95 {nearest_rank(ms, 0.95):.1f} ms over {len(ms)} list updates")
    if args.worst:
        slowest = sorted(pooled, reverse=True)[: args.worst]
        print("slowest keys: " + ", ".join(f"{typed!r} {t:.0f} ms" for t, typed in slowest))
    seconds = asyncio.run(change_to_screen(args.folder, None))
    print(f"a new file in the library shows in the running app after {seconds:.2f} s (target: about 2 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
