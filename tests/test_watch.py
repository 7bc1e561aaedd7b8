"""The folder watch: which changes call back, and that the watch survives
roots that come and go, callbacks that raise, and names watchfiles chokes on."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import article, write
from reader.watch import Watcher

NATIVE = sys.platform.startswith(("linux", "darwin", "win")) and not os.environ.get("WATCHFILES_FORCE_POLLING")


class Calls:
    """Counts ``on_change`` calls; ``after(n)`` waits for the n-th."""

    def __init__(self, fail: bool = False) -> None:
        self.count = 0
        self.fail = fail
        self._changed = threading.Condition()

    def __call__(self) -> None:
        with self._changed:
            self.count += 1
            self._changed.notify_all()
        if self.fail:
            raise RuntimeError("the app's refresh failed")

    def after(self, n: int, timeout: float = 5.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.count >= n, timeout)


class Seen:
    """Wraps ``Watcher.counts`` to learn when the watch has looked at a path."""

    def __init__(self, watcher: Watcher) -> None:
        self.paths: set[str] = set()
        self._looked = threading.Condition()
        self._counts = watcher.counts
        watcher.counts = self  # type: ignore[method-assign]

    def __call__(self, change: int, path: str) -> bool:
        with self._looked:
            self.paths.add(os.path.basename(path))
            self._looked.notify_all()
        return self._counts(change, path)

    def saw(self, name: str, timeout: float = 5.0) -> bool:
        with self._looked:
            return self._looked.wait_for(lambda: name in self.paths, timeout)


@pytest.fixture
def watching():
    """Start a watch (quick settings) and wait until it has armed; stopped after the test."""
    started: list[Watcher] = []

    def start(roots: list[Path], calls: Calls, **options) -> Watcher:
        options.setdefault("settle", 0.05)
        options.setdefault("poll_every", 0.2)
        watcher = Watcher(roots, calls, **options)
        Seen(watcher)
        started.append(watcher)
        watcher.start()
        deadline = time.monotonic() + 5
        while watcher.mode == "off" and time.monotonic() < deadline:
            time.sleep(0.01)
        return watcher

    yield start
    for watcher in started:
        watcher.stop()


def test_new_changed_and_deleted_articles_call_back(tmp_path: Path, watching) -> None:
    write(tmp_path, "a.md", article("First"))
    calls = Calls()
    watcher = watching([tmp_path], calls)
    if NATIVE:
        assert watcher.mode == "native"
    write(tmp_path, "b.MARKDOWN", article("Second"))
    assert calls.after(1), "a new article was not noticed"
    write(tmp_path, "a.md", article("First, corrected"))
    assert calls.after(2), "a changed article was not noticed"
    os.unlink(tmp_path / "a.md")
    assert calls.after(3), "a deleted article was not noticed"


def test_a_new_subfolder_is_watched_with_what_is_in_it(tmp_path: Path, watching) -> None:
    calls = Calls()
    watching([tmp_path], calls)
    write(tmp_path, "later/deeper/b.md", article("In a new folder"))
    assert calls.after(1)
    settled = calls.count
    write(tmp_path, "later/deeper/b.md", article("In a new folder, changed"))
    assert calls.after(settled + 1), "a change inside a new subfolder was not noticed"
    shutil.rmtree(tmp_path / "later")
    assert calls.after(settled + 2), "a removed subfolder was not noticed"


def test_hidden_names_and_other_files_do_not_call_back(tmp_path: Path, watching) -> None:
    calls = Calls()
    watcher = watching([tmp_path], calls)
    seen = watcher.counts
    write(tmp_path, ".draft.md", "x")
    write(tmp_path, ".git/objects/c.md", "x")
    write(tmp_path, "notes.txt", "x")
    assert seen.saw(".draft.md") and seen.saw("notes.txt")
    assert not calls.after(1, timeout=0.3)
    write(tmp_path, "real.md", article("Real"))
    assert calls.after(1)


def test_a_root_removed_and_made_again_is_watched_again(tmp_path: Path, watching) -> None:
    root = tmp_path / "news"
    write(root, "a.md", article("First"))
    calls = Calls()
    watching([root], calls)
    shutil.rmtree(root)
    assert calls.after(1), "the removed root was not noticed"
    root.mkdir()
    assert calls.after(2), "the root made again was not noticed"
    settled = calls.count
    write(root, "b.md", article("Back"))
    assert calls.after(settled + 1), "an article in the root made again was not noticed"


def test_a_root_missing_at_start_is_watched_once_it_exists(tmp_path: Path, watching) -> None:
    root = tmp_path / "news"
    calls = Calls()
    watcher = watching([root, tmp_path / "never"], calls)
    assert watcher.mode == "waiting"
    write(root, "a.md", article("First"))
    assert calls.after(1)
    settled = calls.count
    write(root, "b.md", article("Second"))
    assert calls.after(settled + 1)
    assert watcher.mode == ("native" if NATIVE else "polling")


def test_a_root_that_is_a_file_follows_that_file_only(tmp_path: Path, watching) -> None:
    root = write(tmp_path, "one.md", article("One"))
    calls = Calls()
    watcher = watching([root], calls)
    write(tmp_path, "other.md", article("Other"))
    assert not calls.after(1, timeout=0.3)
    write(tmp_path, "one.md", article("One, changed"))
    assert calls.after(1)
    # Saved by rename, as editors do: a new file under the same name.
    write(tmp_path, "one.md.tmp", article("One, saved"))
    os.replace(tmp_path / "one.md.tmp", root)
    assert calls.after(2), "a file saved by rename was not noticed"
    settled = calls.count
    write(tmp_path, "one.md", article("One, changed again"))
    assert calls.after(settled + 1), "the file was not watched again after its rename"
    assert watcher.mode != "failed"


def test_an_on_change_that_raises_does_not_end_the_watch(tmp_path: Path, watching) -> None:
    calls = Calls(fail=True)
    watcher = watching([tmp_path], calls)
    write(tmp_path, "a.md", article("First"))
    assert calls.after(1)
    write(tmp_path, "b.md", article("Second"))
    assert calls.after(2)
    assert watcher._thread is not None and watcher._thread.is_alive()


def test_stop_returns_promptly(tmp_path: Path) -> None:
    watcher = Watcher([tmp_path], Calls(), settle=0.3, poll_every=30.0)
    watcher.start()
    deadline = time.monotonic() + 5
    while watcher.mode == "off" and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    watcher.stop()
    assert time.monotonic() - started < 0.5
    assert watcher._thread is not None and not watcher._thread.is_alive()


def test_polling_when_asked(tmp_path: Path, watching) -> None:
    calls = Calls()
    watcher = watching([tmp_path], calls, force_polling=True, poll_every=0.1)
    assert watcher.mode == "polling"
    write(tmp_path, "a.md", article("First"))
    assert calls.after(1)
    # Modification times are whole seconds there: a second write within the
    # same second is caught by the call a second later.
    settled = calls.count
    write(tmp_path, "a.md", article("First, corrected at once"))
    assert calls.after(settled + 1)


def test_polling_when_the_native_watch_cannot_be_had(tmp_path: Path, watching, monkeypatch: pytest.MonkeyPatch) -> None:
    import watchfiles._rust_notify

    native = watchfiles._rust_notify.RustNotify

    def no_native(paths, debug, force_polling, *rest):
        if not force_polling:
            raise OSError(28, "inotify watch limit reached")
        return native(paths, debug, force_polling, *rest)

    monkeypatch.setattr(watchfiles._rust_notify, "RustNotify", no_native)
    calls = Calls()
    watcher = watching([tmp_path], calls, poll_every=0.1)
    assert watcher.mode == "polling"
    write(tmp_path, "a.md", article("First"))
    assert calls.after(1)


@pytest.mark.skipif(sys.platform != "linux", reason="file names that are not UTF-8 are a Linux thing")
def test_a_name_that_is_not_utf8_does_not_end_the_watch(tmp_path: Path, watching) -> None:
    calls = Calls()
    watcher = watching([tmp_path], calls)
    try:
        (tmp_path / os.fsdecode(b"\xff.md")).write_text(article("Odd name"))
    except OSError:
        pytest.skip("this file system refuses the name")
    assert calls.after(1)  # watchfiles raised; that counts as a change
    settled = calls.count
    write(tmp_path, "b.md", article("After"))
    assert calls.after(settled + 1), "the watch ended after a name it could not decode"
    assert watcher._thread is not None and watcher._thread.is_alive()
