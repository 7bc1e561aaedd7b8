"""Keeping the index up to date with the files while the app runs.

One refresh at a time, in a thread worker of the screen, which posts its
progress and its end (reader.messages). A change noticed while one runs
brings exactly one more after it, however many changes there were; a
rebuild asked for (the cache was found damaged) stops the one running
(it stops between batches) and follows it. The folder watch starts after
the first refresh and posts FilesChanged from its own thread.
"""

from __future__ import annotations

import gc
import os
from functools import partial

from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from reader.messages import FilesChanged
from reader.screens.loading import refresh_index
from reader.store import Library
from reader.text import clean

_FROZEN = False


def settle_memory() -> None:
    """What the app made while starting lives as long as it does: keep it out
    of the collector's full passes, which otherwise stall a frame by 35-70 ms
    while the user types. Once a process (a second app in the same process,
    as in the tests, would freeze the first one's garbage for good)."""
    global _FROZEN
    if not _FROZEN:
        _FROZEN = True
        gc.freeze()


class Refresher:
    """The refreshes of one screen's library, and its folder watch."""

    def __init__(self, screen: Screen, library: Library) -> None:
        self._screen = screen
        self._library = library
        self._worker: Worker | None = None  # the refresh running, if any
        self._running = False  # from its start until the screen has had its end (IndexRefreshed)
        self._again = False  # one more refresh once this one ends
        self._next_rebuild: str | None = None  # why the next refresh must drop the cache first
        self._this_rebuilds = False  # the refresh running dropped the cache first
        self.watcher = None  # reader.watch.Watcher, once started
        self._missing_roots: set[str] = set()  # library folders last found missing

    @property
    def running(self) -> bool:
        """A refresh has started and the screen has not had its end yet."""
        return self._running

    @property
    def rebuilding(self) -> bool:
        """The cache is being (or is about to be) dropped and built again."""
        return self._this_rebuilds or self._next_rebuild is not None

    def request(self, rebuild: str | None = None) -> None:
        """Refresh now, or once the refresh running has ended; with
        ``rebuild`` (why the cache is no good) the cache is dropped first,
        and a refresh running is stopped."""
        if rebuild is not None and not self.rebuilding:
            self._next_rebuild = rebuild
            if self._worker is not None:
                self._worker.cancel()  # it stops between batches; the rebuild follows it
        if self._running:
            self._again = True
            return
        self._start()

    def ended(self) -> None:
        """The screen has had the refresh's end: start the one asked for meanwhile."""
        if not _FROZEN:
            self._screen.call_after_refresh(settle_memory)
        self._running = False
        self._this_rebuilds = False
        self._worker = None
        if self._again or self._next_rebuild is not None:
            self._again = False
            self._start()

    def _start(self) -> None:
        rebuild, self._next_rebuild = self._next_rebuild, None
        self._this_rebuilds = rebuild is not None
        self._running = True
        self._worker = self._screen.run_worker(partial(self._run, rebuild), thread=True, group="refresh", name="refresh")

    def _run(self, rebuild: str | None) -> None:
        worker = get_current_worker()
        refresh_index(self._library, rebuild, self._screen.post_message, lambda: worker.is_cancelled)

    def roots_report(self) -> list[tuple[str, str, float]]:
        """What to tell the user about the library's folders since the last
        report: (message, severity, seconds shown) for each one gone missing,
        or back."""
        roots = {os.fspath(r) for r in self._library.roots}
        problems = {p.path: p.reason for p in self._library.walk_problems if p.path in roots}
        gone, back = sorted(problems.keys() - self._missing_roots), sorted(self._missing_roots - problems.keys())
        said = [(f"Library folder {clean(path)}: {clean(problems[path])}.", "warning", 10.0) for path in gone]
        said += [(f"The library folder {clean(path)} is back.", "information", 5.0) for path in back]
        self._missing_roots = set(problems)
        return said

    # the watch -------------------------------------------------------------------

    def watch(self, running: bool) -> None:
        """Refresh when the library's files change (from now on)."""
        if self.watcher is not None or not running:
            return
        from reader.watch import Watcher

        def changed() -> None:
            self._screen.post_message(FilesChanged())  # safe from the watch's thread

        self.watcher = Watcher(self._library.roots, changed)
        self.watcher.start()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
