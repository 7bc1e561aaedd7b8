"""The SQLite cache of a library: walk, incremental refresh, FTS, queries.

One database per library (the set of roots given), in the user's cache
directory. It holds nothing that cannot be rebuilt from the files: when it
is damaged, of an older schema, or cannot be written, it is rebuilt or
bypassed (an in-memory index) with a notice.
"""

from __future__ import annotations

import hashlib
from array import array
import itertools
import json
import os
import stat
import sys
from stat import S_ISDIR, S_ISREG
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from reader.model import Image, Problem, Provider, Related
from reader.query import Query, Term, fts_expression
from reader.sqlite import sqlite3
from reader.state import from_sql, identity, sql_text

TOPIC_CONDITION = "a.id IN (SELECT article FROM topics WHERE key = ?)"
FTS_RANKED = "SELECT rowid AS id FROM fts WHERE fts MATCH ?"  # ids ranked by FTS5 alone (see _select)
DATA_COLUMN = ", (SELECT data FROM article_data d WHERE d.id = a.id)"
MARK_WORDS = ("read", "unread", "starred", "unstarred")  # is: words answered by the state file
SCHEMA_VERSION = 10
SUFFIXES = (".md", ".markdown")
PARALLEL_MIN = 400  # below this many files, parsing in-process is quicker
FIRST_PAGE = 200  # rows of a ranked list worked out before the rest (Library.first)
CHUNK = 512  # files per task for a worker process, at most (fewer, bigger results cost less to pass back)
COMMIT_EVERY = 2048  # rows per transaction while indexing
FTS_BODY_CHARS = 200_000

