"""How long reader.fulltext.extract takes on real news pages (issue 13's
target: well under 100 ms for a typical page of 100-300 KB of HTML).

    python bench/fulltext.py [--runs 7]

The pages are tests/fixtures/pages (newspaper4k's test pages, see the
README there). Each page is extracted once to warm up (the first call
imports trafilatura), then --runs times; the median and the slowest run
are printed beside the HTML's size and the Markdown's. Then the cache
(reader.fulltext.cache, in a temporary folder): how long putting and
getting an extracted page takes with 1,000 other pages in it. Prints
figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from reader.fulltext.cache import FullTextCache  # noqa: E402
from reader.fulltext.extract import extract  # noqa: E402

PAGES = ROOT / "tests" / "fixtures" / "pages"

# The address each page was saved from (for its relative links).
URLS = {
    "time_001.html": "https://time.com/6330957/james-hansen-climate-warning-geoengineering-study/",
    "fox13now_001.html": "https://www.fox13now.com/2013/12/30/new-year-new-laws-obamacare-pot-guns-and-drones",
    "spanish_article.html": "http://ultimahora.es/mallorca/noticia/noticias/local/fiscalia-anticorrupcion-estudia-recurre-imputacion-infanta.html",
    "cleveland.com1.html": "http://www.cleveland.com/food/index.ssf/2014/12/let_me_google_that_for_you_201.html",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    extract((PAGES / "cleveland.com1.html").read_text(encoding="utf-8"), URLS["cleveland.com1.html"])
    print(f"first call (imports trafilatura, then extracts): {(time.perf_counter() - started) * 1000:.0f} ms\n")

    print(f"{'page':<22} {'HTML':>8} {'Markdown':>9} {'median':>8} {'slowest':>8}")
    extracted = {}
    for path in sorted(PAGES.glob("*.html"), key=lambda p: -p.stat().st_size):
        html = path.read_text(encoding="utf-8")
        url = URLS.get(path.name, "https://example.com/")
        markdown = extracted[url] = extract(html, url)
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            extract(html, url)
            times.append(time.perf_counter() - started)
        print(
            f"{path.name:<22} {len(html.encode()) / 1024:>5.0f} KB {len(markdown) / 1024:>6.1f} KB"
            f" {statistics.median(times) * 1000:>5.1f} ms {max(times) * 1000:>5.1f} ms"
        )
    print(f"\nmedian of {args.runs} runs each, after one to warm up")
    bench_cache(extracted, args.runs)


def bench_cache(extracted: dict[str, str], runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder, FullTextCache(Path(folder) / "fulltext.sqlite3") as cache:
        filler = "\n\n".join(extracted.values())
        for i in range(1000):
            cache.put(f"https://filler.example/{i}", filler, f"https://filler.example/{i}")
        puts, gets = [], []
        for _ in range(runs):
            for url, markdown in extracted.items():
                started = time.perf_counter()
                cache.put(url, markdown, url, '"etag"', None)
                puts.append(time.perf_counter() - started)
                started = time.perf_counter()
                cache.get(url)
                gets.append(time.perf_counter() - started)
        print(
            f"\ncache with {len(cache.urls()):,} pages ({cache.size() / 1024 / 1024:.1f} MB stored):"
            f" put median {statistics.median(puts) * 1000:.2f} ms, get median {statistics.median(gets) * 1000:.2f} ms"
            f" (slowest {max(puts) * 1000:.1f} / {max(gets) * 1000:.1f} ms)"
        )


if __name__ == "__main__":
    main()
