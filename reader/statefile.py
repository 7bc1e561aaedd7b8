"""The state file itself: opening it (setting a damaged one aside, never
deleting it), its two connections, and running one short transaction on it.
reader.state's State builds the marks, searches and history on this.

Writes go through one connection, reads through another, each behind its
own lock: a read (drawing a list's marks) never waits for a write being made
durable (synchronous = FULL: an fsync). In WAL mode a read sees the last
commit. A damaged file found part way is set aside and the work run again
once on a fresh one.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Callable, TypeVar

from reader.sqlite import in_transaction, is_busy, is_damaged, move_with_wal, open_or_set_aside, rollback, sqlite3, use_wal

SCHEMA_VERSION = 1
APPLICATION_ID = 0x52454144  # "READ": marks the file as reader's state

STATE_FILE = "state.sqlite3"

Notice = Callable[[str], None]
T = TypeVar("T")


def default_path() -> Path:
    """The user's state file, in the data folder (XDG_DATA_HOME honoured)."""
    from reader.config import data_dir

    return data_dir() / STATE_FILE

SCHEMA = """
CREATE TABLE IF NOT EXISTS read(key TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS starred(key TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS searches(name TEXT PRIMARY KEY, query TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history(seq INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
"""


class StateError(Exception):
    """The state cannot be read or written; the message is one line for the user."""


class _Damaged(Exception):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class StateFile:
    """One state file, safe to share between threads and between processes
    (SQLite's locking, WAL, a busy timeout)."""

    def __init__(
        self,
        path: Path | str | None = None,
        notice: Notice | None = None,
        timeout: float = 5.0,
    ) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.notice = notice or (lambda message: None)
        self.timeout = timeout
        self._lock = threading.RLock()  # the writing connection's; taken before _read_lock when both are
        self._read_lock = threading.Lock()
        self._db: sqlite3.Connection | None = None  # for writes
        self._reader: sqlite3.Connection | None = None  # for reads
        self._closed = False
        with self._lock:
            self._open()

    # opening ----------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            os.fspath(self.path), timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        db.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        return db

    def _open(self) -> sqlite3.Connection:
        """Open the file, setting a damaged one aside once and starting afresh."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(f"cannot make the folder for the state file {self.path}: {exc.strerror or exc}") from exc
        db = open_or_set_aside(
            self._connect,
            self._prepare,
            self._set_aside,
            lambda exc: self._error(exc, "open"),
            lambda why: StateError(f"the state file {self.path} {why}, even after starting afresh"),
            _Damaged,
        )
        self._db = db
        return db

    def _prepare(self, db: sqlite3.Connection) -> None:
        use_wal(db, self.timeout)
        # User data cannot be rebuilt: make each commit durable, not only crash-safe.
        db.execute("PRAGMA synchronous = FULL")
        check = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
        if check != ["ok"]:
            raise _Damaged(f"is damaged ({'; '.join(str(c) for c in check[:3])})")
        if self._schema_state(db) == "current":
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            status = self._schema_state(db)
            if status == "empty":
                for statement in SCHEMA.strip().split(";"):
                    if statement.strip():
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
            raise _Damaged("is not a reader state file")

    @staticmethod
    def _schema_state(db: sqlite3.Connection) -> str:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        app = db.execute("PRAGMA application_id").fetchone()[0]
        if version == 0 and app == 0:
            has_tables = db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None
            return "foreign" if has_tables else "empty"
        if app != APPLICATION_ID:
            return "foreign"
        if version > SCHEMA_VERSION:
            return "newer"
        if version < 1:
            return "foreign"
        return "current"

    def _set_aside(self, why: str) -> None:
        """Rename the damaged file (and its WAL) out of the way; never delete it."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        n = 1
        while any(Path(f"{aside}{s}").exists() for s in ("", "-wal", "-shm")):
            n += 1
            aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{n}")
        try:
            move_with_wal(self.path, aside)
        except OSError as exc:
            raise StateError(
                f"the state file {self.path} {why}, and it could not be moved aside: {exc.strerror or exc}"
            ) from exc
        self.notice(f"the state file {self.path} {why}; moved it to {aside} and started a fresh one")

    def _error(self, exc: sqlite3.Error, action: str) -> StateError:
        if is_busy(exc):
            return StateError(
                f"the state file {self.path} is locked by another program (waited {self.timeout:g} s); "
                f"could not {action}"
            )
        return StateError(f"could not {action} in the state file {self.path}: {exc}")

    # running statements ---------------------------------------------------------------

    def _run(self, action: str, work: Callable[[sqlite3.Connection], T], write: bool) -> T:
        """Run ``work`` on the connection, in one transaction when writing.

        Damage found part way (a file broken while open) sets the file aside
        and runs ``work`` once more on a fresh one.
        """
        for attempt in range(2):
            used = None
            try:
                if write:
                    with self._lock:
                        db = used = self._writer(action)
                        return in_transaction(db, work)
                if self._db is None:  # the file is opened (or set aside) first, never under the read lock
                    with self._lock:
                        self._writer(action)
                with self._read_lock:
                    used = self._reading(action)
                    return work(used)
            except sqlite3.Error as exc:
                if is_damaged(exc) and not attempt:
                    self._start_afresh(f"is damaged ({exc})", used)
                    continue
                raise self._error(exc, action) from exc
        raise AssertionError("unreachable")

    def _writer(self, action: str) -> sqlite3.Connection:
        if self._closed:
            raise StateError(f"the state file {self.path} is closed; could not {action}")
        return self._db or self._open()

    def _reading(self, action: str) -> sqlite3.Connection:
        """The reading connection (opened once the file is sound: _open() made it so)."""
        if self._closed:
            raise StateError(f"the state file {self.path} is closed; could not {action}")
        if self._reader is None:
            self._reader = self._connect()
            self._reader.execute("PRAGMA query_only = 1")
        return self._reader

    def _start_afresh(self, why: str, failed: sqlite3.Connection | None) -> None:
        """Damage found part way (a file broken while open): set it aside,
        unless another thread that met it too has already done so (the
        connection that failed is no longer ours)."""
        with self._lock, self._read_lock:
            if failed is not None and failed is not self._db and failed is not self._reader:
                return
            for db in (self._db, self._reader):
                if db is not None:
                    db.close()
            self._db = self._reader = None
            self._set_aside(why)

    def _read(self, action: str, work: Callable[[sqlite3.Connection], T]) -> T:
        return self._run(action, work, write=False)

    def _write(self, action: str, work: Callable[[sqlite3.Connection], T]) -> T:
        return self._run(action, work, write=True)

    def close(self) -> None:
        with self._lock, self._read_lock:
            self._closed = True
            for db in (self._db, self._reader):
                if db is not None:
                    db.close()
            self._db = self._reader = None

    def __enter__(self) -> "StateFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
