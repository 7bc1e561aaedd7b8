"""reader.state: the user's marks, saved searches and history, which must outlive
the cache, moved files, concurrent processes, kills and damaged files."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT, article, write
from reader.store import Library
from reader.sqlite import sqlite3
from reader.state import HISTORY_LIMIT, State, StateError, identity

DAMAGED = re.compile(r"^state\.sqlite3\.damaged-\d{8}-\d{6}(-\d+)?$")


@pytest.fixture
def state_path(xdg_dirs: dict[str, Path]) -> Path:
    return xdg_dirs["XDG_DATA_HOME"] / "reader" / "state.sqlite3"


def child(script: str) -> subprocess.Popen[str]:
    """A python process running ``script`` with reader importable and our XDG dirs."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def set_aside_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if DAMAGED.match(p.name))


# -- where it lives, and that it lasts ----------------------------------------------


def test_state_lives_in_the_data_dir_and_marks_survive_a_new_state(state_path, xdg_dirs):
    with State() as state:
        state.mark_read(["https://example.com/a", "path:b.md"])
        assert state.toggle_starred("https://example.com/a") is True
    assert state_path.is_file()
    assert not any(p.name.startswith("state") for p in xdg_dirs["XDG_CACHE_HOME"].rglob("*"))

    with State() as again:
        assert again.is_read("https://example.com/a")
        assert again.is_read("path:b.md")
        assert not again.is_read("path:c.md")
        assert again.is_starred("https://example.com/a")
        assert not again.is_starred("path:b.md")


def test_deleting_the_cache_and_reindexing_loses_no_marks(tmp_path, cache_dir):
    lib_dir = tmp_path / "lib"
    write(lib_dir, "one.md", article("One", webUrl="https://example.com/one"))
    write(lib_dir, "two.md", article("Two"))
    write(lib_dir, "three.md", article("Three"))

    def keys_by_title() -> dict[str, str]:
        with Library([lib_dir]) as library:
            library.refresh()
            return {r.title: identity(r.url, r.path, library.roots) for r in library.search()}

    keys = keys_by_title()
    assert cache_dir.is_dir()  # the index really was in the cache we are about to delete
    with State() as state:
        state.mark_read([keys["One"], keys["Two"]])
        state.set_starred(keys["Two"], True)

    shutil.rmtree(cache_dir)
    keys = keys_by_title()
    with State() as state:
        read = state.read_keys(keys.values())
        starred = state.starred_keys(keys.values())
    assert {t for t, k in keys.items() if k in read} == {"One", "Two"}
    assert {t for t, k in keys.items() if k in starred} == {"Two"}


# -- identity ----------------------------------------------------------------------


def test_identity_by_url_survives_moving_and_renaming_the_file(tmp_path):
    lib_dir = tmp_path / "lib"
    old = write(lib_dir, "2024/story.md", article("Story", originalUrl="https://example.com/story"))
    with Library([lib_dir], cache_dir=tmp_path / "cache") as library:
        library.refresh()
        (row,) = library.search()
        key = identity(row.url, row.path, library.roots)
    with State() as state:
        state.mark_read([key])
        state.set_starred(key, True)

    new_dir = tmp_path / "elsewhere"
    new_dir.mkdir()
    os.replace(old, new_dir / "renamed.md")
    with Library([new_dir], cache_dir=tmp_path / "cache") as library:
        library.refresh()
        (row,) = library.search()
        moved_key = identity(row.url, row.path, library.roots)
    assert moved_key == "https://example.com/story"
    with State() as state:
        assert state.is_read(moved_key)
        assert state.is_starred(moved_key)


def test_web_url_is_preferred_to_original_url(tmp_path):
    lib_dir = tmp_path / "lib"
    write(lib_dir, "a.md", article("A", webUrl="https://web.example/a", originalUrl="https://orig.example/a"))
    with Library([lib_dir], cache_dir=tmp_path / "cache") as library:
        library.refresh()
        (row,) = library.search()
        assert identity(row.url, row.path, library.roots) == "https://web.example/a"


