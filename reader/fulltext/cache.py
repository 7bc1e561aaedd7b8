"""The full-text cache: each article's extracted Markdown, keyed by its
link, in one SQLite file in the cache folder (XDG_CACHE_HOME honoured),
so a page fetched once reads offline.

It is a cache: everything in it can be fetched again, so a damaged file is
moved aside and a new one started (with a notice), and commits are
crash-safe rather than durable (WAL, synchronous = NORMAL: a power cut may
lose the last pages put, never the file). Its size is capped; past the cap
the pages read least recently go first.

The table ``pages(url TEXT PRIMARY KEY, ...)`` holds the URL exactly as
given, so the index can ATTACH this file read-only and answer
``has:fulltext`` with a join on it.

One connection, behind a lock, serves every thread of a process (a get is
a lookup and a small write; none waits on an fsync); other processes (a
`reader fetch` beside the app) share the file through SQLite's locking and
a busy timeout.
"""

from __future__ import annotations

import os
import threading
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from reader.sqlite import chunks, in_transaction, is_busy, is_damaged, marks, move_with_wal, open_or_set_aside, rollback, sqlite3, use_wal

CACHE_FILE = "fulltext.sqlite3"
DEFAULT_CAP = 500 * 1024 * 1024
SCHEMA_VERSION = 1
APPLICATION_ID = 0x52465454  # "RFTT": reader's full-text cache

Notice = Callable[[str], None]
T = TypeVar("T")

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)

# The Markdown is stored zlib-compressed (level 6). Measured on the
# extracted test pages (1.3-8.8 KB of Markdown): zlib makes them 46-57 % of
# their size, lzma 45-65 % (its headers cost more than it saves on texts
# this short), and zlib compresses 15-100 times faster (0.01-0.14 ms
# against 1-2 ms) and decompresses 2-7 times faster, which every read pays.
COMPRESS_LEVEL = 6

SCHEMA = """
CREATE TABLE pages(
    url TEXT PRIMARY KEY,          -- the article's link, as given
    markdown BLOB NOT NULL,        -- the article's Markdown: UTF-8, zlib-compressed
    source_url TEXT NOT NULL,      -- the page fetched (after redirects)
    fetched_at INTEGER NOT NULL,   -- fetched or last re-validated: microseconds since 1970, UTC
    etag TEXT,                     -- the response's ETag, for a conditional request
    last_modified TEXT,            -- its Last-Modified, likewise
    read_order INTEGER NOT NULL,   -- larger was read more recently (a counter: a clock set back would reorder)
    bytes INTEGER NOT NULL         -- what the row holds, counted against the cap
);
CREATE INDEX pages_by_read ON pages(read_order);
CREATE TABLE totals(id INTEGER PRIMARY KEY CHECK (id = 1), bytes INTEGER NOT NULL);
INSERT INTO totals(id, bytes) VALUES (1, 0);
CREATE TRIGGER pages_added AFTER INSERT ON pages BEGIN
    UPDATE totals SET bytes = bytes + new.bytes;
END;
CREATE TRIGGER pages_removed AFTER DELETE ON pages BEGIN
    UPDATE totals SET bytes = bytes - old.bytes;
END;
CREATE TRIGGER pages_changed AFTER UPDATE OF bytes ON pages BEGIN
    UPDATE totals SET bytes = bytes - old.bytes + new.bytes;
END;
"""


def default_path() -> Path:
    """The cache file, in the cache folder (XDG_CACHE_HOME honoured)."""
    from reader.config import cache_dir

    return cache_dir() / CACHE_FILE


class CacheError(Exception):
    """The cache cannot be read or written (locked too long, disk full, a
    folder that cannot be made); str() is one line for the user."""


@dataclass(frozen=True)
class Cached:
    """One cached page."""

    url: str  # the article's link, as it was put
    markdown: str  # the extracted article
    source_url: str  # the page fetched (after redirects)
    fetched_at: datetime  # when it was fetched or last re-validated (aware, UTC)
    etag: str | None
    last_modified: str | None


class _Damaged(Exception):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _micros(when: datetime | None) -> int:
    """``when`` (now when None; a naive time is taken as UTC) in microseconds since 1970."""
    if when is None:
        when = datetime.now(timezone.utc)
    elif when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return (when - _EPOCH) // _MICROSECOND


