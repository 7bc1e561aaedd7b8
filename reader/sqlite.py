"""The SQLite module every part of reader uses.

pysqlite3 (the pysqlite3-binary wheel) brings a newer SQLite than the one
Python bundles (3.51 against 3.40 for Python 3.11), and that FTS5 ranks a
common word's matches a fifth to a third faster: the difference between a
search that keeps up with typing and one that lags. Where it is not installed
(it has wheels for Linux on x86-64 only), Python's own sqlite3 serves,
with the same interface. (Python's module is not even imported beside it:
that alone costs 5-15 ms of every start.)

One copy for the whole process: two copies of SQLite with the same file open
can release each other's locks (https://sqlite.org/howtocorrupt.html, 2.2.1),
so no module imports sqlite3 directly.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any, Callable, Iterator, Sequence, TypeVar

try:
    from pysqlite3 import dbapi2 as sqlite3
except ImportError:  # not installed: Python's own
    import sqlite3  # type: ignore[no-redef]

__all__ = ["sqlite3", "error_code", "is_busy", "is_damaged", "retry_busy", "use_wal", "rollback", "chunks", "marks"]

T = TypeVar("T")

# SQLite's primary result codes that reader acts on (https://sqlite.org/rescode.html).
PERM, BUSY, LOCKED, INTERRUPT, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB = 3, 5, 6, 9, 8, 10, 11, 13, 14, 26

# pysqlite3 0.5 predates the error codes on exceptions (Python 3.11 has them as
# sqlite_errorcode). For it alone, the code is looked up from the message, which
# for these codes is sqlite3_errstr()'s fixed English text for the code itself.
_CODE_OF_TEXT = {
    "access permission denied": PERM,
    "database is locked": BUSY,
    "database table is locked": LOCKED,
    "interrupted": INTERRUPT,
    "attempt to write a readonly database": READONLY,
    "disk i/o error": IOERR,
    "database disk image is malformed": CORRUPT,
    "database or disk is full": FULL,
    "unable to open database file": CANTOPEN,
    "file is not a database": NOTADB,
}


def error_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of an error, None when it has none."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF
    if not isinstance(exc, sqlite3.Error):
        return None
    text = str(exc).lower()
    for known, number in _CODE_OF_TEXT.items():
        if text.startswith(known):
            return number
    return None


def is_busy(exc: BaseException) -> bool:
    """Another connection holds the lock this one needs."""
    return error_code(exc) in (BUSY, LOCKED)


def is_damaged(exc: BaseException) -> bool:
    return error_code(exc) in (CORRUPT, NOTADB)


def retry_busy(action: Callable[[], T], timeout: float) -> T:
    """``action()``, retried while SQLite answers "locked" at once (switching
    a file to WAL does so while another process opens it, without waiting
    for the busy timeout), until ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def use_wal(db: "sqlite3.Connection", timeout: float = 5.0) -> None:
    retry_busy(lambda: db.execute("PRAGMA journal_mode = WAL"), timeout)


def in_transaction(db: "sqlite3.Connection", work: Callable[["sqlite3.Connection"], T]) -> T:
    """``work(db)`` in one BEGIN IMMEDIATE transaction: committed, or rolled back on any error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        result = work(db)
        db.execute("COMMIT")
    except BaseException:
        rollback(db)
        raise
    return result


def move_with_wal(path: "os.PathLike[str] | str", aside: "os.PathLike[str] | str") -> None:
    """Rename a database file and its -wal, -shm and -journal files along
    with it, so the copy opens with all it held and a new file at ``path``
    never replays a stale log. OSError when the file cannot be moved."""
    os.replace(path, aside)
    for suffix in ("-wal", "-shm", "-journal"):
        if os.path.exists(f"{os.fspath(path)}{suffix}"):
            os.replace(f"{os.fspath(path)}{suffix}", f"{os.fspath(aside)}{suffix}")


def rollback(db: "sqlite3.Connection") -> None:
    """Undo the open transaction, if SQLite has not undone it already (it
    does on "disk full"): the error that led here is the one to report."""
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass


IN_LIST = 500  # values per IN (...) list: well under SQLite's limit on parameters


def chunks(items: Sequence[T], size: int = IN_LIST) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most ``size`` (for IN (...) lists)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(n: int) -> str:
    """The placeholders of an IN (...) list of ``n`` values."""
    return ",".join("?" * n)


def open_or_set_aside(
    connect: Callable[[], Any],
    prepare: Callable[[Any], None],
    set_aside: Callable[[str], None],
    error: Callable[[Any], Exception],
    again: Callable[[str], Exception],
    damaged: type[Exception],
) -> Any:
    """A connection to a file of the user's machine that is not worth a
    failure when damaged (the state file, the full-text cache): opened and
    prepared; a damaged one (``damaged`` raised by ``prepare``, with a
    ``why``, or SQLite's own word) is set aside once and started anew.
    ``error(exc)`` is raised for any other SQLite error, ``again(why)`` when
    the new file is no better."""
    for attempt in range(2):
        db = None
        try:
            db = connect()
            prepare(db)
        except damaged as exc:
            if db is not None:
                db.close()
            if attempt:
                raise again(exc.why) from exc  # type: ignore[attr-defined]
            set_aside(exc.why)  # type: ignore[attr-defined]
            continue
        except sqlite3.Error as exc:
            if db is not None:
                db.close()
            if is_damaged(exc) and not attempt:
                set_aside(f"is damaged ({exc})")
                continue
            raise error(exc) from exc
        return db
    raise AssertionError("unreachable")


# Opening and closing connections, one thread at a time. Twice in CI (the
# app's list loads and its problem count opening the cache at once, one
# of them closing another connection) the threads in sqlite3.connect and
# Connection.close() never came back and the app froze; opening takes a
# millisecond, so doing it in turn costs nothing. (Suspected: SQLite's
# global VFS mutex and the GIL taken in opposite orders; not reproduced.)
_OPENING = threading.Lock()


def connect_in_turn(*args: Any, **kwargs: Any) -> Any:
    """sqlite3.connect(), one thread at a time (see _OPENING)."""
    with _OPENING:
        return sqlite3.connect(*args, **kwargs)


def close_in_turn(conn: Any) -> None:
    """conn.close(), one thread at a time (see _OPENING)."""
    with _OPENING:
        conn.close()
