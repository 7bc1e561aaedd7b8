"""Helpers for test_faults.py: a parser that fails inside worker processes,
and the real app run in a pseudo-terminal."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

from reader.store.records import parse_rows as real_parse

POISON = "poison"  # a chunk holding a file with this in its name fails in a worker


def dying_parse(batch, *options):
    """parse_rows, except that a worker process given the poisoned file dies."""
    if multiprocessing.parent_process() is not None and any(POISON in path for path, _, _ in batch):
        os.kill(os.getpid(), signal.SIGKILL)
    return real_parse(batch, *options)


def raising_parse(batch, *options):
    """parse_rows, except that a worker process given the poisoned file raises."""
    if multiprocessing.parent_process() is not None and any(POISON in path for path, _, _ in batch):
        raise RuntimeError("the parser broke")
    return real_parse(batch, *options)


ROOT = Path(__file__).resolve().parent.parent


class Terminal:
    """`python -m reader FOLDER` in a pseudo-terminal of 100x30."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become reader
            os.chdir(ROOT)
            os.execvpe(sys.executable, [sys.executable, "-m", "reader", str(folder)], env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.output = b""
        self.status: int | None = None

    def read_until(self, wanted: bytes, timeout: float = 60.0) -> bool:
        """Read the terminal until ``wanted`` has been written (or it closes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if wanted in self.output:
                return True
            if not self._read(0.1):
                return wanted in self.output
        return wanted in self.output

    def _read(self, wait: float) -> bool:
        poller = select.poll()  # not select(): it fails on a descriptor numbered 1024 or more
        poller.register(self.fd, select.POLLIN)
        if poller.poll(wait * 1000):
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return False
            if not chunk:
                return False
            self.output += chunk
        return True

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def wait(self, timeout: float = 30.0, read: bool = True) -> int | None:
        """The exit status (as subprocess gives it: -N when killed by signal N)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if read:
                read = self._read(0.05)
            else:
                time.sleep(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                if read:
                    while self._read(0.05):
                        pass
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
        return None

    def close(self) -> None:
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        try:
            os.close(self.fd)
        except OSError:
            pass
