"""Notice when a library's files change, so the running app can refresh.

Built on watchfiles, whose Rust core (the notify crate) uses each system's
own watch: inotify on Linux, FSEvents on macOS, kqueue on the BSDs,
ReadDirectoryChangesW on Windows; where none works (or the user sets
WATCHFILES_FORCE_POLLING) it polls, comparing modification times in Rust and
reporting only what changed. It replaces a ctypes inotify watch (Linux only)
whose fallback refreshed the whole library every 2 s for as long as the app
ran. The callback only says "something may have changed": the library's
refresh finds out what, comparing sizes and modification times.

What counts: an article file (``*.md``, ``*.markdown``, any case) created,
changed, removed or moved, and a folder created or removed. A name starting
with "." at any depth below a root does not. A deleted name that is not an
article counts too: it may have been a folder, and nothing is left to ask.
A root that is a file is watched by itself: only that file counts.

What watchfiles leaves to us, measured on 1.3.0: it raises if a path is
missing when the watch starts, and a native watch whose root is removed goes
silent for good, also once the root is back; it keeps raising after an
internal error (a file name that is not UTF-8, say). So the roots are looked
at (one stat each) whenever the watch returns, at least every ``poll_every``
seconds; a root that came, went or was replaced (a new inode: a folder made
again, a file saved by rename) starts a fresh watch and counts as a change,
and so does an error. A missing root is thus noticed within ``poll_every``.

RustNotify (the watch itself) is used rather than ``watchfiles.watch``: it
says which backend it got (``mode``), and a fresh watch is a new object.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:
    from watchfiles._rust_notify import RustNotify

SUFFIXES = (".md", ".markdown")
ADDED, DELETED = 1, 3  # watchfiles.Change; 2 is a change in place


def _identity(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _polling_asked() -> bool:
    """WATCHFILES_FORCE_POLLING, read as watchfiles documents it."""
    value = os.environ.get("WATCHFILES_FORCE_POLLING", "")
    return bool(value) and value.lower() not in ("false", "disable", "disabled")


class Watcher:
    """Calls ``on_change`` (from its own thread) a moment after files change.

    ``mode`` is "off" until the watch starts, then "native" (the system's own
    watch), "polling" (every ``poll_every`` seconds), "waiting" (no root
    exists yet: looked for every ``poll_every`` seconds) or "failed" (no
    watch could be had: tried again every ``poll_every`` seconds).
    """

    def __init__(
        self,
        roots: Iterable[Path],
        on_change: Callable[[], None],
        poll_every: float = 2.0,
        settle: float = 0.3,
        force_polling: bool | None = None,
    ) -> None:
        self.roots = [os.path.abspath(r) for r in roots]
        self.on_change = on_change
        self.poll_every = poll_every
        self.settle = settle
        self.force_polling = _polling_asked() if force_polling is None else force_polling
        self.mode = "off"
        self._spellings = list(self.roots)  # and their real paths, once the watch runs
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="reader-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching: within about 50 ms, or once a running ``on_change``
        returns (waited for 2 s at most: one that waits for the stopping
        thread would otherwise never end)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def counts(self, change: int, path: str) -> bool:
        """Whether one change watchfiles reported can change the library."""
        for root in self._spellings:
            if path == root:
                return True
            prefix = root if root.endswith(os.sep) else root + os.sep
            if not path.startswith(prefix):
                continue
            parts = path[len(prefix) :].split(os.sep)
            if any(part.startswith(".") for part in parts):
                continue
            if parts[-1].lower().endswith(SUFFIXES) or change == DELETED:
                return True
            if change == ADDED and os.path.isdir(path):
                return True
        return False

    def _run(self) -> None:
        changed = False
        while not self._stop.is_set():
            seen = {root: _identity(root) for root in self.roots}
            # FSEvents reports real paths (/private/tmp for /tmp): a root is known by either.
            self._spellings = sorted({*self.roots, *map(os.path.realpath, self.roots)})
            notify = self._arm([root for root, found in seen.items() if found])
            if changed:  # after the fresh watch is armed, so nothing falls between
                self._fire()
            try:
                changed = self._follow(notify, seen)
            except Exception:  # noqa: BLE001 - a watch that failed is made afresh
                changed = True
                self._stop.wait(self.poll_every)
            finally:
                if notify is not None:
                    notify.close()

    def _arm(self, paths: list[str]) -> RustNotify | None:
        if not paths:
            self.mode = "waiting"
            return None
        # Imported here, on the watch's own thread: watchfiles brings anyio
        # (about 30 ms), which the app's thread need not wait for.
        from watchfiles._rust_notify import RustNotify

        poll_ms = max(1, int(self.poll_every * 1000))
        for polling in (True,) if self.force_polling else (False, True):
            try:
                notify = RustNotify(paths, False, polling, poll_ms, True, True)
            except FileNotFoundError:
                return None  # a root went between the look and the watch: look again
            except Exception:  # noqa: BLE001 - no native watch here (too many folders, say): poll
                continue
            # watchfiles itself falls back to polling where the system has no inotify.
            self.mode = "polling" if polling or repr(notify).startswith("RustNotify(Poll") else "native"
            return notify
        self.mode = "failed"
        return None

    def _follow(self, notify: RustNotify | None, seen: dict[str, tuple[int, int] | None]) -> bool:
        """Pass changes on until the watch must be made afresh (True: a root
        came, went or was replaced; False: only try again) or stop is asked."""
        debounce = max(1, int(self.settle * 1000))
        step = min(50, debounce)  # quiet this long and a batch ends; also how soon stop() is seen
        timeout = max(1, int(self.poll_every * 1000))
        # Polling compares modification times in whole seconds (watchfiles
        # 1.3.0): a file written twice within one second shows only once. One
        # more call a second after the last (and after the start) catches it.
        again = time.monotonic() + 1.0 if self.mode == "polling" else None
        while not self._stop.is_set():
            if notify is None:
                self._stop.wait(self.poll_every)
                return any(_identity(root) != found for root, found in seen.items())
            wait = timeout if again is None else max(1, min(timeout, int((again - time.monotonic()) * 1000)))
            try:
                result = notify.watch(debounce, step, wait, self._stop)
            except RuntimeError:  # watchfiles' own error stays raised: watch afresh
                self._stop.wait(self.settle)
                return True
            if result == "stop":
                return False
            changes = result if isinstance(result, set) else set()
            if any(_identity(root) != found for root, found in seen.items()) or any(
                change != 2 and path in self._spellings for change, path in changes
            ):
                return True
            if any(self.counts(change, path) for change, path in changes):
                self._fire()
                again = time.monotonic() + 1.0 if self.mode == "polling" else None
            elif again is not None and time.monotonic() >= again:
                again = None
                self._fire()
        return False

    def _fire(self) -> None:
        try:
            self.on_change()
        except Exception:  # noqa: BLE001 - the app reports its own errors; the watch goes on
            pass