def test_identity_without_url_is_the_path_under_the_root_so_moving_the_library_keeps_marks(tmp_path):
    old_root = tmp_path / "news"
    write(old_root, "tech/no-link.md", article("No link"))
    with Library([old_root], cache_dir=tmp_path / "cache") as library:
        library.refresh()
        (row,) = library.search()
        key = identity(row.url, row.path, library.roots)
    assert key == "path:tech/no-link.md"
    with State() as state:
        state.mark_read([key])

    new_root = tmp_path / "archive" / "news-moved"
    new_root.parent.mkdir()
    os.replace(old_root, new_root)
    with Library([new_root], cache_dir=tmp_path / "cache") as library:
        library.refresh()
        (row,) = library.search()
        with State() as state:
            assert state.is_read(identity(row.url, row.path, library.roots))


def test_identity_edge_cases(tmp_path):
    root = tmp_path / "news"
    assert identity("", str(root / "a.md"), [root]) == "path:a.md"  # an empty URL is no URL
    assert identity("  https://x.example/1 ", str(root / "a.md"), [root]) == "https://x.example/1"
    # nested roots: counted from the outermost, so adding a subfolder root changes nothing
    assert identity(None, str(root / "tech" / "a.md"), [root / "tech", root]) == "path:tech/a.md"
    # a root that is the file itself
    assert identity(None, str(root / "a.md"), [root / "a.md"]) == "path:a.md"
    # a sibling folder whose name starts like the root is not under it
    assert identity(None, str(tmp_path / "news2" / "a.md"), [root]) == "path:" + str(tmp_path / "news2" / "a.md")


# -- marks --------------------------------------------------------------------------


def test_toggles_and_bulk_marks(state_path):
    with State(state_path) as state:
        assert state.toggle_read("k1") is True
        assert state.is_read("k1")
        assert state.toggle_read("k1") is False
        assert not state.is_read("k1")

        state.set_starred("k2", True)
        state.set_starred("k2", True)  # setting twice is still one star
        assert state.all_starred() == {"k2"}
        assert state.toggle_starred("k2") is False
        assert state.all_starred() == set()

        keys = [f"https://example.com/{i}" for i in range(1_234)]  # more than one IN (...) chunk
        assert state.mark_read(keys[::2]) == 617
        assert state.mark_read(keys[::2]) == 0  # already read: nothing changes
        assert state.read_keys(keys) == set(keys[::2])
        assert state.read_keys([]) == set()
        assert state.mark_read(keys[:10], read=False) == 5
        assert state.all_read() == set(keys[10::2])
        state.mark_read("single-key")  # a lone string is one key, not its letters
        assert state.is_read("single-key") and not state.is_read("s")


def test_one_state_shared_by_threads_loses_nothing(state_path):
    with State(state_path) as state:

        def work(n: int) -> None:
            for i in range(100):
                state.mark_read([f"t{n}-{i}"])
                state.read_keys([f"t{n}-{j}" for j in range(i)])

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(state.all_read()) == 400


# -- several processes, and kills ------------------------------------------------------

MARKER = """
import sys
from reader.state import State
name = sys.argv[1] if len(sys.argv) > 1 else {name!r}
state = State({path!r})
print("ready", flush=True)
sys.stdin.readline()
for i in range(200):
    assert state.toggle_read(f"{{name}}-{{i}}") is True
    if i % 2:
        state.set_starred(f"{{name}}-{{i}}", True)
state.add_history(f"query from {{name}}")
state.close()
print("done", flush=True)
"""


def test_two_processes_marking_at_once_lose_no_marks(state_path):
    state_path.parent.mkdir(parents=True)
    procs = [child(MARKER.format(name=name, path=str(state_path))) for name in ("left", "right")]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    for proc in procs:  # both start together, so their transactions interleave
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.strip() == "done"

    with State(state_path) as state:
        expected = {f"{name}-{i}" for name in ("left", "right") for i in range(200)}
        assert state.all_read() == expected
        assert state.all_starred() == {f"{name}-{i}" for name in ("left", "right") for i in range(1, 200, 2)}
        assert sorted(state.history()) == ["query from left", "query from right"]


