"""Many pages fetched at once, politely: `reader fetch` before a flight.

At most ``jobs`` pages at a time in all (one worker thread each) and at
most ``per_host`` at a time per host: a worker takes the first waiting URL
whose host has a free slot, so a long run of one site's links never keeps
the workers from the other sites. A host that answers 429 or 503 with a
Retry-After (fetch's RetryLater) gets no request until that time has
passed, while the other hosts carry on; the URL is then tried once more.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from typing import Callable, TypeVar

from reader.fulltext.fetch import RetryLater, host_of

__all__ = ["RetryLater", "fetch_many"]

T = TypeVar("T")

POLL = 0.1  # seconds between two looks at cancelled() (and at Ctrl-C) while waiting


def fetch_many(
    urls: list[str],
    work: Callable[[str], T],
    *,
    jobs: int = 8,
    per_host: int = 2,
    on_done: Callable[[str, T | BaseException], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> dict[str, T | BaseException]:
    """``work(url)`` for each URL (once each, duplicates dropped), in threads;
    what each returned, or the exception it raised, keyed by URL in the
    order given.

    ``on_done(url, result)`` is called from the worker thread as each URL
    ends (after its retry, if it had one). Once ``cancelled()`` returns
    True no URL is started; the ones running finish (pass the same
    ``cancelled`` to fetch() so that they end at once), and the URLs never
    started are left out of the result. An exception raised by ``on_done``
    stops the run too, and is raised here.
    """
    order = list(dict.fromkeys(urls))
    if not order:
        return {}
    plan = _Plan(order, max(1, per_host))
    workers = [
        threading.Thread(target=plan.worker, args=(work, on_done), name=f"reader-fetch-{n}", daemon=True)
        for n in range(min(max(1, jobs), len(order)))
    ]
    for thread in workers:
        thread.start()
    try:
        while not plan.wait(POLL):
            if cancelled is not None and cancelled():
                plan.stop()
    except BaseException:  # Ctrl-C: no new URL starts; the daemon workers end with the process
        plan.stop()
        raise
    for thread in workers:
        thread.join()
    if plan.failure is not None:
        raise plan.failure
    return {url: plan.results[url] for url in order if url in plan.results}


class _Plan:
    """The waiting URLs, one queue per host, and who may start what when."""

    def __init__(self, urls: list[str], per_host: int) -> None:
        self.per_host = per_host
        self.waiting: dict[str, deque[tuple[str, bool]]] = {}  # host -> (url, a retry?), hosts in first-seen order
        for url in urls:
            self.waiting.setdefault(host_of(url), deque()).append((url, False))
        self.left = len(urls)  # URLs without a result yet
        self.running: Counter[str] = Counter()
        self.not_before: dict[str, float] = {}  # host -> monotonic time its Retry-After ends
        self.results: dict[str, object] = {}
        self.stopped = False
        self.failure: BaseException | None = None  # what on_done raised
        self.lock = threading.Condition()

    def worker(self, work: Callable[[str], T], on_done: Callable[[str, T | BaseException], None] | None) -> None:
        while True:
            picked = self._next()
            if picked is None:
                return
            host, url, retried = picked
            try:
                result: T | BaseException = work(url)
            except BaseException as exc:  # a result like any other: the run goes on
                result = exc
            with self.lock:
                self.running[host] -= 1
                final = retried or not isinstance(result, RetryLater)
                if final:
                    self.results[url] = result
                    self.left -= 1
                else:
                    wait = result.seconds  # type: ignore[union-attr]
                    self.not_before[host] = max(self.not_before.get(host, 0.0), time.monotonic() + wait)
                    self.waiting.setdefault(host, deque()).appendleft((url, True))
                self.lock.notify_all()
            if final and on_done is not None:
                try:
                    on_done(url, result)
                except BaseException as exc:
                    with self.lock:
                        self.failure = self.failure or exc
                        self.stopped = True
                        self.lock.notify_all()

    def _next(self) -> tuple[str, str, bool] | None:
        """The next URL a worker may start (counted as running), or None when none is left."""
        with self.lock:
            while True:
                if self.stopped or not self.waiting and not any(self.running.values()):
                    return None
                now = time.monotonic()
                wake: float | None = None
                for host, queue in self.waiting.items():
                    if self.running[host] >= self.per_host:
                        continue
                    until = self.not_before.get(host, 0.0)
                    if until > now:
                        wake = until if wake is None else min(wake, until)
                        continue
                    url, retried = queue.popleft()
                    if not queue:
                        del self.waiting[host]
                    self.running[host] += 1
                    return host, url, retried
                # Nothing may start yet: wait for a worker to end, or a host's Retry-After.
                self.lock.wait(None if wake is None else max(wake - now, 0.0))

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the run to end; whether it has."""
        with self.lock:
            if not self._over():
                self.lock.wait(seconds)
            return self._over()

    def _over(self) -> bool:
        return self.left == 0 or self.stopped and not any(self.running.values())

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            self.lock.notify_all()
