"""Faults and the walk: what the file system, the databases, signals and
worker processes can do to reader, and what the user still gets.

Each test states what a user would notice: the articles still listed, a
message naming the file, marks still there, the terminal given back.
The tests run as root here, where chmod 000 stops nothing: unreadable
files and folders are made by replacing the calls reader makes (and with
chmod too when not root).
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import helpers_faults
from conftest import article, write
from helpers_app import NOW, press, wait_until
from reader import parse
from reader.store import NotIndexed, records, schema
from reader.store import refresh as refresh_module
from reader.app import make_app
from reader.config import Config
from reader.messages import FilesChanged
from reader.store import Library
from reader.store.db import Database
from reader.query import parse_query
from reader.sqlite import sqlite3
from reader.state import State, identity
from reader.widgets.article_list import ArticleList

ROOT = Path(__file__).resolve().parent.parent


def titles(library: Library) -> list[str]:
    return sorted(r.title for r in library.search())


def problem_paths(library: Library) -> set[str]:
    return {p.path for p in library.problems() if p.skipped}


def within(seconds: float, work):
    """Run ``work`` in a thread; fail (rather than hang the run) if it does not end."""
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "reader hung"
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result.get("value")


# -- the walk ------------------------------------------------------------------------


def test_symlink_loops_never_hang_and_each_file_is_listed_once(tmp_path):
    lib = tmp_path / "lib"
    write(lib, "top.md", article("Top"))
    write(lib, "a/in_a.md", article("In A"))
    write(lib, "b/in_b.md", article("In B"))
    (lib / "a" / "self").symlink_to(lib / "a")  # a folder linked into itself
    (lib / "a" / "to_b").symlink_to(lib / "b")  # two folders linking to each other
    (lib / "b" / "to_a").symlink_to(lib / "a")
    (lib / "b" / "up").symlink_to(lib)  # and back to the root
    (lib / "loop.md").symlink_to(lib / "loop.md")  # a link to itself, named like an article
    with Library([lib], cache_dir=tmp_path / "cache") as library:
        within(60, library.refresh)
        assert titles(library) == ["In A", "In B", "Top"]
        assert problem_paths(library) == {str(lib / "loop.md")}
        assert within(60, library.refresh).parsed == 0


@pytest.fixture
def unreadable(monkeypatch):
    """Make chosen folders unlistable and chosen files unopenable, as a user
    without permission would find them (chmod as well, when not root)."""
    folders: set[str] = set()
    files: set[str] = set()
    real_scandir, real_open = os.scandir, open

    def scandir(path="."):
        if os.fspath(path) in folders:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    def opener(path, *args, **kwargs):
        if os.fspath(path) in files:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(parse, "open", opener, raising=False)
    made: list[tuple[Path, int]] = []

    def deny(path: Path) -> None:
        (folders if path.is_dir() else files).add(str(path))
        if os.geteuid() != 0:
            made.append((path, path.stat().st_mode))
            path.chmod(0)

    yield deny
    for path, mode in made:
        path.chmod(mode)


def test_unreadable_files_and_folders_are_reported_and_the_rest_indexed(tmp_path, unreadable):
    lib = tmp_path / "lib"
    write(lib, "fine.md", article("Fine"))
    write(lib, "open/also.md", article("Also fine"))
    secret = write(lib, "secret.md", article("Secret"))
    write(lib, "locked/hidden.md", article("Hidden"))
    unreadable(secret)
    unreadable(lib / "locked")
    with Library([lib], cache_dir=tmp_path / "cache") as library:
        library.refresh()
        assert titles(library) == ["Also fine", "Fine"]
        reasons = {p.path: p.reason for p in library.problems()}
        assert "permission denied" in reasons[str(secret)]
        assert "permission denied" in reasons[str(lib / "locked")]


def test_files_deleted_or_changed_between_the_walk_and_the_parse(tmp_path, monkeypatch):
    lib = tmp_path / "lib"
    for n in range(6):
        write(lib, f"a{n}.md", article(f"Story {n}"))
    real = records.parse_rows

    def meddle(batch, *options):  # what other programs do between the walk and the read
        os.unlink(lib / "a1.md")
        write(lib, "a2.md", article("Story 2, rewritten"))
        os.unlink(lib / "a3.md")
        (lib / "a3.md").mkdir()  # a folder now, where the file was
        os.unlink(lib / "a4.md")
        write(lib, "a4.md", b"")  # emptied
        return real(batch, *options)

    monkeypatch.setattr(records, "parse_rows", meddle)
    with Library([lib], cache_dir=tmp_path / "cache") as library:
        library.refresh()
        assert titles(library) == ["Story 0", "Story 2, rewritten", "Story 5"]
        assert problem_paths(library) == {str(lib / n) for n in ("a1.md", "a3.md", "a4.md")}
        monkeypatch.setattr(records, "parse_rows", real)
        library.refresh()  # the next look sees the files as they are now
        assert titles(library) == ["Story 0", "Story 2, rewritten", "Story 5"]
        assert problem_paths(library) == {str(lib / "a4.md")}


def test_files_removed_while_a_refresh_runs(tmp_path):
    lib = tmp_path / "lib"
    for n in range(1500):
        write(lib, f"d{n % 7}/s{n:04}.md", article(f"Story {n:04}", quality=n % 100))
    doomed = [lib / f"d{n % 7}/s{n:04}.md" for n in range(0, 1500, 3)]
    started = threading.Event()

    def remove() -> None:
        started.wait(30)
        for path in doomed:
            path.unlink()

    remover = threading.Thread(target=remove)
    remover.start()

    def progress(done: int, total: int) -> None:
        started.set()

    with Library([lib], cache_dir=tmp_path / "cache", workers=2) as library:
        try:
            within(120, lambda: library.refresh(progress))
        finally:
            started.set()
            remover.join(60)
        library.refresh()
        assert library.article_count() == 1000
        assert not any(p.skipped for p in library.problems())


ODD_NAMES = [
    b"caf\xe9.md",  # Latin-1, not UTF-8
    b"new\nline.md",
    b"\x1b]0;pwned\x07.md",
    b"\xff\xfe.md",
    b"L" * 240 + b".md",
    "日本語.md".encode(),
]


@pytest.mark.skipif(sys.platform != "linux", reason="file names of raw bytes")
def test_odd_file_names_are_indexed_opened_and_marked(tmp_path, cache_dir):
    lib = tmp_path / "lib"
    raw_lib = os.fsencode(lib)
    os.makedirs(raw_lib + b"/d\xe9j\xe0")
    for n, name in enumerate(ODD_NAMES):
        with open(raw_lib + b"/" + name, "wb") as out:
            out.write(article(f"Odd {n}").encode())
    with open(raw_lib + b"/d\xe9j\xe0/inside.md", "wb") as out:
        out.write(article("Inside an odd folder").encode())
    with open(raw_lib + b"/d\xe9j\xe0/no-title-\xe9t\xe9.md", "wb") as out:
        out.write(b"---\nquality: 5\n---\nA title is made from the name.\n")
    state = State(tmp_path / "state.sqlite3")
    with Library([lib], cache_dir=cache_dir) as library:
        library.state_path = state.path
        library.refresh()
        rows = library.search()
        assert len(rows) == len(ODD_NAMES) + 2
        assert not library.problems()
        on_disk = {os.fsencode(r.path) for r in rows}
        assert raw_lib + b"/caf\xe9.md" in on_disk and raw_lib + b"/d\xe9j\xe0/inside.md" in on_disk
        for row in rows:  # each can be opened again from what the index holds
            found, problems = parse.parse_file(row.path)
            assert found is not None, problems
            # a title made from a name that is not UTF-8 shows the odd bytes as U+FFFD
            assert found.title.encode("utf-8", "surrogateescape").decode("utf-8", "replace") == row.title
            assert library.get(row.path).uid == row.uid
        # marks on them are kept and found again
        keys = [identity(r.url, r.path, library.roots) for r in rows]
        state.mark_read(keys)
        state.toggle_starred(keys[0])
        assert state.read_keys(keys) == set(keys) and state.is_starred(keys[0])
        # the keys the index hands out ("A": mark all read) are the same keys
        assert sorted(library.idents([r.id for r in rows])) == sorted(keys)
        state.mark_read(library.idents([r.id for r in rows]))
        assert library.count(parse_query("is:read")) == len(rows)
        state.export(tmp_path / "marks.json")
        with State(tmp_path / "other.sqlite3") as other:
            other.import_(tmp_path / "marks.json")
            assert other.all_read() == set(keys)
        # nothing is parsed again, and a removed odd file leaves the index
        assert library.refresh().parsed == 0
        os.unlink(raw_lib + b"/caf\xe9.md")
        assert library.refresh().removed == 1
        assert library.article_count() == len(ODD_NAMES) + 1
    state.close()


def test_a_few_bad_files_among_thousands_are_exactly_the_ones_reported(tmp_path):
    lib = tmp_path / "lib"
    for n in range(2500):
        write(lib, f"d{n % 11}/good{n:04}.md", article(f"Good {n:04}"))
    bad = {
        write(lib, "d1/empty.md", b""),
        write(lib, "d2/latin1.md", "---\ntitle: caf\xe9\n---\n".encode("latin-1")),
        write(lib, "d3/yaml.md", "---\ntitle: [unclosed\n---\nbody\n"),
        write(lib, "d4/no-front-matter.md", "just some text\n"),
    }
    (lib / "d5" / "dangling.md").symlink_to(lib / "nowhere.md")
    bad.add(lib / "d5" / "dangling.md")
    with Library([lib], cache_dir=tmp_path / "cache", workers=2) as library:
        library.refresh()
        assert library.article_count() == 2500
        assert problem_paths(library) == {str(p) for p in bad}


def test_a_file_the_parser_fails_on_is_reported_and_the_rest_kept(tmp_path, monkeypatch):
    lib = tmp_path / "lib"
    for n in range(5):
        write(lib, f"a{n}.md", article(f"Story {n}"))
    real = parse.parse_file

    def buggy(path, display=None):
        if path.endswith("a2.md"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(path, display)

    monkeypatch.setattr(parse, "parse_file", buggy)
    with Library([lib], cache_dir=tmp_path / "cache") as library:
        library.refresh()
        assert titles(library) == ["Story 0", "Story 1", "Story 3", "Story 4"]
        (problem,) = library.problems()
        assert problem.path == str(lib / "a2.md") and "RecursionError" in problem.reason


@pytest.mark.parametrize("failure", [helpers_faults.dying_parse, helpers_faults.raising_parse], ids=["killed", "raising"])
def test_a_worker_process_that_dies_or_raises_loses_no_file(tmp_path, monkeypatch, failure):
    monkeypatch.setattr(refresh_module, "PARALLEL_MIN", 10)
    monkeypatch.setattr(refresh_module, "CHUNK", 4)
    monkeypatch.setattr(refresh_module, "parse_rows", failure)
    lib = tmp_path / "lib"
    for n in range(40):
        write(lib, f"a{n:02}.md", article(f"Story {n:02}"))
    write(lib, f"{helpers_faults.POISON}.md", article("Poisoned chunk"))
    notices: list[str] = []
    with Library([lib], cache_dir=tmp_path / "cache", workers=2, notice=notices.append) as library:
        stats = within(120, library.refresh)
        assert stats.parsed == 41
        assert library.article_count() == 41
        assert not library.problems()
    assert len(notices) == 1 and "worker process" in notices[0] and "\n" not in notices[0]


def test_a_pool_that_breaks_while_the_walk_hands_out_files_loses_no_file(tmp_path, monkeypatch):
    """A new index hands files to the workers while the walk goes on; when the
    pool breaks in the middle, the files not yet handed out are read here."""
    from concurrent.futures.process import BrokenProcessPool

    monkeypatch.setattr(refresh_module, "PARALLEL_MIN", 10)
    monkeypatch.setattr(refresh_module, "CHUNK", 4)
    real_pool = refresh_module.worker_pool
    taken: list[int] = []

    def breaking_pool(workers):
        pool = real_pool(workers)
        submit = pool.submit

        def limited(fn, chunk, *options):
            if len(taken) == 3:
                raise BrokenProcessPool("a worker died")
            taken.append(len(chunk))
            return submit(fn, chunk, *options)

        pool.submit = limited
        return pool

    monkeypatch.setattr(refresh_module, "worker_pool", breaking_pool)
    lib = tmp_path / "lib"
    for folder in range(5):  # several folders: the walk is still going when the pool breaks
        for n in range(8):
            write(lib, f"f{folder}/a{n}.md", article(f"Story {folder}.{n}"))
    notices: list[str] = []
    with Library([lib], cache_dir=tmp_path / "cache", workers=2, notice=notices.append) as library:
        stats = within(120, library.refresh)
        assert taken == [4, 4, 4]
        assert (stats.total, stats.added, stats.parsed) == (40, 40, 40)
        assert library.article_count() == 40
    assert len(notices) == 1 and "worker process" in notices[0]


# -- the cache -------------------------------------------------------------------------


@pytest.fixture
def small(tmp_path) -> Path:
    lib = tmp_path / "lib"
    for n in range(5):
        write(lib, f"n{n}.md", article(f"Note {n}", quality=n, body="Some words " * 200))
    return lib


def test_a_full_disk_gives_the_articles_and_one_line(small, tmp_path, monkeypatch):
    real = Database.connect
    cache = str(tmp_path / "cache")

    def connect(self, path):
        db = real(self, path)
        if str(path).startswith(cache):  # not the temporary cache it falls back to
            db.execute("PRAGMA max_page_count = 12")  # SQLITE_FULL once the cache grows past this
        return db

    monkeypatch.setattr(Database, "connect", connect)
    notices: list[str] = []
    with Library([small], cache_dir=tmp_path / "cache", notice=notices.append) as library:
        library.refresh()
        assert titles(library) == [f"Note {n}" for n in range(5)]
        assert library.count(parse_query("words")) == 5
        write(small, "late.md", article("Late"))
        library.refresh()
        assert "Late" in titles(library)
    assert len(notices) == 1, notices
    assert str(tmp_path / "cache") in notices[0] and "full" in notices[0] and "\n" not in notices[0]


def test_a_read_only_cache_gives_the_articles_and_one_line(small, tmp_path, monkeypatch):
    with Library([small], cache_dir=tmp_path / "cache") as library:
        library.refresh()
    write(small, "new.md", article("Written since", quality=99))
    real = Database.connect
    cache = str(tmp_path / "cache")

    def read_only(self, path):  # as a folder the user may not write to gives it
        if not str(path).startswith(cache):  # the temporary cache it falls back to
            return real(self, path)
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False, isolation_level=None)

    monkeypatch.setattr(Database, "connect", read_only)
    if os.geteuid() != 0:
        (tmp_path / "cache" / "index").chmod(0o500)
    notices: list[str] = []
    try:
        with Library([small], cache_dir=tmp_path / "cache", notice=notices.append) as library:
            library.refresh()
            assert titles(library)[-1] == "Written since" and library.article_count() == 6
    finally:
        (tmp_path / "cache" / "index").chmod(0o700)
    assert len(notices) == 1 and "cannot be written" in notices[0] and "\n" not in notices[0]


async def test_a_cache_damaged_while_the_app_runs_is_rebuilt(tmp_path, notices):
    lib = tmp_path / "lib"
    for n in range(120):
        write(lib, f"a{n:03}.md", article(f"Story {n:03}", quality=n % 100, body="text " * 300))
    app = make_app([lib], cache_dir=tmp_path / "cache", now=NOW, watch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        articles = app.screen.query_one(ArticleList)
        await wait_until(pilot, lambda: articles.count == 120)
        db_path = app.library.db_path
        folded = sqlite3.connect(db_path)
        folded.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
        folded.close()
        with open(db_path, "r+b") as handle:  # then garbage over all but its first page
            handle.seek(4096)
            handle.write(os.urandom(db_path.stat().st_size))
        articles.forget_rows()
        await pilot.press("s", "j", "j", "s")
        await wait_until(pilot, lambda: any("damaged" in n.message for n in notices))
        await wait_until(pilot, lambda: articles.count == 120 and articles.current_row is not None)
        assert app.is_running
        messages = [n.message for n in notices]
        assert len(messages) == 1, messages
        assert str(db_path) in messages[0]


def test_a_screen_asking_for_rows_while_a_thread_builds_the_index_is_not_frozen(tmp_path, monkeypatch):
    """The app's refresh thread hands its progress to the screen's thread and
    waits for it. If the screen asks for rows just as the cache is being
    made again (after a damaged one was dropped), it must not wait for the
    build: each would wait for the other, and the app would freeze (it did,
    once, in CI)."""
    import queue

    lib = tmp_path / "lib"
    for n in range(40):
        write(lib, f"a{n:02}.md", article(f"Story {n:02}"))
    creating = threading.Event()
    real_create = schema.create

    def slow_create(db, roots):
        creating.set()
        time.sleep(0.3)  # the screen asks in the meantime
        return real_create(db, roots)

    monkeypatch.setattr(schema, "create", slow_create)
    with Library([lib], cache_dir=tmp_path / "cache") as library:
        requests: queue.Queue[threading.Event] = queue.Queue()

        def progress(done: int, total: int) -> None:  # as App.call_from_thread: wait for the screen
            answered = threading.Event()
            requests.put(answered)
            answered.wait(60)

        builder = threading.Thread(target=library.refresh, args=(progress,), daemon=True)
        builder.start()

        def screen() -> str:
            assert creating.wait(30)
            try:
                library.rows([1])
                outcome = "rows"
            except NotIndexed:
                outcome = "busy"
            while builder.is_alive() or not requests.empty():  # the screen's loop goes on
                try:
                    requests.get(timeout=0.05).set()
                except queue.Empty:
                    pass
            return outcome

        # Either answer will do (no index yet, or what is built so far); waiting would not.
        assert within(20, screen) in ("busy", "rows")
        assert len(titles(library)) == 40  # the build finished, and the next query has its rows


# -- the state file ----------------------------------------------------------------------


KILLED_MID_RUN = """
import sys
from reader.state import State
state = State(sys.argv[1])
for n in range(100000):
    if n % 3:
        state.mark_read([f"https://example.com/{n}"])
    else:
        state.toggle_starred(f"https://example.com/{n}")
    print(n, flush=True)  # acknowledged: the user was told it is saved