def _datetime(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def _utf8_len(text: str | None) -> int:
    return len(text.encode("utf-8", "surrogatepass")) if text else 0


class FullTextCache:
    """Cached full texts by URL, in one SQLite file; safe to share between
    threads and between processes."""

    def __init__(
        self,
        path: Path | None = None,
        cap_bytes: int = DEFAULT_CAP,
        *,
        notice: Notice | None = None,
        timeout: float = 5.0,
    ) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.cap_bytes = cap_bytes
        self.notice = notice or (lambda message: None)
        self.timeout = timeout
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._closed = False
        with self._lock:
            self._open()

    # opening --------------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        """Open the file, moving a damaged or foreign one aside once and starting anew."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(f"cannot make the folder for the full-text cache {self.path}: {exc.strerror or exc}") from exc
        db = open_or_set_aside(
            self._connect,
            self._prepare,
            self._set_aside,
            lambda exc: self._error(exc, "open it"),
            lambda why: CacheError(f"the full-text cache {self.path} {why}, even after starting anew"),
            _Damaged,
        )
        self._db = db
        return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            os.fspath(self.path), timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        db.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        return db

    def _prepare(self, db: sqlite3.Connection) -> None:
        use_wal(db, self.timeout)
        # A cache: a crash may lose the last commits, never the file (WAL).
        db.execute("PRAGMA synchronous = NORMAL")
        if self._schema_state(db) == "current":
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            status = self._schema_state(db)  # again, under the write lock
            if status == "empty":
                for statement in _statements(SCHEMA):
                    db.execute(statement)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            rollback(db)
            raise
        if status == "newer":
            raise _Damaged("was written by a newer version of reader")
        if status == "foreign":
            raise _Damaged("is not a reader full-text cache")

    @staticmethod
    def _schema_state(db: sqlite3.Connection) -> str:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        app = db.execute("PRAGMA application_id").fetchone()[0]
        if version == 0 and app == 0:
            has_tables = db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None
            return "foreign" if has_tables else "empty"
        if app != APPLICATION_ID or version < 1:
            return "foreign"
        if version > SCHEMA_VERSION:
            return "newer"
        return "current"

    def _set_aside(self, why: str) -> None:
        """Move the file (and its WAL) to ``<name>.damaged``, replacing the
        one set aside before: it is a cache, one old copy to look at is enough."""
        aside = self.path.with_name(f"{self.path.name}.damaged")
        try:
            for suffix in ("", "-wal", "-shm", "-journal"):
                if os.path.exists(f"{aside}{suffix}"):
                    os.remove(f"{aside}{suffix}")
            move_with_wal(self.path, aside)
        except OSError as exc:
            raise CacheError(
                f"the full-text cache {self.path} {why}, and it could not be moved aside: {exc.strerror or exc}"
            ) from exc
        self.notice(f"the full-text cache {self.path} {why}; moved it to {aside} and started a new one")

    def _error(self, exc: sqlite3.Error, action: str) -> CacheError:
        if is_busy(exc):
            return CacheError(
                f"the full-text cache {self.path} is locked by another program (waited {self.timeout:g} s); "
                f"could not {action}"
            )
        return CacheError(f"could not {action} in the full-text cache {self.path}: {exc}")

    # running statements ------------------------------------------------------------------------

    def _run(self, action: str, work: Callable[[sqlite3.Connection], T], write: bool) -> T:
        """``work`` on the connection, in one transaction when it writes.
        Damage found part way moves the file aside and runs ``work`` once
        more on a new one."""
        for attempt in range(2):
            with self._lock:
                if self._closed:
                    raise CacheError(f"the full-text cache {self.path} is closed; could not {action}")
                try:
                    db = self._db or self._open()
                    return in_transaction(db, work) if write else work(db)
                except sqlite3.Error as exc:
                    if is_damaged(exc) and not attempt:
                        self._drop_connection()
                        self._set_aside(f"is damaged ({exc})")
                        continue
                    raise self._error(exc, action) from exc
        raise AssertionError("unreachable")

    def _drop_connection(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None

    # the API -----------------------------------------------------------------------------------

    def get(self, url: str, touch: bool = True) -> Cached | None:
        """The cached page of ``url``, or None. Reading it makes it the most
        recently read (the last to be evicted) unless ``touch`` is False."""

        def work(db: sqlite3.Connection) -> Cached | None:
            row = db.execute(
                "SELECT markdown, source_url, fetched_at, etag, last_modified FROM pages WHERE url = ?", (url,)
            ).fetchone()
            if row is None:
                return None
            if touch:
                db.execute(
                    "UPDATE pages SET read_order = (SELECT coalesce(max(read_order), 0) + 1 FROM pages) WHERE url = ?",
                    (url,),
                )
            blob, source_url, fetched_at, etag, last_modified = row
            return Cached(url, _unpack(blob), source_url, _datetime(fetched_at), etag, last_modified)

        try:
            return self._run("read a page", work, write=touch)
        except zlib.error:
            # One row that does not decompress: that page is gone, not the cache.
            self._run("drop a broken page", lambda db: db.execute("DELETE FROM pages WHERE url = ?", (url,)), write=True)
            return None

    def put(
        self,
        url: str,
        markdown: str,
        source_url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        fetched_at: datetime | None = None,
    ) -> None:
        """Keep ``markdown`` as the full text of ``url`` (replacing what was
        kept), as the most recently read page; then evict down to the cap,
        all in one transaction."""
        blob = zlib.compress(markdown.encode("utf-8", "surrogatepass"), COMPRESS_LEVEL)
        size = len(blob) + _utf8_len(url) + _utf8_len(source_url) + _utf8_len(etag) + _utf8_len(last_modified)
        when = _micros(fetched_at)

        def work(db: sqlite3.Connection) -> None:
            db.execute(
                """
                INSERT INTO pages(url, markdown, source_url, fetched_at, etag, last_modified, read_order, bytes)
                VALUES (?, ?, ?, ?, ?, ?, (SELECT coalesce(max(read_order), 0) + 1 FROM pages), ?)
                ON CONFLICT(url) DO UPDATE SET
                    markdown = excluded.markdown, source_url = excluded.source_url,
                    fetched_at = excluded.fetched_at, etag = excluded.etag,
                    last_modified = excluded.last_modified, read_order = excluded.read_order,
                    bytes = excluded.bytes
                """,
                (url, blob, source_url, when, etag, last_modified, size),
            )
            self._evict(db)

        self._run("keep a page", work, write=True)

    def revalidated(self, url: str, fetched_at: datetime | None = None) -> None:
        """The server said the page of ``url`` has not changed (a 304): only
        its time changes, and it counts as read."""
        when = _micros(fetched_at)
        self._run(
            "mark a page re-validated",
            lambda db: db.execute(
                "UPDATE pages SET fetched_at = ?, read_order = (SELECT coalesce(max(read_order), 0) + 1 FROM pages)"
                " WHERE url = ?",
                (when, url),
            ),
            write=True,
        )

    def has(self, urls: Iterable[str]) -> set[str]:
        """Those of ``urls`` that have a cached page (none is counted as read)."""
        wanted = list(dict.fromkeys(urls))

        def work(db: sqlite3.Connection) -> set[str]:
            found: set[str] = set()
            for part in chunks(wanted):
                found.update(
                    row[0] for row in db.execute(f"SELECT url FROM pages WHERE url IN ({marks(len(part))})", list(part))
                )
            return found

        return self._run("look pages up", work, write=False) if wanted else set()

    def urls(self) -> list[str]:
        """Every cached URL, in order."""
        return self._run("list the pages", lambda db: [r[0] for r in db.execute("SELECT url FROM pages ORDER BY url")], write=False)

    def size(self) -> int:
        """The bytes the cached pages hold (compressed text and addresses)."""
        return self._run("measure the cache", lambda db: db.execute("SELECT bytes FROM totals").fetchone()[0], write=False)

    def evict(self) -> int:
        """Remove the pages read least recently until the cache is within its
        cap; how many were removed."""
        return self._run("evict pages", self._evict, write=True)

    def _evict(self, db: sqlite3.Connection) -> int:
        excess = db.execute("SELECT bytes FROM totals").fetchone()[0] - self.cap_bytes
        if excess <= 0:
            return 0
        doomed: list[str] = []
        freed = 0
        for url, size in db.execute("SELECT url, bytes FROM pages ORDER BY read_order"):
            doomed.append(url)
            freed += size
            if freed >= excess:
                break
        for part in chunks(doomed):
            db.execute(f"DELETE FROM pages WHERE url IN ({marks(len(part))})", list(part))
        return len(doomed)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._drop_connection()

    def __enter__(self) -> "FullTextCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _unpack(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8", "surrogatepass")


def _statements(script: str) -> list[str]:
    """The statements of ``script``, one by one (triggers kept whole), so
    they run inside the open transaction: executescript() would commit it."""
    out: list[str] = []
    pending = ""
    for line in script.splitlines():
        line = line.split("--", 1)[0].rstrip()
        if not line:
            continue
        pending += line + "\n"
        if sqlite3.complete_statement(pending):
            out.append(pending.strip())
            pending = ""
    return out
