"""The cache file of one library: where it lives, opening, creating,
dropping a damaged one, falling back to a temporary one, and the connections.

The connection policy (the one place it is decided):

- A refresh writes through a connection of its own, opened for that refresh
  and closed after it; one refresh runs at a time (Library holds the lock).
- Every read borrows a connection from a pool for the length of one call
  (``reading()``) and gives it back. A connection is used by one thread at a
  time and never shared, so no lock guards a query, and with WAL a read never
  waits for the writer: it sees the last commit. Idle connections are kept
  (their page caches warm); more are opened when more threads read at once.
- ``interrupt()`` stops the reads borrowed as searches that are running now;
  they raise SearchInterrupted.
- sqlite3's errors do not leave this module's callers: ``reading()`` turns
  them into the types of errors.py.

Nothing here builds an index: a read before any index exists raises NotIndexed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from reader.sqlite import CANTOPEN, FULL, IOERR, PERM, READONLY, close_in_turn, connect_in_turn, error_code, is_busy, is_damaged, sqlite3, use_wal
from reader.store import schema
from reader.store.errors import CacheBusy, CacheDamaged, CacheUnusable, NotIndexed, SearchInterrupted, StoreError

KEEP_IDLE = 4  # idle read connections kept open
TIMEOUT = 5.0  # seconds a connection waits for a lock

Notice = Callable[[str], None]


def cache_file(cache_dir: Path, roots: list[Path]) -> Path:
    """The cache of a set of roots: one file per set, named after the first."""
    key = "\n".join(sorted(os.fspath(r) for r in roots))
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    name = "".join(c if c.isalnum() else "-" for c in (roots[0].name if roots else "none"))[:40]
    return cache_dir / "index" / f"{name}-{digest}.sqlite3"


def fixable(exc: sqlite3.Error) -> bool:
    """Whether dropping the cache and building it again may cure ``exc``
    (a damaged file may be cured; a lock, a read-only folder or a full disk not)."""
    return not is_busy(exc) and error_code(exc) not in (READONLY, PERM, CANTOPEN, IOERR, FULL)


@dataclass(eq=False, slots=True)
class Handle:
    """A read connection and what is known about it."""

    conn: sqlite3.Connection
    generation: int  # of the cache it was opened on
    marks: bool = False  # the user's state file is attached to it as "st"
    marks_file: tuple[int, int] | None = None  # (device, inode) of the state file attached
    search: bool = False  # borrowed as a search: interrupt() may stop it
    interrupted: bool = False


class Database:
    def __init__(self, path: Path, roots: list[Path], notice: Notice) -> None:
        self.path = path  # the cache file (a temporary one once fallen back)
        self.temporary = False
        self.roots = roots
        self.notice = notice
        self.state_path: Path | None = None  # the user's marks, attached to readers as "st"
        self._lock = threading.Lock()  # guards the lists below, nothing else
        self._idle: list[Handle] = []
        self._busy: set[Handle] = set()
        self._ready = False  # an index is there to read
        self._generation = 0  # bumped when the cache is replaced

    # connections ------------------------------------------------------------------

    def connect(self, path: Path | str) -> sqlite3.Connection:
        """A connection to ``path``, or to a ``file:`` URI (readers use one
        that never creates the file: a cache dropped meanwhile stays gone)."""
        target = os.fspath(path)
        return connect_in_turn(
            target, timeout=TIMEOUT, check_same_thread=False, isolation_level=None, uri=target.startswith("file:")
        )

    @contextmanager
    def reading(self, search: bool = False) -> Iterator[Handle]:
        """A connection for one read (see the policy above)."""
        handle = self._take()
        handle.search, handle.interrupted = search, False
        try:
            yield handle
        except sqlite3.Error as exc:
            raise self._translate(exc, handle) from exc
        finally:
            self._give_back(handle)

    def _take(self) -> Handle:
        for _ in range(3):
            with self._lock:
                if self._idle:
                    handle = self._idle.pop()
                    self._busy.add(handle)
                    return handle
                ready, generation, path = self._ready, self._generation, self.path
            if not ready and not self.open_existing():
                raise NotIndexed("the library has not been indexed yet")
            try:
                conn = self.connect(path.as_uri() + "?mode=rw")
            except sqlite3.OperationalError:
                raise NotIndexed("the library has not been indexed yet") from None  # the file went meanwhile
            except sqlite3.Error as exc:
                raise StoreError(f"the cache {path} cannot be opened ({exc})") from exc
            handle = Handle(conn, generation)
            self._attach_marks(handle)
            with self._lock:
                if generation == self._generation:  # else the cache was replaced while this one opened
                    self._busy.add(handle)
                    return handle
            close_in_turn(conn)
        raise NotIndexed("the cache is being replaced")

    def _give_back(self, handle: Handle) -> None:
        with self._lock:
            self._busy.discard(handle)
            keep = handle.generation == self._generation and len(self._idle) < KEEP_IDLE
            if keep:
                self._idle.append(handle)
        if not keep:
            close_in_turn(handle.conn)

    def _attach_marks(self, handle: Handle) -> None:
        """Attach the user's state file, when there is one, for is:read and friends."""
        path = self.state_path
        if path is None or not os.path.exists(path):
            return
        try:
            info = os.stat(path)
            handle.conn.execute("ATTACH DATABASE ? AS st", (os.fspath(path),))
            tables = handle.conn.execute("SELECT count(*) FROM st.sqlite_master WHERE name IN ('read', 'starred')").fetchone()[0]
            if tables != 2:
                handle.conn.execute("DETACH DATABASE st")  # not a state file (yet): no marks to ask about
                return
        except (sqlite3.Error, OSError):
            return
        handle.marks, handle.marks_file = True, (info.st_dev, info.st_ino)

    def ensure_marks(self, handle: Handle) -> None:
        """Attach the state file if it has appeared since the connection
        opened, or again if it was replaced (a damaged one set aside)."""
        if self.state_path is None:
            return
        if handle.marks:
            try:
                info = os.stat(self.state_path)
                if (info.st_dev, info.st_ino) == handle.marks_file:
                    return
            except OSError:
                pass
            handle.marks = False
        if not handle.marks:
            try:
                attached = any(row[1] == "st" for row in handle.conn.execute("PRAGMA database_list"))
                if attached:
                    handle.conn.execute("DETACH DATABASE st")
            except sqlite3.Error:
                return
            self._attach_marks(handle)

    def interrupt(self) -> None:
        # Under the lock: a handle given back meanwhile must not be stopped
        # in the next read that borrows it.
        with self._lock:
            for handle in self._busy:
                if handle.search:
                    handle.interrupted = True
                    try:
                        handle.conn.interrupt()
                    except sqlite3.ProgrammingError:
                        pass  # closed meanwhile

    def _translate(self, exc: sqlite3.Error, handle: Handle) -> StoreError:
        if handle.interrupted:
            return SearchInterrupted("a newer search took over")
        if handle.marks and (is_busy(exc) or (is_damaged(exc) and _sound(handle.conn, "main"))) and not _sound(handle.conn, "st"):
            # the user's state file, attached for is:read, not the cache (a
            # cache damaged past reading its schema fails the state file's
            # check too, so the cache is checked first)
            return StoreError(f"the marks could not be read ({exc})")
        if is_busy(exc):
            return CacheBusy(f"the cache {self.path} is locked by another process")
        if is_damaged(exc) or (isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, (sqlite3.OperationalError, sqlite3.ProgrammingError))):
            return CacheDamaged(f"the cache {self.path} is damaged ({exc})")
        if isinstance(exc, sqlite3.OperationalError) and not schema.intact(handle.conn):
            return CacheDamaged(f"the cache {self.path} is damaged ({exc})")
        return StoreError(f"the cache {self.path} could not be read ({exc})")

    def _drop_readers(self) -> None:
        """Close the idle readers; busy ones are closed when given back.
        Called again once the file is gone or the path changed, so that a
        reader opened in between is not kept either."""
        with self._lock:
            idle, self._idle = self._idle, []
            self._generation += 1
            self._ready = False
        for handle in idle:
            close_in_turn(handle.conn)

    # the file ---------------------------------------------------------------------

    def open_existing(self) -> bool:
        """Whether a usable cache is there to read (it is not looked at further)."""
        with self._lock:
            generation, path = self._generation, self.path
        if not path.exists():
            return False
        try:
            db = self.connect(path.as_uri() + "?mode=rw")
            try:
                found = schema.version(db)
            finally:
                close_in_turn(db)
        except sqlite3.Error:
            return False
        if found != str(schema.SCHEMA_VERSION):
            return False
        with self._lock:
            if generation != self._generation:
                return False  # replaced meanwhile
            self._ready = True
        return True

    def writer(self) -> tuple[sqlite3.Connection, bool]:
        """A connection to write with (the caller closes it), and whether the
        index is new. A damaged cache or one of another version is dropped
        first; CacheUnusable when no cache can be kept here."""
        if self.path.exists():
            db = self._open_for_writing()
            if db is not None:
                return db, False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self.connect(self.path)
            use_wal(db, TIMEOUT)
            db.execute("PRAGMA synchronous = OFF")  # a cache: after a power cut it is rebuilt
            schema.create(db, [os.fspath(r) for r in self.roots])
        except OSError as exc:
            raise CacheUnusable(f"cannot write the cache in {self.path.parent} ({exc.strerror or exc})") from exc
        except sqlite3.Error as exc:
            raise self.unusable(exc) from exc
        return db, True

    def _open_for_writing(self) -> sqlite3.Connection | None:
        db = None
        try:
            db = self.connect(self.path)
            use_wal(db, TIMEOUT)
            db.execute("PRAGMA synchronous = OFF")
            found = schema.version(db)
            intact = schema.intact(db)
        except sqlite3.Error as exc:
            if db is not None:
                close_in_turn(db)
            if not fixable(exc):
                raise self.unusable(exc) from exc
            self.discard(f"was damaged ({exc})")
            return None
        if found == str(schema.SCHEMA_VERSION) and intact:
            return db
        close_in_turn(db)
        self.discard("was made by another version of reader" if intact else "was damaged (tables are missing)")
        return None

    def unusable(self, exc: sqlite3.Error) -> CacheUnusable:
        """What a refresh that failed on ``exc`` tells the user."""
        if is_busy(exc):
            return CacheUnusable(f"the cache {self.path} is locked by another process")
        if error_code(exc) in (READONLY, PERM, CANTOPEN, IOERR, FULL):
            return CacheUnusable(f"the cache {self.path} cannot be written ({exc})")
        return CacheUnusable(f"the cache {self.path} cannot be used ({exc})")

    def discard(self, why: str) -> None:
        """Drop the cache file (with a notice) so that it is built again."""
        self._drop_readers()
        self.notice(f"cache {self.path} {why}; rebuilding it")
        try:
            for suffix in ("", "-wal", "-shm", "-journal"):
                try:
                    os.unlink(f"{self.path}{suffix}")
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    raise CacheUnusable(f"cannot remove the damaged cache {self.path}: {exc}") from exc
        finally:
            self._drop_readers()

    def fall_back(self, why: str) -> None:
        """Go on with a temporary cache, removed on close()."""
        self.notice(f"{why}; reading without a cache this time")
        self._drop_readers()
        if self.temporary:
            self._remove_temporary()
        try:
            folder = tempfile.mkdtemp(prefix="reader-")
        except OSError as exc:
            raise StoreError(f"{why}, and no temporary cache can be made either ({exc.strerror or exc})") from exc
        self.path = Path(folder) / "index.sqlite3"
        self.temporary = True
        self._drop_readers()

    def restore(self, path: Path) -> None:
        """Back to the cache at ``path`` as it is (a temporary one could not be built)."""
        if self.temporary:
            self._remove_temporary()
        self.path, self.temporary = path, False
        self._drop_readers()

    def mark_ready(self) -> None:
        with self._lock:
            self._ready = True

    def close(self) -> None:
        self._drop_readers()
        if self.temporary:
            self._remove_temporary()

    def _remove_temporary(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)


def _sound(db: sqlite3.Connection, schema_name: str) -> bool:
    """Whether the attached database ``schema_name`` passes a quick check."""
    try:
        return db.execute(f"PRAGMA {schema_name}.quick_check(1)").fetchone()[0] == "ok"
    except sqlite3.Error:
        return False