"""


def test_sigkill_during_a_long_run_of_marks_loses_at_most_the_last_one(tmp_path):
    path = tmp_path / "state.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_RUN, str(path)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    acknowledged = -1
    try:
        for line in proc.stdout:
            acknowledged = int(line)
            if acknowledged >= 300:
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.kill()
        proc.wait(30)
    assert acknowledged >= 300
    with State(path) as state:
        read, starred = state.all_read(), state.all_starred()
    for n in range(acknowledged + 1):
        key = f"https://example.com/{n}"
        assert key in (read if n % 3 else starred), n
    # Beyond what was acknowledged, at most the action under way when killed.
    assert len(read) + len(starred) in (acknowledged + 1, acknowledged + 2)


def test_a_lock_released_while_waiting_is_retried_and_nothing_lost(tmp_path):
    path = tmp_path / "state.sqlite3"
    with State(path) as state:
        state.mark_read(["before"])
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO read VALUES ('from the other program', 0)")
    releaser = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    releaser.start()
    try:
        with State(path, timeout=30) as state:
            state.mark_read(["during"])  # waits for the other program, then saves
            assert state.all_read() == {"before", "from the other program", "during"}
    finally:
        releaser.join()
        holder.close()


def test_two_processes_marking_hundreds_each_lose_nothing(tmp_path):
    path = tmp_path / "state.sqlite3"
    State(path).close()
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_mark_many, args=(str(path), name)) for name in ("left", "right")]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    with State(path) as state:
        assert state.all_read() == {f"{name}-{n}" for name in ("left", "right") for n in range(300)}
        assert state.all_starred() == {f"{name}-{n}" for name in ("left", "right") for n in range(0, 300, 5)}


def _mark_many(path: str, name: str) -> None:
    with State(path) as state:
        for n in range(300):
            state.mark_read([f"{name}-{n}"])
            if n % 5 == 0:
                state.toggle_starred(f"{name}-{n}")


async def test_a_locked_state_file_in_the_app_says_so_and_keeps_earlier_marks(tmp_path, xdg_dirs, notices):
    lib = tmp_path / "lib"
    write(lib, "a.md", article("First", quality=2))
    write(lib, "b.md", article("Second", quality=1))
    state = State(timeout=0.2)  # the user's state file, giving up on a lock after 0.2 s
    app = make_app([lib], cache_dir=tmp_path / "cache", now=NOW, watch=False, config=Config(mark_read="never"), state=state)
    async with app.run_test(size=(120, 30)) as pilot:
        articles = app.screen.query_one(ArticleList)
        await wait_until(pilot, lambda: articles.count == 2)
        await press(pilot, "f")  # star the first
        assert app.state.is_starred("path:a.md")
        holder = sqlite3.connect(app.state.path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("j", "f")
            await wait_until(pilot, lambda: any(n.severity == "error" for n in notices))
            errors = [n.message for n in notices if n.severity == "error"]
            assert len(errors) == 1 and str(app.state.path) in errors[0] and "locked" in errors[0]
            assert articles.marks_of(articles.current_row.id).starred is False  # the star shown at once is taken back
        finally:
            holder.close()
        await press(pilot, "f")  # the lock gone, starring works again
        assert app.is_running
    with State(app.state.path) as state:
        assert state.all_starred() == {"path:a.md", "path:b.md"}


async def test_a_damaged_state_file_is_named_set_aside_and_the_app_runs(tmp_path, xdg_dirs, notices):
    lib = tmp_path / "lib"
    write(lib, "a.md", article("First"))
    path = xdg_dirs["XDG_DATA_HOME"] / "reader" / "state.sqlite3"
    path.parent.mkdir(parents=True)
    garbage = b"SQLite format 3\x00" + os.urandom(8000)
    path.write_bytes(garbage)
    app = make_app([lib], cache_dir=tmp_path / "cache", now=NOW, watch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        articles = app.screen.query_one(ArticleList)
        await wait_until(pilot, lambda: articles.count == 1)
        await press(pilot, "f")
        messages = [n.message for n in notices]
        assert any(str(path) in m and "moved it to" in m for m in messages), messages
    aside = [p for p in path.parent.iterdir() if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1 and aside[0].read_bytes() == garbage
    with State(path) as state:
        assert state.all_starred() == {"path:a.md"}


# -- the running app: signals, workers, a folder removed ----------------------------------


def _starred(path: Path) -> set[str]:
    if not path.exists():
        return set()
    db = sqlite3.connect(path)
    try:
        return {k for (k,) in db.execute("SELECT key FROM starred")}
    except sqlite3.Error:
        return set()
    finally:
        db.close()


@pytest.mark.skipif(sys.platform != "linux", reason="a pseudo-terminal and POSIX signals")
@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda n: signal.Signals(n).name)
def test_a_signal_ends_the_app_and_gives_the_terminal_back(tmp_path, xdg_dirs, number):
    lib = tmp_path / "lib"
    write(lib, "a.md", article("Signalled story", quality=5))
    env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(ROOT))
    state_path = xdg_dirs["XDG_DATA_HOME"] / "reader" / "state.sqlite3"
    terminal = helpers_faults.Terminal(lib, env)
    try:
        assert terminal.read_until(b"Signalled story"), terminal.output[-2000:]
        terminal.type(b"f")  # star it: a mark that must outlive the signal
        deadline = time.monotonic() + 30
        while "path:a.md" not in _starred(state_path) and time.monotonic() < deadline:
            terminal.read_until(b"\x00", 0.1)
        assert "path:a.md" in _starred(state_path)
        before = len(terminal.output)
        os.kill(terminal.pid, number)
        status = terminal.wait(30)
        assert status == 128 + number  # ended by us, not killed where it stood
        after = terminal.output[before:]
        assert b"\x1b[?1049l" in after and b"\x1b[?25h" in after  # alternate screen left, cursor shown
        assert b"Traceback" not in terminal.output
    finally:
        terminal.close()
    with State(state_path) as state:
        assert state.is_starred("path:a.md")


@pytest.mark.skipif(sys.platform != "linux", reason="a pseudo-terminal")
def test_the_terminal_closing_ends_the_app(tmp_path, xdg_dirs):
    lib = tmp_path / "lib"
    write(lib, "a.md", article("Hung up on"))
    env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(ROOT))
    terminal = helpers_faults.Terminal(lib, env)
    try:
        assert terminal.read_until(b"Hung up on")
        terminal.type(b"f")
        state_path = xdg_dirs["XDG_DATA_HOME"] / "reader" / "state.sqlite3"
        deadline = time.monotonic() + 30
        while "path:a.md" not in _starred(state_path) and time.monotonic() < deadline:
            terminal.read_until(b"\x00", 0.1)
        os.close(terminal.fd)  # the window closed: the kernel sends SIGHUP
        terminal.fd = -1
        assert terminal.wait(30, read=False) is not None, "reader kept running without a terminal"
    finally:
        terminal.close()
    with State(state_path) as state:
        assert state.is_starred("path:a.md")


async def test_a_worker_process_dying_during_the_apps_refresh(tmp_path, monkeypatch):
    monkeypatch.setattr(refresh_module, "PARALLEL_MIN", 10)
    monkeypatch.setattr(refresh_module, "CHUNK", 4)
    monkeypatch.setattr(refresh_module, "parse_rows", helpers_faults.dying_parse)
    lib = tmp_path / "lib"
    for n in range(40):
        write(lib, f"a{n:02}.md", article(f"Story {n:02}", quality=n))
    write(lib, f"{helpers_faults.POISON}.md", article("Poisoned chunk", quality=99))
    library = Library([lib], cache_dir=tmp_path / "cache", workers=2)
    app = make_app([lib], library=library, now=NOW, watch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        articles = app.screen.query_one(ArticleList)
        await wait_until(pilot, lambda: articles.count == 41, timeout=60)
        await pilot.press("j", "s")
        assert app.is_running and articles.current_row is not None


async def test_a_refresh_that_fails_is_reported_and_the_app_goes_on(tmp_path, monkeypatch, notices):
    lib = tmp_path / "lib"
    write(lib, "a.md", article("Still here", quality=1))
    app = make_app([lib], cache_dir=tmp_path / "cache", now=NOW, watch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        articles = app.screen.query_one(ArticleList)
        await wait_until(pilot, lambda: articles.count == 1)

        def broken(*args, **kwargs):
            raise OSError(errno.EIO, "Input/output error")

        monkeypatch.setattr(app.library, "refresh", broken)
        app.screen.post_message(FilesChanged())  # as the folder watch says
        await wait_until(pilot, lambda: any("could not be refreshed" in n.message for n in notices))
        await pilot.press("j", "s")
        assert app.is_running and articles.count == 1


async def test_the_library_folder_removed_and_brought_back(tmp_path, notices):
    lib = tmp_path / "news"
    write(lib, "a.md", article("Before", quality=1))
    app = make_app([lib], cache_dir=tmp_path / "cache", now=NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        articles = app.screen.query_one(ArticleList)
        await wait_until(pilot, lambda: articles.count == 1 and app.screen.watcher is not None and app.screen.watcher.mode != "off")
        subprocess.run(["rm", "-rf", str(lib)], check=True)
        await wait_until(pilot, lambda: articles.count == 0)
        await wait_until(pilot, lambda: any(str(lib) in n.message for n in notices))
        await pilot.press("j", "enter", "escape", "s")
        assert app.is_running
        write(lib, "b.md", article("After", quality=2))  # the folder comes back
        await wait_until(pilot, lambda: articles.count == 1)
        assert articles.current_row.title == "After"
        # The list may fill (from the refresh's progress) a moment before the notice.
        await wait_until(pilot, lambda: any("is back" in n.message for n in notices))


def test_a_parser_failure_on_the_one_changed_file_is_reported_not_raised(tmp_path, cache_dir, monkeypatch):
    lib = tmp_path / "lib"
    write(lib, "good.md", article("Good"))
    write(lib, "bad.md", article("Bad"))
    real = parse.parse_file

    def failing(path, *args, **kwargs):
        if path.endswith("bad.md"):
            raise RuntimeError("a parser bug")
        return real(path, *args, **kwargs)

    with Library([lib], cache_dir=cache_dir) as library:
        library.refresh()
        monkeypatch.setattr(parse, "parse_file", failing)
        time.sleep(0.01)
        write(lib, "bad.md", article("Bad, edited", body="more"))  # the only file to read again
        library.refresh()
        assert [r.title for r in library.search()] == ["Good"]
        assert any("bad.md" in p.path and "reader failed on it" in p.reason for p in library.problems())