def test_a_mark_survives_the_process_being_killed_right_after(state_path):
    script = f"""
import time
from reader.state import State
state = State({str(state_path)!r})
state.mark_read(["https://example.com/earlier"])
state.toggle_starred("https://example.com/last")
print("marked", flush=True)
time.sleep(60)
"""
    proc = child(script)
    try:
        assert proc.stdout.readline().strip() == "marked", proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with State(state_path) as state:
        assert state.is_read("https://example.com/earlier")
        assert state.is_starred("https://example.com/last")


def test_a_locked_file_raises_a_clear_error_instead_of_hanging(state_path):
    with State(state_path) as state:
        state.mark_read(["before"])
    holder = sqlite3.connect(state_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program holding the write lock
    try:
        with State(state_path, timeout=0.2) as state:
            assert state.is_read("before")  # reading still works under WAL
            with pytest.raises(StateError) as caught:
                state.mark_read(["during"])
            message = str(caught.value)
            assert str(state_path) in message and "locked" in message and "\n" not in message
            holder.execute("COMMIT")
            state.mark_read(["after"])  # once the lock is gone, marking works again
            assert state.all_read() == {"before", "after"}
    finally:
        holder.close()


# -- damaged files -------------------------------------------------------------------


def check_set_aside(state_path: Path, notices: list[str], original: bytes) -> None:
    (aside,) = set_aside_files(state_path.parent)
    assert aside.read_bytes() == original  # the old file kept, under its new name
    assert len(notices) == 1
    assert str(state_path) in notices[0] and str(aside) in notices[0]


def test_a_file_of_garbage_is_set_aside_and_a_fresh_one_started(state_path):
    state_path.parent.mkdir(parents=True)
    garbage = b"this is not a database\x00\xff" * 200
    state_path.write_bytes(garbage)
    notices: list[str] = []
    with State(state_path, notice=notices.append) as state:
        check_set_aside(state_path, notices, garbage)
        state.mark_read(["https://example.com/new"])
    notices.clear()
    with State(state_path, notice=notices.append) as state:
        assert state.all_read() == {"https://example.com/new"}
    assert notices == []  # the fresh file is sound: nothing more set aside
    assert len(set_aside_files(state_path.parent)) == 1


def test_a_truncated_file_is_set_aside_and_marking_works_again(state_path):
    with State(state_path) as state:
        state.mark_read([f"https://example.com/news/article-{i}" for i in range(3000)])
    whole = state_path.read_bytes()
    assert not Path(f"{state_path}-wal").exists() or Path(f"{state_path}-wal").stat().st_size == 0
    truncated = whole[: len(whole) // 2]
    state_path.write_bytes(truncated)

    notices: list[str] = []
    with State(state_path, notice=notices.append) as state:
        check_set_aside(state_path, notices, truncated)
        assert state.all_read() == set()
        assert state.toggle_read("https://example.com/again") is True
    with State(state_path) as state:
        assert state.is_read("https://example.com/again")


def test_damage_deep_in_the_file_is_found_at_start_not_half_way_through(state_path):
    with State(state_path) as state:
        state.mark_read([f"https://example.com/news/article-{i}" for i in range(3000)])
    damaged = bytearray(state_path.read_bytes())
    damaged[-3 * 4096 :] = b"\xa5" * (3 * 4096)  # the last pages; the header stays sound
    state_path.write_bytes(bytes(damaged))

    notices: list[str] = []
    with State(state_path, notice=notices.append) as state:
        assert len(notices) == 1  # told at once, before any mark was shown from the bad file
        check_set_aside(state_path, notices, bytes(damaged))
        assert not state.is_read("https://example.com/news/article-5")
        state.mark_read(["https://example.com/fresh"])
        assert state.all_read() == {"https://example.com/fresh"}
        assert len(notices) == 1


def test_a_state_file_from_a_newer_reader_is_set_aside_not_overwritten(state_path):
    with State(state_path) as state:
        state.mark_read(["kept"])
    db = sqlite3.connect(state_path)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()

    notices: list[str] = []
    with State(state_path, notice=notices.append) as state:
        assert state.all_read() == set()
        assert "newer version" in notices[0]
    (aside,) = set_aside_files(state_path.parent)
    old = sqlite3.connect(aside)
    assert old.execute("SELECT key FROM read").fetchall() == [("kept",)]
    assert old.execute("PRAGMA user_version").fetchone() == (99,)
    old.close()


def test_someone_elses_sqlite_file_is_set_aside(state_path):
    state_path.parent.mkdir(parents=True)
    db = sqlite3.connect(state_path)
    db.execute("CREATE TABLE read(something_else INTEGER)")
    db.commit()
    db.close()
    notices: list[str] = []
    with State(state_path, notice=notices.append) as state:
        state.mark_read(["k"])
        assert state.is_read("k")
    assert "not a reader state file" in notices[0]
    assert len(set_aside_files(state_path.parent)) == 1


# -- saved searches and history ---------------------------------------------------------


def test_saved_searches(state_path):
    with State(state_path) as state:
        assert state.searches() == []
        state.save_search("chips", "chips quality:>=60")
        state.save_search("Apple", "provider:apple")
        state.save_search("ai", "ai sort:date")
        state.save_search("chips", "chips -provider:extremetech")  # same name replaces
        with pytest.raises(StateError):
            state.save_search("   ", "anything")
    with State(state_path) as state:
        assert state.searches() == [
            ("ai", "ai sort:date"),
            ("Apple", "provider:apple"),
            ("chips", "chips -provider:extremetech"),
        ]
        assert state.delete_search("Apple") is True
        assert state.delete_search("Apple") is False
        assert [name for name, _ in state.searches()] == ["ai", "chips"]


def test_history_moves_repeats_to_the_end_and_keeps_the_last_200(state_path):
    with State(state_path) as state:
        for text in ["ai", "chips", "  ", "topic:robots", "ai", " chips "]:
            state.add_history(text)
        assert state.history() == ["topic:robots", "ai", "chips"]

        for i in range(HISTORY_LIMIT + 50):
            state.add_history(f"q{i}")
    with State(state_path) as state:
        history = state.history()
    assert HISTORY_LIMIT == 200
    assert len(history) == 200
    assert history[0] == "q50" and history[-1] == f"q{HISTORY_LIMIT + 49}"


# -- export and import ---------------------------------------------------------------


def fill(state: State) -> None:
    state.mark_read(["https://example.com/a", "path:tech/b.md", 'path:odd "name" ü.md'])
    state.set_starred("https://example.com/a", True)
    state.set_starred("path:starred-only.md", True)
    state.save_search("chips", "chips quality:>=60")
    state.save_search("Ünïcode", 'topic:"AI Hardware"')
    for text in ["first", "second", "third"]:
        state.add_history(text)


def test_export_then_import_into_a_fresh_state_round_trips(tmp_path, state_path):
    out = tmp_path / "export" / "state.json"
    out.parent.mkdir()
    with State(state_path) as state:
        fill(state)
        state.export(out)
        original = (state.all_read(), state.all_starred(), state.searches(), state.history())
    assert [p.name for p in out.parent.iterdir()] == ["state.json"]  # no temp file left
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert set(data) == {"version", "read", "starred", "searches", "history"}
    assert {"name": "chips", "query": "chips quality:>=60"} in data["searches"]

    with State(tmp_path / "other" / "state.sqlite3") as fresh:
        counts = fresh.import_(out)
        assert (fresh.all_read(), fresh.all_starred(), fresh.searches(), fresh.history()) == original
        assert (counts.read, counts.starred, counts.searches, counts.history) == (3, 2, 2, 3)
        again = fresh.import_(out)  # importing twice changes nothing
        assert (again.read, again.starred, again.searches, again.history) == (0, 0, 0, 0)
        assert (fresh.all_read(), fresh.all_starred(), fresh.searches(), fresh.history()) == original


def test_import_merges_with_what_is_there(tmp_path, state_path):
    out = tmp_path / "state.json"
    with State(state_path) as state:
        fill(state)
        state.export(out)
    with State(tmp_path / "mine.sqlite3") as mine:
        mine.mark_read(["mine-only"])
        mine.save_search("chips", "my own chips query")
        mine.save_search("local", "kept")
        mine.add_history("second")
        mine.add_history("local query")
        mine.import_(out)
        assert mine.all_read() == {"mine-only", "https://example.com/a", "path:tech/b.md", 'path:odd "name" ü.md'}
        assert dict(mine.searches()) == {
            "chips": "chips quality:>=60",
            "local": "kept",
            "Ünïcode": 'topic:"AI Hardware"',
        }
        assert mine.history() == ["local query", "first", "second", "third"]


def test_export_replaces_an_existing_file_whole(tmp_path, state_path):
    out = tmp_path / "state.json"
    out.write_text("x" * 100_000)
    with State(state_path) as state:
        state.mark_read(["only"])
        state.export(out)
    assert json.loads(out.read_text())["read"] == ["only"]


@pytest.mark.parametrize(
    "content, expected",
    [
        ('{"version": 1,\n "read": ["a"],\n "starred": [,]\n}', ":3:"),  # the JSON line is named
        ('["read", "starred"]', "JSON object"),
        ('{"version": 1, "read": "https://example.com/a"}', "'read'"),
        ('{"version": 1, "starred": ["ok", 3]}', "'starred' item 2"),
        ('{"version": 1, "searches": [{"name": "x"}]}', "'searches' item 1"),
        ('{"version": 1, "history": {"a": 1}}', "'history'"),
        ('{"read": []}', "'version'"),
        ('{"version": 7, "read": []}', "newer version"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
    ],
)
def test_importing_a_malformed_file_names_it_and_changes_nothing(tmp_path, state_path, content, expected):
    bad = tmp_path / "bad export.json"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content, encoding="utf-8")
    with State(state_path) as state:
        state.mark_read(["existing"])
        with pytest.raises(StateError) as caught:
            state.import_(bad)
        message = str(caught.value)
        assert str(bad) in message and expected in message
        assert "\n" not in message
        assert state.all_read() == {"existing"}
        assert state.all_starred() == set() and state.searches() == [] and state.history() == []


def test_importing_a_missing_file_names_it(tmp_path, state_path):
    with State(state_path) as state, pytest.raises(StateError, match=re.escape(str(tmp_path / "nope.json"))):
        state.import_(tmp_path / "nope.json")


def test_a_closed_state_refuses_work_clearly(state_path):
    state = State(state_path)
    state.close()
    state.close()  # closing twice is fine
    with pytest.raises(StateError, match="closed"):
        state.mark_read(["k"])


def test_state_does_not_load_textual():
    code = "import sys, reader.state\nprint(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_reading_marks_does_not_wait_for_a_write_being_made_durable(state_path):
    """The list draws its marks while a worker writes (mark all read: a
    transaction and an fsync); the reads must not queue behind it."""
    import time

    with State(state_path) as state:
        state.mark_read(["kept"])
        writing = threading.Event()
        release = threading.Event()

        def slow_write(db):  # a write that takes its time inside its transaction
            db.execute("INSERT OR IGNORE INTO read(key, at) VALUES ('new', 0)")
            writing.set()
            release.wait(10)

        writer = threading.Thread(target=state._write, args=("mark", slow_write))
        writer.start()
        try:
            assert writing.wait(10)
            started = time.monotonic()
            assert state.read_keys(["kept", "new"]) == {"kept"}  # the last commit, not the one in flight
            assert time.monotonic() - started < 1.0
        finally:
            release.set()
            writer.join(10)
        assert state.read_keys(["kept", "new"]) == {"kept", "new"}
