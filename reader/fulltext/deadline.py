"""One deadline for a whole fetch, and Esc, kept even inside a blocked read.

A per-read timeout never fires against a server that sends a byte every
second; checking the clock between chunks misses a read that blocks. So a
thread per fetch waits for the deadline (looking at ``cancelled()`` every
0.1 s meanwhile) and then shuts the fetch's sockets down: the blocked read
returns at once, and ``reason`` tells the fetch why.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Callable

POLL = 0.1  # seconds between two looks at cancelled() while a read blocks


class Watch:
    """Ends a fetch at its deadline, or once ``cancelled()`` says so, even in
    the middle of a read that would block: a thread shuts the fetch's sockets
    down (the read then returns), and ``reason`` says why.

    The sockets come from httpcore's trace events as connections open, and
    from each response. (A host name still being looked up cannot be
    interrupted; the fetch ends as soon as the lookup does.)
    """

    def __init__(self, deadline: float, cancelled: Callable[[], bool] | None) -> None:
        self.deadline = deadline
        self.cancelled = cancelled
        self.reason: str | None = None  # "timeout" or "cancelled", once the fetch must end
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reader-fetch-watch", daemon=True)
        self._thread.start()

    def look(self) -> None:
        """Check the clock and ``cancelled()`` now (between two chunks)."""
        if time.monotonic() >= self.deadline:
            self._stop("timeout")
        elif self.cancelled is not None and self.cancelled():
            self._stop("cancelled")

    def trace(self, name: str, info: dict[str, Any]) -> None:
        if name.endswith((".connect_tcp.complete", ".start_tls.complete")):
            self.add(info.get("return_value"))

    def add(self, stream: Any) -> None:
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sockets.append(sock)
            stopped = self.reason is not None and not self._done.is_set()
        if stopped:
            shut(sock)

    def finish(self) -> None:
        with self._lock:
            self._done.set()
            self._sockets.clear()

    def _run(self) -> None:
        while True:
            left = self.deadline - time.monotonic()
            if left <= 0:
                self._stop("timeout")
                return
            if self._done.wait(min(left, POLL) if self.cancelled is not None else left):
                return
            try:
                if self.cancelled is not None and self.cancelled():
                    self._stop("cancelled")
                    return
            except Exception:  # the caller's check failed: the fetch's own check will say so
                return

    def _stop(self, reason: str) -> None:
        with self._lock:
            if self._done.is_set() or self.reason is not None:
                return
            self.reason = reason
            sockets = list(self._sockets)
        for sock in sockets:
            shut(sock)


def shut(sock: socket.socket) -> None:
    """Wake whatever blocks on ``sock``: its reads return at once. (The plain
    socket's shutdown, also for TLS: SSLSocket.shutdown would unwrap it
    under the reading thread.)"""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except (OSError, ValueError):
        pass
