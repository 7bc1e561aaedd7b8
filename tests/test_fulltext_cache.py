"""reader.fulltext.cache: full texts by URL in one SQLite file in the cache
folder, compressed, capped, least recently read evicted first; a damaged
file is moved aside and a new one started."""

from __future__ import annotations

import os
import random
import threading
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reader.fulltext.cache import APPLICATION_ID, Cached, FullTextCache
from reader.sqlite import sqlite3  # the process's one SQLite (reader.sqlite says why)

WHEN = datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=timezone.utc)


def prose(seed: int, words: int = 2000) -> str:
    """Text that compresses like an article's (not like one word repeated)."""
    rng = random.Random(seed)
    vocabulary = (
        "the harbour authority said on tuesday that new sea wall would be finished before winter storms two years "
        "later than planned engineers had found old built in 1911 was moving by few millimetres each year and asked "
        "for work to start at once residents who live along front were relieved though some worried about noise"
    ).split()
    lines = []
    for _ in range(words // 20):
        lines.append(" ".join(rng.choice(vocabulary) for _ in range(20)).capitalize() + ".")
    return "\n\n".join(lines)


@pytest.fixture
def cache(tmp_path: Path):
    with FullTextCache(tmp_path / "fulltext.sqlite3") as opened:
        yield opened


def raw(path: Path, sql: str, *args):
    db = sqlite3.connect(path)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def test_a_page_put_is_got_back_as_it_was(cache: FullTextCache) -> None:
    text = "# Sea wall\n\nThe harbour authority said on *Tuesday*… [link](https://a.example/b)\n" + prose(1)
    cache.put("https://news.example/a?id=1", text, "https://news.example/a/final", '"v1"', "Wed, 01 May 2024 12:00:00 GMT", WHEN)
    got = cache.get("https://news.example/a?id=1")
    assert got == Cached(
        url="https://news.example/a?id=1",
        markdown=text,
        source_url="https://news.example/a/final",
        fetched_at=WHEN,
        etag='"v1"',
        last_modified="Wed, 01 May 2024 12:00:00 GMT",
    )
    assert got.fetched_at.tzinfo is not None and got.fetched_at.utcoffset() == timedelta(0)
    assert cache.get("https://news.example/other") is None


def test_the_markdown_is_compressed_on_disk(cache: FullTextCache) -> None:
    text = prose(2, words=5000)
    cache.put("https://news.example/long", text, "https://news.example/long")
    cache.close()
    [(blob, url)] = raw(cache.path, "SELECT markdown, url FROM pages")
    assert url == "https://news.example/long"  # a plain table keyed by the URL as given
    assert len(blob) < len(text.encode()) / 2
    assert zlib.decompress(blob).decode() == text


def test_putting_again_replaces_and_counts_the_size_once(cache: FullTextCache) -> None:
    cache.put("https://news.example/a", prose(3), "https://news.example/a", "e1", None, WHEN)
    first = cache.size()
    cache.put("https://news.example/a", "Short now. " * 20, "https://news.example/a2", None, "lm", WHEN + timedelta(hours=1))
    got = cache.get("https://news.example/a")
    assert got is not None
    assert (got.markdown, got.source_url, got.etag, got.last_modified) == ("Short now. " * 20, "https://news.example/a2", None, "lm")
    assert got.fetched_at == WHEN + timedelta(hours=1)
    assert 0 < cache.size() < first
    assert cache.urls() == ["https://news.example/a"]


def test_revalidated_changes_only_the_time(cache: FullTextCache) -> None:
    cache.put("https://news.example/a", prose(4), "https://news.example/a/final", '"v1"', "Wed, 01 May 2024", WHEN)
    before = cache.get("https://news.example/a")
    cache.revalidated("https://news.example/a", WHEN + timedelta(days=2))
    after = cache.get("https://news.example/a")
    assert after is not None and before is not None
    assert after.fetched_at == WHEN + timedelta(days=2)
    assert (after.markdown, after.source_url, after.etag, after.last_modified) == (
        before.markdown, before.source_url, before.etag, before.last_modified,
    )
    cache.revalidated("https://news.example/never-cached")  # nothing to do, no error
    assert cache.urls() == ["https://news.example/a"]


def test_fetched_at_defaults_to_now(cache: FullTextCache) -> None:
    before = datetime.now(timezone.utc)
    cache.put("https://news.example/a", prose(5), "https://news.example/a")
    got = cache.get("https://news.example/a")
    assert got is not None and before <= got.fetched_at <= datetime.now(timezone.utc)


def test_has_and_urls(cache: FullTextCache) -> None:
    urls = [f"https://news.example/{i}" for i in range(1200)]  # more than one IN (...) list
    for url in urls[::3]:
        cache.put(url, f"Article {url}. " * 10, url)
    assert cache.has(urls) == set(urls[::3])
    assert cache.has([]) == set()
    assert cache.has(iter(["https://news.example/0", "https://news.example/0"])) == {"https://news.example/0"}
    assert cache.urls() == sorted(urls[::3])


def test_eviction_removes_the_least_recently_read_first(tmp_path: Path) -> None:
    pages = {name: prose(i, words=3000) for i, name in enumerate("abcde")}
    with FullTextCache(tmp_path / "c.sqlite3") as measure:
        measure.put("https://x.example/a", pages["a"], "https://x.example/a")
        one = measure.size()
    cap = int(one * 3.5)  # room for three pages, not four
    with FullTextCache(tmp_path / "fulltext.sqlite3", cap_bytes=cap) as cache:
        for name in "abc":
            cache.put(f"https://x.example/{name}", pages[name], f"https://x.example/{name}")
        assert cache.get("https://x.example/a") is not None  # a is now read more recently than b and c
        cache.put("https://x.example/d", pages["d"], "https://x.example/d")
        assert set(cache.urls()) == {"https://x.example/a", "https://x.example/c", "https://x.example/d"}
        # A read without touch does not count: c stays the least recently read.
        assert cache.get("https://x.example/c", touch=False) is not None
        assert cache.has(["https://x.example/c"])  # nor does has()
        cache.put("https://x.example/e", pages["e"], "https://x.example/e")
        assert set(cache.urls()) == {"https://x.example/a", "https://x.example/d", "https://x.example/e"}
        assert cache.size() <= cap
        # A lower cap, then evict(): down to it, least recently read first.
        cache.cap_bytes = int(one * 1.5)
        assert cache.evict() == 2
        assert cache.urls() == ["https://x.example/e"]
        assert cache.evict() == 0


def test_size_is_what_the_rows_hold(cache: FullTextCache) -> None:
    assert cache.size() == 0
    for i in range(5):
        cache.put(f"https://x.example/{i}", prose(i), f"https://x.example/{i}", "etag", None)
    cache.close()
    [(total,)] = raw(cache.path, "SELECT sum(length(markdown) + length(url) + length(source_url) + length(etag)) FROM pages")
    with FullTextCache(cache.path) as again:
        assert again.size() == total


def test_a_damaged_file_is_moved_aside_and_a_new_one_started(tmp_path: Path) -> None:
    path = tmp_path / "fulltext.sqlite3"
    path.write_bytes(b"this is not a database, " * 200)
    notices: list[str] = []
    with FullTextCache(path, notice=notices.append) as cache:
        assert len(notices) == 1
        assert str(path) in notices[0] and "moved it to" in notices[0]
        assert (tmp_path / "fulltext.sqlite3.damaged").read_bytes().startswith(b"this is not a database")
        cache.put("https://x.example/a", prose(1), "https://x.example/a")
        assert cache.get("https://x.example/a") is not None


def test_a_file_damaged_between_runs_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "fulltext.sqlite3"
    with FullTextCache(path) as cache:
        for i in range(20):
            cache.put(f"https://x.example/{i}", prose(i), f"https://x.example/{i}")
    data = bytearray(path.read_bytes())
    data[0:100] = os.urandom(100)  # the header: SQLite no longer knows the file
    path.write_bytes(bytes(data))
    notices: list[str] = []
    with FullTextCache(path, notice=notices.append) as cache:
        assert len(notices) == 1
        assert cache.urls() == []
        cache.put("https://x.example/new", prose(99), "https://x.example/new")
        assert cache.urls() == ["https://x.example/new"]


def test_a_file_damaged_while_open_is_replaced_on_the_next_use(tmp_path: Path) -> None:
    path = tmp_path / "fulltext.sqlite3"
    notices: list[str] = []
    with FullTextCache(path, notice=notices.append) as cache:
        for i in range(50):
            cache.put(f"https://x.example/{i}", prose(i), f"https://x.example/{i}")
        raw(path, "PRAGMA wal_checkpoint(TRUNCATE)")
        with open(path, "r+b") as file:  # another program scribbles over the pages
            file.seek(4096)
            file.write(os.urandom(os.path.getsize(path) - 4096))
        cache.put("https://x.example/after", prose(1), "https://x.example/after")
        assert cache.get("https://x.example/after") is not None
    assert len(notices) == 1 and "damaged" in notices[0]


def test_a_foreign_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "fulltext.sqlite3"
    raw(path, "CREATE TABLE someone_elses(x)")
    notices: list[str] = []
    with FullTextCache(path, notice=notices.append) as cache:
        assert "is not a reader full-text cache" in notices[0]
        assert cache.urls() == []
    assert raw(path, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert raw(path, "PRAGMA journal_mode") == [("wal",)]


def test_two_threads_writing_at_once(cache: FullTextCache) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(name: str) -> None:
        try:
            start.wait()
            for i in range(60):
                url = f"https://x.example/{name}/{i}"
                cache.put(url, prose(i, words=200), url)
                assert cache.get(url) is not None
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert len(cache.urls()) == 120


def test_two_caches_on_one_file_writing_at_once(tmp_path: Path) -> None:
    # As the app and `reader fetch` would: two connections, SQLite's locking between them.
    path = tmp_path / "fulltext.sqlite3"
    caches = [FullTextCache(path), FullTextCache(path)]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(cache: FullTextCache, name: str) -> None:
        try:
            start.wait()
            for i in range(40):
                url = f"https://x.example/{name}/{i}"
                cache.put(url, prose(i, words=200), url)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(cache, name)) for cache, name in zip(caches, ("one", "two"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert len(caches[0].urls()) == 80 and caches[1].size() == caches[0].size()
    for cache in caches:
        cache.close()


def test_the_cache_lives_in_xdg_cache_home(xdg_dirs: dict[str, Path]) -> None:
    with FullTextCache() as cache:
        cache.put("https://x.example/a", prose(1), "https://x.example/a")
        assert cache.path == xdg_dirs["XDG_CACHE_HOME"] / "reader" / "fulltext.sqlite3"
    assert cache.path.is_file()


def test_another_xdg_cache_home_is_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    with FullTextCache() as cache:
        assert cache.path == tmp_path / "elsewhere" / "reader" / "fulltext.sqlite3"
        assert cache.path.is_file()


def test_the_index_can_attach_it_read_only(cache: FullTextCache, tmp_path: Path) -> None:
    # As the index answers has:fulltext: its own connection, this file attached read-only.
    cache.put("https://x.example/a", prose(1), "https://x.example/a")
    index = sqlite3.connect(tmp_path / "index.sqlite3")
    index.execute("CREATE TABLE articles(web_url TEXT)")
    index.executemany("INSERT INTO articles VALUES (?)", [("https://x.example/a",), ("https://x.example/b",)])
    index.commit()
    index.execute("ATTACH ? AS fulltext", (f"file:{cache.path}?mode=ro",))
    rows = index.execute("SELECT a.web_url FROM articles a JOIN fulltext.pages p ON p.url = a.web_url").fetchall()
    assert rows == [("https://x.example/a",)]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        index.execute("DELETE FROM fulltext.pages")
    index.close()


def test_a_closed_cache_says_so(tmp_path: Path) -> None:
    from reader.fulltext.cache import CacheError

    cache = FullTextCache(tmp_path / "fulltext.sqlite3")
    cache.close()
    with pytest.raises(CacheError, match="closed"):
        cache.get("https://x.example/a")


def test_a_page_that_does_not_decompress_is_dropped_alone(cache: FullTextCache) -> None:
    cache.put("https://x.example/a", prose(1), "https://x.example/a")
    cache.put("https://x.example/b", prose(2), "https://x.example/b")
    db = sqlite3.connect(cache.path)
    db.execute("UPDATE pages SET markdown = ? WHERE url = ?", (b"not zlib at all", "https://x.example/a"))
    db.commit()
    db.close()
    assert cache.get("https://x.example/a") is None
    assert cache.urls() == ["https://x.example/b"]
    assert cache.get("https://x.example/b") is not None
