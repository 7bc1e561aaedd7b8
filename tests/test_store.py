"""reader.store's seams: only a refresh builds the index, reads borrow their
own connections, errors are typed, a refresh can be stopped, and unchanged
folders are recognised by their digest."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from conftest import article, write
from reader.query import parse_query
from reader.sqlite import sqlite3
from reader.store import CacheDamaged, Library, NotIndexed, SearchInterrupted, StoreError, find_article
from reader.store import walk as walk_module
from reader.store.walk import digest, list_folder, walk_folders


def make(lib: Path, tmp_path: Path, **kwargs) -> Library:
    return Library([lib], cache_dir=tmp_path / "cache", **kwargs)


def test_nothing_but_a_refresh_builds_the_index(tmp_path):
    lib = tmp_path / "lib"
    write(lib, "a.md", article("Alpha"))
    with make(lib, tmp_path) as library:
        with pytest.raises(NotIndexed):
            library.search()
        assert not (tmp_path / "cache").exists()  # asking did not build anything
        library.refresh()
        assert [r.title for r in library.search()] == ["Alpha"]
    with make(lib, tmp_path) as again:  # a cache there: read as it is, no refresh needed
        assert again.open_cached()
        assert [r.title for r in again.search()] == ["Alpha"]


def test_a_folder_digest_is_the_same_whatever_the_order_and_changes_with_any_file():
    files = [("a.md", 10, 1), ("b.md", 20, 2), ("c.md", 30, 3)]
    assert digest(files) == digest(list(reversed(files)))
    assert digest(files) != digest([("a.md", 10, 1), ("b.md", 21, 2), ("c.md", 30, 3)])  # a size
    assert digest(files) != digest([("a.md", 10, 1), ("b.md", 20, 5), ("c.md", 30, 3)])  # a time
    assert digest(files) != digest(files[:2])  # a file gone
    assert digest(files) != digest([("a.md", 10, 1), ("x.md", 20, 2), ("c.md", 30, 3)])  # a name


def test_a_warm_refresh_lists_only_the_folders_that_changed(tmp_path, monkeypatch):
    lib = tmp_path / "lib"
    for folder in ("one", "two", "three"):
        for n in range(5):
            write(lib, f"{folder}/{n}.md", article(f"{folder} {n}"))
    listed: list[str] = []
    real = walk_module.list_folder

    def spy(folder: str):
        listed.append(os.path.basename(folder))
        return real(folder)

    from reader.store import refresh as refresh_module

    monkeypatch.setattr(refresh_module, "list_folder", spy)
    with make(lib, tmp_path) as library:
        library.refresh()
        assert library.refresh().parsed == 0 and listed == []  # nothing changed, nothing listed
        write(lib, "two/new.md", article("two new"))
        path = lib / "three" / "0.md"
        path.write_text(article("three 0, edited"))
        os.utime(path, ns=(1, 1))
        stats = library.refresh()
        assert sorted(listed) == ["three", "two"]
        assert (stats.added, stats.changed, stats.parsed) == (1, 1, 2)
        assert {"two new", "three 0, edited"} <= {r.title for r in library.search()}
        assert library.article_count() == 16


def test_one_flat_folder_finds_a_change_among_many(tmp_path):
    lib = tmp_path / "lib"
    for n in range(300):
        write(lib, f"{n:03}.md", article(f"Story {n:03}"))
    with make(lib, tmp_path) as library:
        library.refresh()
        (lib / "150.md").unlink()
        write(lib, "150.md", article("Story 150, again"))
        os.utime(lib / "150.md", ns=(5, 5))
        (lib / "007.md").unlink()
        stats = library.refresh()
        assert (stats.changed, stats.removed, stats.parsed) == (1, 1, 1)
        titles = {r.title for r in library.search()}
        assert "Story 150, again" in titles and "Story 007" not in titles and len(titles) == 299


def test_the_walk_keeps_no_listing_unless_asked(tmp_path):
    lib = tmp_path / "lib"
    for n in range(4):
        write(lib, f"{n}.md", article(f"N {n}"))
    write(lib, ".hidden.md", article("Hidden"))
    write(lib, "notes.txt", "not an article")
    problems: list = []
    (folder,) = walk_folders([lib], problems)
    assert folder.files is None and folder.count == 4 and folder.digest == digest(list_folder(str(lib)))
    (listed,) = walk_folders([lib], problems, listed=True)
    assert [name for name, _, _ in listed.files] == ["0.md", "1.md", "2.md", "3.md"]
    assert problems == []


def test_a_stopped_refresh_stops_and_the_next_one_finishes(tmp_path, monkeypatch):
    from reader.store import refresh as refresh_module

    monkeypatch.setattr(refresh_module, "COMMIT_EVERY", 10)
    monkeypatch.setattr(refresh_module, "CHUNK", 5)
    lib = tmp_path / "lib"
    for n in range(60):
        write(lib, f"d{n // 20}/{n:02}.md", article(f"Story {n:02}"))
    with make(lib, tmp_path, workers=1) as library:
        seen: list[int] = []
        stats = library.refresh(progress=lambda done, total: seen.append(done), cancelled=lambda: bool(seen and seen[-1] >= 10))
        assert stats.cancelled
        assert 0 < library.article_count() < 60
        again = library.refresh()
        assert not again.cancelled and library.article_count() == 60
        assert library.refresh().parsed == 0  # and then nothing is left to do


def test_interrupt_stops_a_search_running_in_another_thread(tmp_path):
    lib = tmp_path / "lib"
    write(lib, "a.md", article("Alpha"))
    with make(lib, tmp_path) as library:
        library.refresh()
        started = threading.Event()
        outcome: list[object] = []

        def slow_search() -> None:
            # a query that runs until it is interrupted, on a search connection
            with library.db.reading(search=True) as handle:
                started.set()
                try:
                    handle.conn.execute(
                        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"
                    ).fetchone()
                except sqlite3.Error as exc:
                    outcome.append(exc)
                    raise

        def run() -> None:
            try:
                slow_search()
            except StoreError as exc:
                outcome.append(exc)

        thread = threading.Thread(target=run)
        thread.start()
        assert started.wait(10)
        time.sleep(0.05)
        library.interrupt()
        thread.join(10)
        assert not thread.is_alive()
        assert isinstance(outcome[-1], SearchInterrupted)
        # other reads go on meanwhile and after
        assert [r.title for r in library.search()] == ["Alpha"]


def test_a_cache_damaged_under_a_reader_is_a_typed_error_and_a_refresh_rebuilds_it(tmp_path):
    lib = tmp_path / "lib"
    for n in range(50):
        write(lib, f"{n:02}.md", article(f"Story {n:02}", body="words " * 200))
    notices: list[str] = []
    with make(lib, tmp_path, notice=notices.append) as library:
        library.refresh()
        path = library.db_path
        fold = sqlite3.connect(path)
        fold.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        fold.close()
        library.close()  # no warm connection keeps the old pages
        size = path.stat().st_size
        # Garbage over the second quarter: the articles, not the schema, nor
        # the small tables written last (the meta table's pages among them).
        start, stop = size // 4 // 4096 * 4096, size // 2 // 4096 * 4096
        with open(path, "r+b") as handle:
            handle.seek(start)
            handle.write(os.urandom(stop - start))
        with pytest.raises(CacheDamaged):
            library.search(parse_query("words"))
            library.count(parse_query("words"))
        library.forget_cache("damaged")
        library.refresh()
        assert library.count(parse_query("words")) == 50
    assert any("damaged" in n for n in notices)


def test_each_gives_rows_one_at_a_time_in_the_order_of_search(tmp_path):
    lib = tmp_path / "lib"
    for n in range(30):
        write(lib, f"{n:02}.md", article(f"Story {n:02}", quality=n))
    with make(lib, tmp_path) as library:
        library.refresh()
        rows = library.each(batch=7)
        first = next(rows)
        assert first.title == "Story 29"
        assert [first.title] + [r.title for r in rows] == [r.title for r in library.search()]


def test_an_id_is_found_in_a_library_indexed_before(tmp_path, cache_dir):
    lib = tmp_path / "lib"
    write(lib, "a.md", article("Alpha", webUrl="https://example.com/a"))
    with Library([lib], cache_dir=cache_dir) as library:
        library.refresh()
        uid = library.search()[0].uid
    found = find_article(uid, cache_dir)
    assert found is not None
    path, other = found
    with other:
        assert path == str(lib / "a.md")
        assert set(other.by_url(["https://example.com/a"])) == {"https://example.com/a"}
    assert find_article("0123456789ab", cache_dir) is None


def test_the_prefetched_first_list_is_handed_to_the_first_ids_with_its_plan(tmp_path, monkeypatch):
    lib = tmp_path / "lib"
    for n in range(20):
        write(lib, f"{n:02}.md", article(f"Story {n:02}", quality=n, heat=20 - n))
    with make(lib, tmp_path) as library:
        library.refresh()
    with make(lib, tmp_path) as library:
        query = parse_query("quality:>=5")
        library.prefetch(query)
        expected = library.ids(parse_query("quality:>=10"))  # another plan: read now, not prefetched
        assert len(expected) == 10
        for thread in threading.enumerate():  # the prefetch done, so what is counted below is ours
            if thread.name == "reader-prefetch":
                thread.join(10)
        reads: list[bool] = []
        real = library.db.reading

        def counting(search: bool = False):
            reads.append(search)
            return real(search)

        monkeypatch.setattr(library.db, "reading", counting)
        assert library.article_count() == 20 and list(library.ids(query, prefix_last=True)) == [
            r.id for r in library.search(query)
        ]
        assert reads == [False]  # only search() read the cache: the count and the ids were ready
        assert library.article_count() == 20 and reads == [False, False]  # once only


def test_a_folder_gone_during_a_stopped_refresh_comes_back_whole(tmp_path):
    """Its digest must not outlive the rows it stood for: a refresh stopped
    after dropping a folder's articles leaves that folder to be compared."""
    lib = tmp_path / "lib"
    for n in range(3):
        write(lib, f"F/f{n}.md", article(f"F {n}"))
    write(lib, "E/e.md", article("E"))
    with make(lib, tmp_path, workers=1) as library:
        library.refresh()
        os.rename(lib / "F", lib / ".F-away")  # unmounted, renamed, synced away for a moment
        stopped = library.refresh(cancelled=lambda: library.article_count() == 1)
        assert stopped.cancelled and library.article_count() == 1
        os.rename(lib / ".F-away", lib / "F")  # back, unchanged
        library.refresh()
        assert library.article_count() == 4


