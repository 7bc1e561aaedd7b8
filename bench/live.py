"""The app at scale: keystroke to list updated while typing a search, and how
long a changed file takes to show in the running app.

    python bench/live.py FOLDER [--query TEXT]

FOLDER should already be indexed (run `reader list FOLDER --limit 0` once).
The app runs headless (Textual's run_test) at 120x40 with its real workers.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


async def typing(folder: Path, text: str, cache: Path | None) -> list[float]:
    from reader.app import make_app
    from reader.widgets.article_list import ArticleList

    app = make_app([folder], cache_dir=cache, watch=False)
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        articles = app.screen.query_one(ArticleList)
        for _ in range(100):
            await pilot.pause(0.1)
            if articles.count:
                break
        await pilot.pause(1.0)
        await pilot.press("slash")
        for char in text:
            before = articles.ids
            started = time.perf_counter()
            await pilot.press(char)
            while articles.ids is before and time.perf_counter() - started < 5:
                await asyncio.sleep(0.002)
            if articles.ids is not before:
                times.append((time.perf_counter() - started) * 1000)
            await pilot.pause(0.05)
    return times


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--query", default=None, help="what to type (default: two words of the benchmark vocabulary and a topic)")
    args = parser.parse_args()
    text = args.query
    if text is None:
        from generate import sample_words

        words = sample_words(10)
        text = f"{words[3]} {words[6]} topic:AI"
    times = asyncio.run(typing(args.folder, text, None))
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"typing {text!r}: {len(times)} list updates, keystroke to list updated p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms (target <= 50 ms)")
    seconds = asyncio.run(change_to_screen(args.folder, None))
    print(f"a new file in the library shows in the running app after {seconds:.2f} s (target: about 2 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