Notice = Callable[[str], None]
Progress = Callable[[int, int], None]

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files(
    dir TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    article INTEGER,
    PRIMARY KEY (dir, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS articles(
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    excerpt TEXT,
    url TEXT,
    published_at INTEGER,
    quality REAL,
    heat REAL,
    published INTEGER,
    provider TEXT,
    domain TEXT,
    provider_key TEXT NOT NULL,
    topics TEXT NOT NULL,
    n_related INTEGER NOT NULL,
    has_body INTEGER NOT NULL,
    ident TEXT NOT NULL  -- the key of the user's marks (reader.state.identity)
);
-- Kept apart so the list's table stays narrow: more rows a page, quicker scans.
CREATE TABLE IF NOT EXISTS article_data(id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS topics(article INTEGER NOT NULL, topic TEXT NOT NULL, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS problems(path TEXT NOT NULL, line INTEGER, reason TEXT NOT NULL, skipped INTEGER NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, excerpt, body, provider, topics,
    tokenize = "unicode61 remove_diacritics 2"
);
"""

# Made after a first build's bulk insert (sorting once is quicker than keeping
# them up to date row by row); from then on SQLite keeps them current.
INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS articles_path ON articles(path);
CREATE INDEX IF NOT EXISTS articles_uid ON articles(uid);
CREATE INDEX IF NOT EXISTS articles_quality ON articles(quality);
CREATE INDEX IF NOT EXISTS articles_date ON articles(published_at);
CREATE INDEX IF NOT EXISTS articles_heat ON articles(heat);
CREATE INDEX IF NOT EXISTS articles_provider ON articles(provider_key);
CREATE INDEX IF NOT EXISTS articles_ident ON articles(ident);
CREATE INDEX IF NOT EXISTS articles_title ON articles(title COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS topics_key ON topics(key, article, topic);
CREATE INDEX IF NOT EXISTS topics_article ON topics(article);
CREATE INDEX IF NOT EXISTS problems_path ON problems(path);
"""

SORT_COLUMNS = {
    "quality": "a.quality",
    "date": "a.published_at",
    "heat": "a.heat",
    "title": "a.title COLLATE NOCASE",
}


def article_uid(path: str) -> str:
    """The id shown by `reader list` and taken by `reader show`: stable for a file."""
    return hashlib.sha1(path.encode("utf-8", "surrogatepass")).hexdigest()[:12]


# -- walking --------------------------------------------------------------------


@dataclass(slots=True)
class WalkResult:
    files: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (size, mtime_ns)
    problems: list[Problem] = field(default_factory=list)


def walk(roots: Iterable[Path]) -> WalkResult:
    """Every *.md / *.markdown file under the roots, hidden entries skipped."""
    result = WalkResult()
    for folder, entries, _ in walk_folders(roots, result.problems):
        for name, size, mtime in entries:
            result.files[os.path.join(folder, name)] = (size, mtime)
    return result


Listing = list[tuple[str, int, int]]  # (name, size, mtime_ns)


def walk_folders(roots: Iterable[Path], problems: list[Problem]) -> Iterator[tuple[str, Listing, bool]]:
    """Yield (folder, article files in it, whether that is the whole folder).

    A root that is a file yields its folder with only that file (not whole).
    Folders are identified by (device, inode), so a symlink loop is entered
    once; what cannot be read is added to ``problems``.
    """
    seen: set[tuple[int, int]] = set()
    for root in roots:
        path = os.fspath(root)
        try:
            info = os.stat(path)
        except OSError as exc:
            problems.append(Problem(path, _os_reason(exc), skipped=True))
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk_dir(path, info, problems, seen)
        elif stat.S_ISREG(info.st_mode):
            folder, name = os.path.split(path)
            yield folder, [(name, info.st_size, info.st_mtime_ns)], False
        else:
            problems.append(Problem(path, "not a file or folder", skipped=True))


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    if isinstance(exc, PermissionError):
        return "cannot be read: permission denied"
    if exc.errno == 40:  # ELOOP
        return "symbolic link loop"
    return f"cannot be read: {exc.strerror or exc}"


def _walk_dir(
    top: str, info: os.stat_result, problems: list[Problem], seen: set[tuple[int, int]]
) -> Iterator[tuple[str, Listing, bool]]:
    stack = [(top, info)]
    while stack:
        folder, folder_info = stack.pop()
        key = (folder_info.st_dev, folder_info.st_ino)
        if key in seen:
            continue
        seen.add(key)
        try:
            with os.scandir(folder) as entries:
                listing = list(entries)
        except OSError as exc:
            problems.append(Problem(folder, f"folder {_os_reason(exc)}", skipped=True))
            continue
        files: Listing = []
        subfolders = []
        for entry in listing:
            name = entry.name
            if name[0] == ".":
                continue
            # The common entry is an article file: one stat, no other checks.
            article = name.endswith(SUFFIXES) or name.lower().endswith(SUFFIXES)
            try:
                if not article:
                    if entry.is_dir():
                        subfolders.append((entry.path, entry.stat()))
                    continue
                st = entry.stat()
            except OSError as exc:
                if article or entry.is_symlink():
                    reason = "broken symbolic link" if isinstance(exc, FileNotFoundError) else _os_reason(exc)
                    problems.append(Problem(entry.path, reason, skipped=True))
                continue
            mode = st.st_mode
            if S_ISREG(mode):
                files.append((name, st.st_size, st.st_mtime_ns))
            elif S_ISDIR(mode):  # a folder named like an article
                subfolders.append((entry.path, st))
        yield folder, files, True
        stack.extend(reversed(subfolders))


# -- parsing into rows --------------------------------------------------------------


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.isoformat().replace("+00:00", "Z")


def _provider_json(provider: Provider | None) -> dict[str, Any] | None:
    if provider is None:
        return None
    return {"name": provider.name, "domain": provider.domain}


def _image_json(image: Image) -> dict[str, Any]:
    return {"url": image.url, "width": image.width, "height": image.height}


def _related_json(item: Related) -> dict[str, Any]:
    return {
        "title": item.title,
        "url": item.url,
        "provider": _provider_json(item.provider),
        "quality": item.quality,
        "published_at": _iso(item.published_at),
        "excerpt": item.excerpt,
    }


# json.dumps() builds an encoder for every call with options; one made once.
_TO_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def parse_rows(batch: list[tuple[str, int, int]]) -> list[tuple[Any, ...]]:
    """Parse files into database rows (runs in worker processes)."""
    from reader.parse import parse_file

    out = []
    for path, size, mtime in batch:
        article, problems = parse_file(path)
        problem_rows = [(p.line, p.reason, int(p.skipped)) for p in problems]
        if article is None:
            out.append((path, size, mtime, None, problem_rows))
            continue
        provider = article.provider
        # What `reader list --format json` needs beyond the columns; empty values left out.
        data = {
            key: value
            for key, value in (
                ("category", article.category),
                ("original_url", article.original_url),
                ("type", article.type),
                ("published_at", _iso(article.published_at)),
                ("images", [_image_json(i) for i in article.images]),
                ("related", [_related_json(r) for r in article.related]),
                ("has_secured", article.has_secured),
                ("extra", article.extra),
            )
            if value
        }
        when = article.published_at
        row = (
            article_uid(path),
            path,
            article.title,
            article.excerpt,
            article.url,
            None if when is None else int(when.timestamp()),
            article.quality,
            article.heat,
            None if article.published is None else int(article.published),
            provider.name if provider else None,
            provider.domain if provider else None,
            # casefolded here, since SQLite's lower() and NOCASE only fold ASCII
            "\n".join(x for x in (provider.name, provider.domain) if x).casefold() if provider else "",
            _TO_JSON(list(article.topics)),
            len(article.related),
            int(bool(article.body)),
            _TO_JSON(data),
        )
        fts = (
            article.title,
            article.excerpt or "",
            article.body[:FTS_BODY_CHARS],
            " ".join(x for x in (provider.name, provider.domain) if x) if provider else "",
            " ".join(article.topics),
        )
        out.append((path, size, mtime, (row, list(article.topics), fts), problem_rows))
    return out


def _chunked(items: Iterable[tuple[str, int, int]], size: int) -> Iterator[list[tuple[str, int, int]]]:
    chunk: list[tuple[str, int, int]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parse_safely(batch: list[tuple[str, int, int]]) -> list[tuple[Any, ...]]:
    """parse_rows() in this process; a file the parser fails on (a bug, not a
    bad file: those are problems already) is reported, and the rest kept."""
    try:
        return parse_rows(batch)
    except Exception:  # noqa: BLE001 - find the file, report it, go on
        pass
    out = []
    for item in batch:
        try:
            out.extend(parse_rows([item]))
        except Exception as exc:  # noqa: BLE001
            reason = f"could not be read: reader failed on it ({type(exc).__name__}: {exc})"
            out.append((*item, None, [(None, reason, 1)]))
    return out


# -- the library ---------------------------------------------------------------------


@dataclass(slots=True)
class RefreshStats:
    total: int = 0
    parsed: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    seconds: float = 0.0
    cold: bool = False


@dataclass(slots=True)
class Row:
    """One article as the list shows it (no body)."""

    id: int
    uid: str
    path: str
    title: str
    excerpt: str | None
    url: str | None
    published_at: int | None
    quality: float | None
    heat: float | None
    published: bool | None
    provider: str | None
    domain: str | None
    topics: list[str]
    n_related: int
    has_body: bool
    data: dict[str, Any] | None = None
    # The user's marks, filled in by the app from its state file (not the cache).
    read: bool = False
    starred: bool = False

    @property
    def published_datetime(self) -> datetime | None:
        if self.published_at is None:
            return None
        return datetime.fromtimestamp(self.published_at, timezone.utc)


ROW_COLUMNS = (
    "a.id, a.uid, a.path, a.title, a.excerpt, a.url, a.published_at, a.quality, a.heat, "
    "a.published, a.provider, a.domain, a.topics, a.n_related, a.has_body"
)


def _row(values: tuple[Any, ...], data: str | None = None) -> Row:
    row = Row(*values[:12], json.loads(values[12]), values[13], bool(values[14]))
    if type(row.path) is not str:  # a file name that is not UTF-8 (see sql_text)
        row.path = from_sql(row.path)
    if row.published is not None:
        row.published = bool(row.published)
    if data is not None:
        row.data = json.loads(data)
    return row


class CacheError(Exception):
    """The cache cannot be used; the library falls back to memory."""


class IndexBusy(sqlite3.OperationalError):
    """No index is open and another thread is building one: a query asked
    for now fails at once (as a locked database would) instead of waiting."""


class Library:
    """A set of roots, indexed in one SQLite database."""

    def __init__(
        self,
        roots: Iterable[os.PathLike[str] | str],
        cache_dir: Path | None = None,
        notice: Notice | None = None,
        workers: int | None = None,
    ) -> None:
        self.roots = [Path(os.path.abspath(os.path.expanduser(os.fspath(r)))) for r in roots]
        if cache_dir is None:
            from reader.config import cache_dir as default_cache

            cache_dir = default_cache()
        self.cache_dir = Path(cache_dir)
        self.notice = notice or (lambda message: None)
        self.workers = workers or max(1, os.cpu_count() or 1)
        key = "\n".join(sorted(os.fspath(r) for r in self.roots))
        digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        name = "".join(c if c.isalnum() else "-" for c in (self.roots[0].name if self.roots else "none"))[:40]
        self.db_path: Path | None = self.cache_dir / "index" / f"{name}-{digest}.sqlite3"
        self.walk_problems: list[Problem] = []
        self._db: sqlite3.Connection | None = None  # for queries
        self._memory: sqlite3.Connection | None = None  # the whole index when there is no cache
        self._lock = threading.RLock()  # guards the query connection
        self._write_lock = threading.Lock()  # one refresh at a time
        self._next_id = 1
        self._prefetched: tuple[threading.Thread, dict[str, Any]] | None = None
        self.state_path: Path | None = None  # the user's marks, for is:read and friends
        self._search: sqlite3.Connection | None = None
        self._search_lock = threading.Lock()
        self._provider_keys: list[str] | None = None  # distinct providers, for provider:
        self._state_attached = False

    # connections ----------------------------------------------------------------------
    #
    # Queries use one connection and refreshes open their own, so a long
    # refresh in a worker thread never blocks the screen: with WAL, readers
    # see each committed batch while the writer goes on. Without a cache
    # (the in-memory fallback) both share one connection.

    @property
    def in_memory(self) -> bool:
        return self.db_path is None

    def _connect(self, path: Path | str) -> sqlite3.Connection:
        db = sqlite3.connect(os.fspath(path), timeout=5.0, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 5000")
        return db

    def _create(self, path: Path | str) -> sqlite3.Connection:
        db = self._connect(path)
        if path == ":memory:":
            db.execute("PRAGMA journal_mode = MEMORY")
        else:
            _use_wal(db)
        db.execute("PRAGMA synchronous = OFF")  # a cache: after a power cut it is rebuilt
        db.executescript(SCHEMA)
        db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [("schema", str(SCHEMA_VERSION)), ("roots", json.dumps([os.fspath(r) for r in self.roots]))],
        )
        return db

    def _open_existing(self, writing: bool) -> sqlite3.Connection | None:
        """The cache if it exists and is usable; None when it must be built."""
        assert self.db_path is not None
        if not self.db_path.exists():
            return None
        try:
            db = self._connect(self.db_path)
            if writing:
                _use_wal(db)
                db.execute("PRAGMA synchronous = OFF")
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise CacheError(f"the cache {self.db_path} is locked by another process") from exc
            if not writing:
                raise
            self._discard(f"could not be read ({exc})")
            return None
        except sqlite3.DatabaseError as exc:
            if not writing:
                raise
            self._discard(f"was damaged ({exc})")
            return None
        if row is None or row[0] != str(SCHEMA_VERSION):
            db.close()
            if not writing:
                return None
            self._discard("was made by another version of reader")
            return None
        return db

    def _discard(self, why: str) -> None:
        assert self.db_path is not None
        self.close()
        self.notice(f"cache {self.db_path} {why}; rebuilding it")
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.unlink(f"{self.db_path}{suffix}")
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise CacheError(f"cannot remove the damaged cache {self.db_path}: {exc}") from exc

    def forget_cache(self, why: str) -> None:
        """A query met a damaged cache: drop it (with a notice) so that the
        next refresh builds it again, or reads without one if it cannot."""
        with self._write_lock:
            if self.db_path is None:
                return
            try:
                self._discard(f"was damaged ({why})")
            except CacheError as exc:
                self._fall_back(str(exc))

    def _fall_back(self, why: str) -> None:
        self.notice(f"{why}; reading without a cache this time")
        self.close()
        self.db_path = None

    def close(self) -> None:
        with self._lock:
            if self._db is not None and self._db is not self._memory:
                self._db.close()
            self._db = None
            self._state_attached = False
            self._provider_keys = None
        with self._search_lock:
            if self._search is not None:
                self._search.close()
                self._search = None

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open_cached(self) -> bool:
        """Use the cache as it is, without looking at the files (for a fast
        first screen); False when there is no usable cache yet."""
        if self._db is not None:
            return True
        if self.db_path is None:
            return False
        try:
            db = self._open_existing(writing=False)
        except (CacheError, sqlite3.DatabaseError):
            return False
        if db is None:
            return False
        with self._lock:
            self._db = db
        return True

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None and not self.open_cached():
            # Build it here, unless another thread is at it: never wait for
            # that thread, which may itself be waiting for this one (the
            # app's refresh hands its progress to the screen's thread).
            if not self._write_lock.acquire(blocking=False):
                raise IndexBusy("the index is being built")
            try:
                self._refresh_locked(None)
            finally:
                self._write_lock.release()
            if self._db is None:
                self.open_cached()
        if self._db is None:
            raise CacheError("the index could not be opened")
        return self._db

    # refresh ------------------------------------------------------------------------

    def refresh(self, progress: Progress | None = None) -> RefreshStats:
        """Bring the index up to date with the files; returns what changed.

        Never fails for the cache's sake: a damaged cache is rebuilt, one
        that cannot be used is replaced by an index in memory.
        """
        with self._write_lock:
            return self._refresh_locked(progress)

    def _refresh_locked(self, progress: Progress | None) -> RefreshStats:
        """refresh(), with the build lock held."""
        for attempt in range(3):
            try:
                return self._refresh(progress)
            except CacheError as exc:
                self._fall_back(str(exc))
            except sqlite3.DatabaseError as exc:
                if self.in_memory:
                    raise
                if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
                    self._fall_back(f"the cache {self.db_path} is locked by another process")
                elif isinstance(exc, sqlite3.OperationalError) and ("readonly" in str(exc) or "disk" in str(exc) or "unable to open" in str(exc)):
                    self._fall_back(f"the cache {self.db_path} cannot be written ({exc})")
                elif attempt == 0:
                    try:
                        self._discard(f"was damaged ({exc})")
                    except CacheError as again:
                        self._fall_back(str(again))
                else:
                    self._fall_back(f"the cache {self.db_path} cannot be used ({exc})")
        return self._refresh(progress)

    def _writer(self) -> tuple[sqlite3.Connection, bool]:
        """A connection to write with, and whether the index is new."""
        if self.db_path is None:
            if self._memory is None:
                self._memory = self._create(":memory:")
                with self._lock:
                    self._db = self._memory
                return self._memory, True
            return self._memory, False
        db = self._open_existing(writing=True)
        if db is not None:
            return db, False
        try:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
            return self._create(self.db_path), True
        except OSError as exc:
            raise CacheError(f"cannot write the cache in {self.db_path.parent} ({exc.strerror or exc})") from exc
        except sqlite3.OperationalError as exc:
            raise CacheError(f"cannot write the cache {self.db_path} ({exc})") from exc

    def _refresh(self, progress: Progress | None) -> RefreshStats:
        started = time.perf_counter()
        problems: list[Problem] = []
        db, new = self._writer()
        try:
            stats = self._update(db, problems, progress)
            stats.cold = new
            _keep_statistics(db, bool(stats.parsed or stats.removed))
        finally:
            if db is not self._memory:
                db.close()
        self.walk_problems = problems
        if stats.parsed or stats.removed:
            self._provider_keys = None
        if self._db is None:
            self.open_cached()
        stats.seconds = time.perf_counter() - started
        return stats

    def _update(self, db: sqlite3.Connection, problems: list[Problem], progress: Progress | None) -> RefreshStats:
        stats = RefreshStats()
        if not self._has_rows(db):
            # An empty index: every file is new, and the parsing starts while
            # the walk is still finding them.
            stats.parsed = self._parse_into(db, self._new_files(problems, stats), progress, fresh=True)
            return stats
        todo: dict[str, tuple[str, int, int]] = {}
        gone: list[str] = []
        whole_folders: set[str] = set()
        partial: dict[str, set[str]] = {}
        lookup = "SELECT name, size, mtime_ns FROM files WHERE dir = ? ORDER BY name"
        listed: dict[str, set[str]] = {}
        # A folder is met twice only when a root is a file inside another root.
        file_roots = any(root.is_file() for root in self.roots)
        nothing: set[str] = set()
        for folder, listing, whole in walk_folders(self.roots, problems):
            already = listed.setdefault(folder, set()) if file_roots else nothing
            if already:  # met again (a root file inside a walked root)
                listing = [item for item in listing if item[0] not in already]
            stats.total += len(listing)
            # The common case, nothing changed, is one list comparison in C:
            # the cache's rows come in name order (its primary key's).
            rows = db.execute(lookup, (sql_text(folder),)).fetchall()
            listing.sort()
            if whole and not already and rows == listing:
                if file_roots:
                    already.update(item[0] for item in listing)
                whole_folders.add(folder)
                continue
            current = set(listing)
            before = {(from_sql(name), size, mtime) for name, size, mtime in rows}
            fresh = current - before
            stale = {name for name, _, _ in before - current} - already
            if file_roots:
                already.update(item[0] for item in listing)
            for name, size, mtime in fresh:
                path = os.path.join(folder, name)
                todo[path] = (path, size, mtime)
                if name in stale:
                    stats.changed += 1
                else:
                    stats.added += 1
            if whole:
                whole_folders.add(folder)
                if stale:
                    stale.difference_update(name for name, _, _ in fresh)
                    gone.extend(os.path.join(folder, name) for name in stale)
            else:
                partial.setdefault(folder, set()).update(name for name, _, _ in listing)
        for (stored,) in db.execute("SELECT DISTINCT dir FROM files").fetchall():
            folder = from_sql(stored)
            if folder in whole_folders:
                continue
            keep = partial.get(folder, set())
            names = [from_sql(n) for (n,) in db.execute("SELECT name FROM files WHERE dir = ?", (stored,))]
            gone.extend(os.path.join(folder, n) for n in names if n not in keep)
        stats.removed = len(gone)
        if gone:
            db.execute("BEGIN IMMEDIATE")
            try:
                for start in range(0, len(gone), 500):
                    self._forget(db, gone[start : start + 500])
                db.execute("COMMIT")
            except BaseException:
                _rollback(db)
                raise
        if todo:
            stats.parsed = self._parse_into(db, list(todo.values()), progress, fresh=stats.total == stats.added and not gone and not self._has_rows(db))
        elif progress:
            progress(0, 0)
        return stats

    def _new_files(self, problems: list[Problem], stats: RefreshStats) -> Iterator[tuple[str, int, int]]:
        """Every article file under the roots, as the walk finds them (counted in ``stats``)."""
        # A folder is met twice only when a root is a file inside another root.
        listed: dict[str, set[str]] | None = {} if any(root.is_file() for root in self.roots) else None
        for folder, listing, _ in walk_folders(self.roots, problems):
            if listed is not None:
                already = listed.setdefault(folder, set())
                listing = [item for item in listing if item[0] not in already]
                already.update(item[0] for item in listing)
            stats.total += len(listing)
            stats.added += len(listing)
            for name, size, mtime in listing:
                yield os.path.join(folder, name), size, mtime

    @staticmethod
    def _forget(db: sqlite3.Connection, paths: list[str]) -> None:
        if not paths:
            return
        marks = ",".join("?" * len(paths))
        stored = [sql_text(p) for p in paths]
        ids = [r[0] for r in db.execute(f"SELECT id FROM articles WHERE path IN ({marks})", stored)]
        if ids:
            id_marks = ",".join("?" * len(ids))
            db.execute(f"DELETE FROM fts WHERE rowid IN ({id_marks})", ids)
            db.execute(f"DELETE FROM topics WHERE article IN ({id_marks})", ids)
            db.execute(f"DELETE FROM articles WHERE id IN ({id_marks})", ids)
            db.execute(f"DELETE FROM article_data WHERE id IN ({id_marks})", ids)
        db.execute(f"DELETE FROM problems WHERE path IN ({marks})", stored)
        db.executemany(
            "DELETE FROM files WHERE dir = ? AND name = ?",
            [tuple(sql_text(part) for part in os.path.split(p)) for p in paths],
        )

    @staticmethod
    def _has_rows(db: sqlite3.Connection) -> bool:
        return db.execute("SELECT 1 FROM files LIMIT 1").fetchone() is not None

    def _parse_into(
        self, db: sqlite3.Connection, todo: Iterable[tuple[str, int, int]], progress: Progress | None, fresh: bool = False
    ) -> int:
        """Parse files (in worker processes when there are many) and store them
        in batches, each its own transaction, so readers see articles arrive.

        ``todo`` may be a list (sorted here) or an iterator that a walk still
        feeds: then the workers start on the first files while the walk goes on.
        """
        source = iter(todo)
        head = list(itertools.islice(source, PARALLEL_MIN))
        total = len(head)  # until all is known
        done = 0
        pool = None
        if len(head) >= PARALLEL_MIN and self.workers >= 2:
            try:
                pool = _pool(self.workers)
            except (OSError, ValueError) as exc:
                # No worker processes here (e.g. no usable stderr): parse in this one.
                self.notice(f"parsing in one process ({exc})")
        # A list, or files too few for workers: sorted and cut to size.
        whole = pool is None or isinstance(todo, list)
        if whole:
            items = head + list(source)
            items.sort()
            total = len(items)
            # Tasks small enough that both workers finish near the same time.
            size = min(CHUNK, max(64, total // (4 * max(1, self.workers))))
            chunks: Iterator[list[tuple[str, int, int]]] = (items[i : i + size] for i in range(0, total, size))
        else:
            chunks = _chunked(itertools.chain(head, source), CHUNK)
        if progress and whole:
            progress(0, total)
        submitted = [0]
        if pool is None:
            results: Iterator[list[tuple[Any, ...]]] = map(_parse_safely, chunks)
        else:
            results = self._parse_in(pool, chunks, submitted)
        pending: list[tuple[Any, ...]] = []
        if fresh:
            # No merging of FTS segments while a new index fills: FTS5's own
            # "crisis" merges keep their number bounded, and a final 'optimize'
            # (a third of a second at 100k articles) made no query measurably
            # quicker (bench/run.py).
            db.execute("INSERT INTO fts(fts, rank) VALUES ('automerge', 0)")
        try:
            for rows in results:
                if pool is not None and total != submitted[0]:
                    total = submitted[0]  # all is handed out before the first result is taken
                    if progress:
                        progress(done, total)
                pending.extend(rows)
                if len(pending) >= COMMIT_EVERY:
                    self._commit(db, pending, fresh)
                    done += len(pending)
                    pending = []
                    if progress:
                        progress(done, total)
            self._commit(db, pending, fresh)
            done += len(pending)
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        _make_indexes(db)
        if fresh:
            db.execute("INSERT INTO fts(fts, rank) VALUES ('automerge', 4)")
        if done >= PARALLEL_MIN:
            # Fold the write-ahead log into the file now, so later runs do not
            # read through a log as big as the index.
            try:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError:
                pass  # a reader holds the log; SQLite checkpoints later
        if progress:
            progress(done, total)
        return done

    def _parse_in(
        self, pool: Any, chunks: Iterable[list[tuple[str, int, int]]], submitted: list[int]
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Parsed chunks from the worker processes, as they finish; every
        chunk is handed out first (``submitted`` counts their files).

        A chunk whose worker failed (raised, or died: killed, out of memory)
        is parsed here instead, so no file is lost and nothing waits for a
        result that will never come.
        """
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        futures = {}
        kept = []  # chunks a broken pool would not take
        for chunk in chunks:
            submitted[0] += len(chunk)
            if kept:
                kept.append(chunk)
                continue
            try:
                futures[pool.submit(parse_rows, chunk)] = chunk
            except RuntimeError:  # BrokenProcessPool: a worker died during the walk
                kept.append(chunk)
        if kept:
            self.notice("a worker process stopped; parsing its files in the main process")
            for chunk in kept:
                yield _parse_safely(chunk)
        told = bool(kept)
        for future in as_completed(futures):
            chunk = futures.pop(future)
            try:
                rows = future.result()
            except Exception as exc:  # noqa: BLE001 - any failure of a worker: parse the chunk here
                if not told:
                    told = True
                    why = "a worker process stopped" if isinstance(exc, BrokenProcessPool) else f"a worker process failed ({exc!r})"
                    self.notice(f"{why}; parsing its files in the main process")
                rows = _parse_safely(chunk)
            yield rows

    def _commit(self, db: sqlite3.Connection, rows: list[tuple[Any, ...]], fresh: bool = False) -> None:
        """One transaction: drop what these files gave before, store what they give now.

        ``fresh`` (a first build into an empty index) skips the dropping.
        """
        if not rows:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            self._next_id = (db.execute("SELECT max(id) FROM articles").fetchone()[0] or 0) + 1
            if not fresh:
                self._forget(db, [row[0] for row in rows])
            self._store(db, rows)
            db.execute("COMMIT")
        except sqlite3.IntegrityError:
            _rollback(db)
            if not fresh:
                raise
            # Another process is filling the same new cache: replace its rows.
            self._commit(db, rows, fresh=False)
        except UnicodeEncodeError:
            # Text SQLite cannot take (a title made from a file name that is
            # not UTF-8): store it with the odd bytes shown as U+FFFD.
            _rollback(db)
            self._commit(db, [(*row[:3], _scrub(row[3]), row[4]) for row in rows], fresh)
        except BaseException:
            _rollback(db)
            raise

    def _store(self, db: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
        """Insert one batch of parsed files; ids are handed out here so every
        table is written with one executemany."""
        files = []
        problems = []
        articles = []
        topics = []
        fts = []
        next_id = self._next_id
        extras = []
        for path, size, mtime, parsed, problem_rows in rows:
            article_id = None
            if parsed is not None:
                row, names, text = parsed
                article_id = next_id
                next_id += 1
                key = sql_text(identity(row[4], path, self.roots))
                articles.append((article_id, row[0], sql_text(path), *row[2:-1], key))
                extras.append((article_id, row[-1]))
                topics.extend((article_id, t, t.casefold()) for t in names)
                fts.append((article_id, *text))
            folder, name = os.path.split(path)
            files.append((sql_text(folder), sql_text(name), size, mtime, article_id))
            problems.extend(
                (sql_text(path), line, _plain(reason), skipped) for line, reason, skipped in problem_rows
            )
        self._next_id = next_id
        db.executemany(
            "INSERT INTO articles(id, uid, path, title, excerpt, url, published_at, quality, heat, "
            "published, provider, domain, provider_key, topics, n_related, has_body, ident) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            articles,
        )
        db.executemany("INSERT INTO article_data VALUES (?, ?)", extras)
        db.executemany("INSERT INTO topics VALUES (?, ?, ?)", topics)
        db.executemany("INSERT INTO fts(rowid, title, excerpt, body, provider, topics) VALUES (?,?,?,?,?,?)", fts)
        db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", files)
        if problems:
            db.executemany("INSERT INTO problems VALUES (?, ?, ?, ?)", problems)

    # queries ------------------------------------------------------------------------

    def _where(self, query: Query | None, prefix_last: bool = False) -> tuple[list[str], list[Any], str | None]:
        """SQL conditions and parameters for a query; the FTS expression if any."""
        clauses: list[str] = []
        params: list[Any] = []
        match = None
        if query is None:
            return clauses, params, match
        positive = [t for t in query.words if not t.negated]
        # The word being typed: the last thing in the text, with no space after it.
        typing = bool(prefix_last and positive and query.terms and positive[-1] is query.terms[-1] and not query.text.endswith(" "))
        if typing and positive[-1].kind == "word" and len(str(positive[-1].value)) < 3:
            # Too short to be a useful prefix: not yet part of the search.
            positive = positive[:-1]
            typing = False
        if positive:
            match = fts_expression(positive, typing)
        for term in query.terms:
            if term.kind == "provider":
                clause, values = self._provider_condition(str(term.value))
            elif term.kind == "is" and term.value in MARK_WORDS:
                clause, values = self._mark_condition(str(term.value))
            else:
                clause, values = _condition(term)
            if clause is None:
                continue
            clauses.append(f"NOT ({clause})" if term.negated else clause)
            params.extend(values)
        return clauses, params, match

    def _mark_condition(self, word: str) -> tuple[str, list[Any]]:
        """is:read / is:unread / is:starred / is:unstarred, from the user's state
        file (attached to the query connection; the cache holds no marks)."""
        table = "read" if word in ("read", "unread") else "starred"
        positive = word in ("read", "starred")
        if not self._attach_state():
            return ("0" if positive else "1"), []
        inside = f"a.ident IN (SELECT key FROM st.{table})"
        return (inside if positive else f"NOT {inside}"), []

    def _attach_state(self) -> bool:
        if self._state_attached:
            return True
        if self.state_path is None or not os.path.exists(self.state_path):
            return False
        self.db  # opened (or built) before the lock, which a refresh takes too
        with self._lock:
            if self._state_attached:
                return True
            try:
                for db in (self._db, self._search):
                    if db is None:
                        continue
                    names = [r[0] for r in db.execute("PRAGMA database_list")]
                    if "st" not in names:
                        db.execute("ATTACH DATABASE ? AS st", (os.fspath(self.state_path),))
                    tables = db.execute("SELECT count(*) FROM st.sqlite_master WHERE name IN ('read', 'starred')").fetchone()[0]
                    if tables != 2:
                        db.execute("DETACH DATABASE st")
                        return False  # not a state file (yet): no marks to ask about
            except sqlite3.Error:
                return False
            self._state_attached = True
            return True

    def _search_connection(self, main: sqlite3.Connection) -> sqlite3.Connection:
        """A connection of its own for id lists, so a search can be interrupted
        (when a newer one comes) without touching anything else. ``main`` is
        self.db, taken by the caller before any lock (it may build the index)."""
        if self.db_path is None:
            return main
        if self._search is None:
            self._search = self._connect(self.db_path)
            if self._state_attached and self.state_path is not None:
                self._search.execute("ATTACH DATABASE ? AS st", (os.fspath(self.state_path),))
        return self._search

    def _provider_condition(self, needle: str) -> tuple[str, list[Any]]:
        """provider:x matches any provider whose name or domain holds x.

        The few hundred distinct providers are matched here, so SQLite looks
        up the articles through an index instead of testing every row.
        """
        keys = self._provider_keys
        if keys is None:
            db = self.db  # may build the index: before the lock, which a refresh takes too
            with self._lock:
                keys = [k for (k,) in db.execute("SELECT DISTINCT provider_key FROM articles")]
            self._provider_keys = keys  # until a refresh changes the articles
        wanted = needle.casefold()
        hits = [k for k in keys if wanted in k]
        if not hits:
            return "0", []
        return f"a.provider_key IN ({','.join('?' * len(hits))})", hits

    def _select(
        self, columns: str, query: Query | None, sort: str | None, reverse: bool, prefix_last: bool
    ) -> tuple[str, list[Any]]:
        clauses, params, match = self._where(query, prefix_last)
        sort = sort or (query.sort if query else None)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        if sort is None and match is not None and columns == "a.id" and _fts_only(clauses):
            # Free words (and topics), best match first: FTS5 alone ranks its
            # matches in less than half the time of a join with the articles table.
            where = "".join(f" AND {_on_fts(c)}" for c in clauses)
            return f"{FTS_RANKED}{where} ORDER BY rank{' DESC' if reverse else ''}", [match, *params]
        source = "articles a"
        if match is not None:
            source = "fts JOIN articles a ON a.id = fts.rowid"
            clauses.insert(0, "fts MATCH ?")
            params.insert(0, match)
            where = f" WHERE {' AND '.join(clauses)}"
        if sort is None and match is not None:
            # "+" keeps FTS5 from sorting: it would rank every match before the
            # other conditions drop any (3x slower for a common word and a
            # quality filter). SQLite sorts those left; ties by id, as FTS5 does.
            order = f"+fts.rank{' DESC' if reverse else ''}, a.id"
        else:
            column = SORT_COLUMNS[sort or "quality"]
            high_first = (sort or "quality") != "title"
            direction = "DESC" if high_first != reverse else "ASC"
            # Ties broken in the index's own order, so a plain index scan serves it.
            order = f"{column} {direction} NULLS LAST, a.id {direction}"
        return f"SELECT {columns} FROM {source}{where} ORDER BY {order}", params

    def search(
        self,
        query: Query | None = None,
        sort: str | None = None,
        reverse: bool = False,
        limit: int | None = None,
        offset: int = 0,
        with_data: bool = False,
        prefix_last: bool = False,
    ) -> list[Row]:
        """Articles matching ``query``, sorted; missing sort values come last.

        With free words and no sort, the best FTS matches come first.
        """
        if limit is not None:
            ranked, params = self._select("a.id", query, sort, reverse, prefix_last)
            if ranked.startswith(FTS_RANKED):
                # Free words (and topics), best match first, one page: FTS5
                # ranks on its own, then only the page's rows are read.
                db = self.db
                with self._lock:
                    ids = [r[0] for r in db.execute(ranked + " LIMIT ? OFFSET ?", [*params, limit, offset])]
                return self.rows(ids, with_data)
        columns = ROW_COLUMNS + (DATA_COLUMN if with_data else "")
        sql, params = self._select(columns, query, sort, reverse, prefix_last)
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        db = self.db  # may build the index: before the lock, which a refresh takes too
        with self._lock:
            cursor = db.execute(sql, params)
            return [_row(r[:15], r[15] if with_data else None) for r in cursor]

    def prefetch(self) -> None:
        """Start reading the default view's ids in a thread, so they are ready
        when the screen asks (the app calls this before Textual loads)."""
        if self._prefetched is not None or not self.open_cached():
            return
        holder: dict[str, Any] = {}

        def run() -> None:
            try:
                holder["ids"] = self.ids()
            except (sqlite3.Error, CacheError):
                pass

        thread = threading.Thread(target=run, name="reader-prefetch", daemon=True)
        thread.start()
        self._prefetched = (thread, holder)

    def ids(
        self, query: Query | None = None, sort: str | None = None, reverse: bool = False, prefix_last: bool = False
    ) -> array[int]:
        """The ids of every matching article, in order: a compact list the
        screen pages through with rows()."""
        if self._prefetched is not None and not query and sort in (None, "quality") and not reverse:
            thread, holder = self._prefetched
            self._prefetched = None
            if thread is not threading.current_thread():
                thread.join()
                if "ids" in holder:
                    return holder["ids"]
        sql, params = self._select("a.id", query, sort, reverse, prefix_last)
        # One row, not one a match: SQLite builds the list in C with the GIL
        # released, so the screen's thread is not slowed by 100k row steps.
        # (LIMIT -1 keeps the subquery, and so its order, as written.)
        with self._searching() as db:
            joined = db.execute(f"SELECT group_concat(id) FROM ({sql} LIMIT -1)", params).fetchone()[0]
        return array("q", json.loads(f"[{joined}]") if joined else [])

    @contextmanager
    def _searching(self) -> Iterator[sqlite3.Connection]:
        """The search connection, held: one id list at a time, and one that
        interrupt() can stop without touching anything else."""
        main = self.db  # opened (or built) before the locks, which a refresh takes too
        with self._search_lock:
            db = self._search_connection(main)
            with self._lock if db is self._db else _NO_LOCK:
                yield db

    def first(
        self,
        query: Query | None = None,
        sort: str | None = None,
        reverse: bool = False,
        prefix_last: bool = False,
        limit: int | None = None,
        keep: int | None = None,
    ) -> tuple[array[int], int] | None:
        """The best ``limit`` (FIRST_PAGE) matches of a search ranked by relevance, and how
        many match in all: what a list's first screen needs, sooner than the
        whole ranked list (SQLite keeps only the best rows as it goes, where
        FTS5's own ORDER BY rank sorts every match with its positions; a
        common word's 20k matches rank in about two thirds of the time).

        The rows come in the order ids() gives them (ties by id, as FTS5
        orders them). None for other lists (no free words, a sort chosen, or
        conditions on the articles table): ids() reads those in one go. None
        too when article ``keep`` matches but is not among the best.
        """
        clauses, params, match = self._where(query, prefix_last)
        if match is None or not _fts_only(clauses) or (sort or (query.sort if query else None)) is not None:
            # Not ranked, or ranked after other conditions (ids() reads those
            # in one pass; here they would cost two, the count and the best).
            return None
        where = "".join(f" AND {_on_fts(c)}" for c in clauses)
        inner = f"SELECT rowid AS id, rank AS r FROM fts WHERE fts MATCH ?{where}"
        # LIMIT -1 keeps the inner query apart, so FTS5 is not asked to sort.
        best = f"SELECT group_concat(id) FROM (SELECT id FROM ({inner} LIMIT -1) ORDER BY r{' DESC' if reverse else ''}, id LIMIT ?)"
        count = f"SELECT count(*) FROM fts WHERE fts MATCH ?{where}"
        with self._searching() as db:
            joined = db.execute(best, [match, *params, limit or FIRST_PAGE]).fetchone()[0]
            head = array("q", json.loads(f"[{joined}]") if joined else [])
            if keep is not None and len(head) == (limit or FIRST_PAGE) and keep not in head:
                if db.execute(f"{count} AND rowid = ?", [match, *params, keep]).fetchone()[0]:
                    return None
            total = db.execute(count, [match, *params]).fetchone()[0]
        return head, total

    def plan(
        self, query: Query | None = None, sort: str | None = None, reverse: bool = False, prefix_last: bool = False
    ) -> tuple[str, tuple[Any, ...]] | None:
        """What ids() would run for these arguments: equal plans give equal
        lists (while the library is unchanged), so the caller may skip one.

        None when telling would take the database (providers are looked up,
        marks need the state file): the plan is asked for on the screen's thread.
        """
        for term in query.terms if query else ():
            if term.kind == "provider" or (term.kind == "is" and term.value in MARK_WORDS):
                return None
        sql, params = self._select("a.id", query, sort, reverse, prefix_last)
        return sql, tuple(params)

    def interrupt(self) -> None:
        """Stop an id list being read for an earlier search (it raises "interrupted")."""
        db = self._search
        if db is not None:
            try:
                db.interrupt()
            except sqlite3.ProgrammingError:
                pass

    def idents(self, ids: Iterable[int]) -> list[str]:
        """The marks keys (reader.state.identity) of these articles."""
        wanted = list(ids)
        out: list[str] = []
        db = self.db  # may build the index: before the lock, which a refresh takes too
        with self._lock:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                out.extend(from_sql(r[0]) for r in db.execute(f"SELECT ident FROM articles WHERE id IN ({marks})", chunk))
        return out

    def rows(self, ids: Iterable[int], with_data: bool = False) -> list[Row]:
        """The articles with these ids, in the order given (missing ones left out)."""
        wanted = list(ids)
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        columns = ROW_COLUMNS + (DATA_COLUMN if with_data else "")
        db = self.db  # may build the index: before the lock, which a refresh takes too
        with self._lock:
            found = {
                r[0]: _row(r[:15], r[15] if with_data else None)
                for r in db.execute(f"SELECT {columns} FROM articles a WHERE a.id IN ({marks})", wanted)
            }
        return [found[i] for i in wanted if i in found]

    def count(self, query: Query | None = None, prefix_last: bool = False) -> int:
        sql, params = self._count_sql(query, prefix_last)
        db = self.db  # may build the index: before the lock, which a refresh takes too
        with self._lock:
            return db.execute(sql, params).fetchone()[0]

    def _count_sql(self, query: Query | None, prefix_last: bool = False) -> tuple[str, list[Any]]:
        clauses, params, match = self._where(query, prefix_last)
        if match is not None and _fts_only(clauses):
            # free words (and topics): FTS5 counts its matches without the articles table
            where = "".join(f" AND {_on_fts(c)}" for c in clauses)
            sql, params = f"SELECT count(*) FROM fts WHERE fts MATCH ?{where}", [match, *params]
        elif match is None and clauses == [TOPIC_CONDITION]:
            # one topic (the sidebar's question): its index answers alone
            sql = "SELECT count(DISTINCT article) FROM topics WHERE key = ?"
        else:
            source = "articles a"
            if match is not None:
                source = "fts JOIN articles a ON a.id = fts.rowid"
                clauses.insert(0, "fts MATCH ?")
                params.insert(0, match)
            where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
            sql = f"SELECT count(*) FROM {source}{where}"
        return sql, params

    def get(self, uid_or_path: str) -> Row | None:
        """One article by its id or its file path."""
        path = os.path.abspath(os.path.expanduser(uid_or_path))
        db = self.db  # may build the index: before the lock, which a refresh takes too
        with self._lock:
            found = db.execute(
                f"SELECT {ROW_COLUMNS}, d.data FROM articles a JOIN article_data d ON d.id = a.id "
                "WHERE a.uid = ? OR a.path = ?",
                (sql_text(uid_or_path), sql_text(path)),
            ).fetchone()
        return None if found is None else _row(found[:15], found[15])

    def by_url(self, urls: Iterable[str]) -> dict[str, Row]:
        """Articles in the library whose link is one of ``urls``."""
        wanted = [u for u in dict.fromkeys(urls) if u]
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        db = self.db  # may build the index: before the lock, which a refresh takes too
        with self._lock:
            # An article's ident is its url, trimmed (state.identity): its index finds them.
            rows = db.execute(
                f"SELECT {ROW_COLUMNS} FROM articles a WHERE a.ident IN ({marks}) AND a.url IN ({marks})",
                [sql_text(u.strip()) for u in wanted] + wanted,
            ).fetchall()
        return {r[5]: _row(r) for r in rows}

    def topics(self, query: Query | None = None, with_quality: bool = True) -> list[tuple[str, int, float | None]]:
        """(topic, article count, mean quality), most articles first.

        Without a query and without quality, the counts come from the topic
        index alone (the sidebar's case: a few ms at 100k articles).
        """
        if not query and not with_quality:
            sql = "SELECT min(topic), count(*), NULL FROM topics GROUP BY key ORDER BY count(*) DESC, key"
            db = self.db  # may build the index: before the lock, which a refresh takes too
            with self._lock:
                return [(name, n, mean) for name, n, mean in db.execute(sql)]
        clauses, params, match = self._where(query)
        source = "topics t JOIN articles a ON a.id = t.article"
        if match is not None:
            source += " JOIN fts ON fts.rowid = a.id"
            clauses.insert(0, "fts MATCH ?")
            params.insert(0, match)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = (
            f"SELECT min(t.topic), count(*), avg(a.quality) FROM {source}{where} "
            "GROUP BY t.key ORDER BY count(*) DESC, t.key"
        )
        db = self.db  # may build the index: before the lock, which a refresh takes too
        with self._lock:
            return [(name, n, mean) for name, n, mean in db.execute(sql, params)]

    def problems(self) -> list[Problem]:
        """Every problem and warning: the walk's first, then by file and line."""
        db = self.db  # may build the index: before the lock, which a refresh takes too
        with self._lock:
            rows = db.execute("SELECT path, line, reason, skipped FROM problems ORDER BY path, line").fetchall()
        return list(self.walk_problems) + [Problem(from_sql(p), r, line=l, skipped=bool(s)) for p, l, r, s in rows]

    def article_count(self) -> int:
        db = self.db  # may build the index: before the lock, which a refresh takes too
        with self._lock:
            return db.execute("SELECT count(*) FROM articles").fetchone()[0]


def _plain(text: str) -> str:
    """Text as SQLite can store it: lone surrogates shown as U+FFFD."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape" if _escapes_only(text) else "surrogatepass").decode("utf-8", "replace")
    return text


def _escapes_only(text: str) -> bool:
    return all(not "\ud800" <= c <= "\udfff" or "\udc80" <= c <= "\udcff" for c in text)


def _scrub(value: Any) -> Any:
    """``value`` (parsed rows: tuples, lists, strs) with every str made storable."""
    if isinstance(value, str):
        return _plain(value)
    if isinstance(value, (tuple, list)):
        return type(value)(_scrub(v) for v in value)
    return value


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NO_LOCK = _NoLock()


def _use_wal(db: sqlite3.Connection, timeout: float = 5.0) -> None:
    """WAL mode; a file another process is opening at the same moment can
    answer "locked" at once (without waiting), so retry for a while."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _rollback(db: sqlite3.Connection) -> None:
    """Undo the open transaction, if SQLite has not undone it already (it
    does on "disk full"): the error that led here is the one to report."""
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass


def _keep_statistics(db: sqlite3.Connection, changed: bool) -> None:
    """Gather the query planner's figures (ANALYZE: a fifth of a second at
    100k articles, once a cache), and refresh them when the articles changed.
    Without them SQLite 3.51 answers `until:2018`, best first, from the date
    index and sorts 30k rows (50 ms), where walking the quality index takes
    1 ms; with them (STAT4) it knows how many rows a range holds."""
    try:
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() is None:
            db.execute("ANALYZE")
        elif changed:
            db.execute("PRAGMA optimize")
    except sqlite3.Error:
        pass  # a busy or read-only cache: queries still work, planned without figures


def _make_indexes(db: sqlite3.Connection) -> None:
    for statement in INDEXES.strip().split(";"):
        if statement.strip():
            db.execute(statement)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _epoch(day: date, end: bool = False) -> int:
    moment = datetime.combine(day, dtime.max if end else dtime.min, tzinfo=timezone.utc)
    return int(moment.timestamp())


def _fts_only(clauses: list[str]) -> bool:
    """Whether these conditions can be checked on FTS rowids alone (no articles row)."""
    return all(c in (TOPIC_CONDITION, f"NOT ({TOPIC_CONDITION})") for c in clauses)


def _on_fts(clause: str) -> str:
    # "+" keeps SQLite from handing the rowid list to FTS5, which would run
    # the whole search once for every article of the topic.
    return clause.replace("a.id IN", "+fts.rowid IN")


def _condition(term: Term) -> tuple[str | None, list[Any]]:
    kind, value = term.kind, term.value
    if kind in ("word", "phrase"):
        if not term.negated:
            return None, []
        return "a.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)", [fts_expression([term])]
    if kind == "topic":
        return TOPIC_CONDITION, [str(value).casefold()]
    if kind == "provider":
        return "instr(a.provider_key, ?) > 0", [str(value).casefold()]
    if kind in ("quality", "heat"):
        op = term.op if term.op != "=" else "="
        return f"(a.{kind} IS NOT NULL AND a.{kind} {op} ?)", [value]
    if kind == "since":
        return "(a.published_at IS NOT NULL AND a.published_at >= ?)", [_epoch(value)]  # type: ignore[arg-type]
    if kind == "until":
        return "(a.published_at IS NOT NULL AND a.published_at <= ?)", [_epoch(value, end=True)]  # type: ignore[arg-type]
    if kind == "is":
        if value in MARK_WORDS:
            return None, []  # answered by Library._mark_condition (the state file)
        return ("a.published IS 1" if value == "published" else "a.published IS 0"), []
    return None, []



def _pool(workers: int) -> Any:
    """Worker processes for parsing; fork when it is safe, else spawn.

    A ProcessPoolExecutor, not multiprocessing.Pool: when a worker dies, the
    executor says so (BrokenProcessPool) where Pool would wait forever for
    the lost task.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    # multiprocessing hands sys.stderr's file descriptor to its helper process.
    # Inside the app, stderr is Textual's capture, whose fileno() is -1: use
    # the process's real stderr while the pool starts.
    captured = sys.stderr
    try:
        if captured is not None and captured.fileno() >= 0:
            captured = None
    except (AttributeError, OSError, ValueError):
        pass
    if captured is None or sys.__stderr__ is None:
        return ProcessPoolExecutor(workers, mp_context=context)
    sys.stderr = sys.__stderr__
    try:
        return ProcessPoolExecutor(workers, mp_context=context)
    finally:
        sys.stderr = captured