def test_a_root_file_inside_a_root_folder_deleted_leaves_the_list(tmp_path):
    folder = tmp_path / "lib"
    for n in range(3):
        write(folder, f"a{n}.md", article(f"a{n}"))
    extra = folder / "x.md"

    def titles() -> list[str]:
        with Library([folder, extra], cache_dir=tmp_path / "cache", workers=1) as library:
            library.refresh()
            return sorted(r.title for r in library.search())

    assert titles() == ["a0", "a1", "a2"]
    write(folder, "x.md", article("X"))
    assert titles() == ["X", "a0", "a1", "a2"]
    extra.unlink()
    assert titles() == ["a0", "a1", "a2"]


def test_a_damaged_state_file_is_not_taken_for_a_damaged_cache(tmp_path, monkeypatch):
    from reader.store import db as db_module

    lib = tmp_path / "lib"
    write(lib, "a.md", article("Alpha"))
    state = tmp_path / "state.sqlite3"
    marks = sqlite3.connect(state)
    marks.executescript("CREATE TABLE read(key TEXT PRIMARY KEY, at INTEGER); CREATE TABLE starred(key TEXT PRIMARY KEY, at INTEGER);")
    marks.close()
    with make(lib, tmp_path) as library:
        library.state_path = state
        library.refresh()
        # the marks' file answers "malformed" (as a damaged page does); its quick check fails
        real = db_module._sound
        monkeypatch.setattr(db_module, "_sound", lambda db, name: False if name == "st" else real(db, name))
        handle = library.db._take()
        try:
            error = library.db._translate(sqlite3.DatabaseError("database disk image is malformed"), handle)
        finally:
            library.db._give_back(handle)
        assert type(error) is StoreError and "marks" in str(error)
        assert not isinstance(error, CacheDamaged)
        assert [r.title for r in library.search()] == ["Alpha"]


def test_a_state_file_replaced_while_reading_is_read_anew(tmp_path):
    """is:read asks the state file as it is now: one set aside (damaged)
    and started afresh is not read through a connection to the old one."""
    from reader.state import State

    lib = tmp_path / "lib"
    for n in range(3):
        write(lib, f"{n}.md", article(f"Story {n}", webUrl=f"https://example.com/{n}"))
    path = tmp_path / "state.sqlite3"
    with State(path) as state:
        state.mark_read(["https://example.com/0"])
    with make(lib, tmp_path) as library:
        library.refresh()
        library.state_path = path
        assert [r.title for r in library.search(parse_query("is:read"))] == ["Story 0"]
        os.replace(path, tmp_path / "state.sqlite3.damaged")  # set aside...
        for suffix in ("-wal", "-shm"):
            if os.path.exists(f"{path}{suffix}"):
                os.replace(f"{path}{suffix}", f"{tmp_path / 'state.sqlite3.damaged'}{suffix}")
        with State(path) as fresh:  # ...and a fresh one started
            fresh.mark_read(["https://example.com/1"])
        assert [r.title for r in library.search(parse_query("is:read"))] == ["Story 1"]
