"""Notice when a library's files change, so the running app can refresh.

On Linux the folders are watched with inotify (through ctypes: no extra
dependency); elsewhere, or when inotify cannot be had (no more watches,
a file system that does not report), the folders are polled. Either way the
callback only says "something may have changed": the index's refresh finds
out what, comparing sizes and modification times.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import select
import struct
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

IN_MODIFY = 0x002
IN_ATTRIB = 0x004
IN_CLOSE_WRITE = 0x008
IN_MOVED_FROM = 0x040
IN_MOVED_TO = 0x080
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_ISDIR = 0x40000000
IN_Q_OVERFLOW = 0x4000
IN_IGNORED = 0x8000  # the watch is gone (its folder removed)
IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000
MASK = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF
EVENT = struct.Struct("iIII")
SUFFIXES = (".md", ".markdown")


class _Inotify:
    def __init__(self) -> None:
        name = ctypes.util.find_library("c")
        libc = ctypes.CDLL(name, use_errno=True)
        self._add = libc.inotify_add_watch
        self._add.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        self.fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self.paths: dict[int, str] = {}
        # poll(), not select(): select() cannot wait on a descriptor numbered
        # 1024 or more, which a process with many files open gets.
        self._poller = select.poll()
        self._poller.register(self.fd, select.POLLIN)

    def add(self, folder: str) -> None:
        wd = self._add(self.fd, os.fsencode(folder), MASK)
        if wd < 0:
            code = ctypes.get_errno()
            if code in (errno.ENOENT, errno.EACCES, errno.ENOTDIR):
                return  # gone or unreadable: the refresh reports it
            raise OSError(code, os.strerror(code))
        self.paths[wd] = folder

    def read(self, timeout: float) -> list[tuple[str, int, str]]:
        if not self._poller.poll(timeout * 1000):
            return []
        try:
            data = os.read(self.fd, 65536)
        except BlockingIOError:
            return []
        events = []
        offset = 0
        while offset + EVENT.size <= len(data):
            wd, mask, _, length = EVENT.unpack_from(data, offset)
            raw = data[offset + EVENT.size : offset + EVENT.size + length].split(b"\0", 1)[0]
            offset += EVENT.size + length
            events.append((self.paths.get(wd, ""), mask, os.fsdecode(raw)))
            if mask & IN_IGNORED:
                self.paths.pop(wd, None)
        return events

    def close(self) -> None:
        os.close(self.fd)


def _folders(roots: Iterable[Path], nested: bool = True) -> list[str]:
    """The folders to watch: the roots' (a root that is a file: its folder),
    and with ``nested`` every folder under them."""
    out = []
    seen: set[tuple[int, int]] = set()
    stack = []
    for root in roots:
        path = os.fspath(root)
        stack.append(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    if not nested:
        return stack
    while stack:
        folder = stack.pop()
        try:
            info = os.stat(folder)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen:
            continue
        seen.add((info.st_dev, info.st_ino))
        out.append(folder)
        try:
            with os.scandir(folder) as entries:
                stack.extend(e.path for e in entries if not e.name.startswith(".") and e.is_dir())
        except OSError:
            continue
    return out


class Watcher:
    """Calls ``on_change`` (from its own thread) a moment after files change."""

    def __init__(self, roots: Iterable[Path], on_change: Callable[[], None], poll_every: float = 2.0, settle: float = 0.3) -> None:
        self.roots = [Path(r) for r in roots]
        self.on_change = on_change
        self.poll_every = poll_every
        self.settle = settle
        self.mode = "off"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="reader-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _run(self) -> None:
        notify = None
        try:
            notify = _Inotify()
            for folder in _folders(self.roots):
                notify.add(folder)
            self.mode = "inotify"
            self._watch(notify)
            return
        except Exception:  # noqa: BLE001 - no inotify here, too many watches, or the watch failed: poll
            pass
        finally:
            if notify is not None:
                notify.close()
        self.mode = "polling"
        self._poll()

    def _watch(self, notify: _Inotify) -> None:
        pending_since: float | None = None
        tops = _folders(self.roots, nested=False)
        checked = time.monotonic()
        while not self._stop.is_set():
            if time.monotonic() - checked >= self.poll_every:
                # A root folder removed (rm -rf) takes its watch with it, and
                # nothing watched sees it come back: look for it now and then.
                checked = time.monotonic()
                watched = set(notify.paths.values())
                for top in tops:
                    if top not in watched and os.path.isdir(top):
                        for sub in _folders([Path(top)]):
                            try:
                                notify.add(sub)
                            except OSError:
                                pass
                        if top in notify.paths.values():  # back, and watched again
                            pending_since = pending_since or time.monotonic()
            events = notify.read(0.2)  # an error here ends the watch: _run polls instead
            for folder, mask, name in events:
                if mask & IN_Q_OVERFLOW:
                    pending_since = pending_since or time.monotonic()
                    continue
                if name.startswith("."):
                    continue
                if mask & IN_ISDIR:
                    if mask & (IN_CREATE | IN_MOVED_TO):
                        for sub in _folders([Path(folder, name)]):
                            try:
                                notify.add(sub)
                            except OSError:
                                pass
                    pending_since = pending_since or time.monotonic()
                elif not name or name.lower().endswith(SUFFIXES) or mask & (IN_DELETE_SELF | IN_MOVE_SELF):
                    pending_since = pending_since or time.monotonic()
            if pending_since is not None and time.monotonic() - pending_since >= self.settle:
                pending_since = None
                self._fire()

    def _poll(self) -> None:
        while not self._stop.wait(self.poll_every):
            self._fire()

    def _fire(self) -> None:
        try:
            self.on_change()
        except Exception:  # noqa: BLE001 - the app reports its own errors; the watch goes on
            pass
