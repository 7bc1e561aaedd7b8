"""The user's own state: read and starred marks, saved searches, query history.

It lives in one SQLite file in the user's data folder (``data_dir() /
"state.sqlite3"``, XDG_DATA_HOME honoured), never in the cache: deleting the
cache or re-indexing a library loses none of it.

Marks are keyed by an identity that survives moving or re-downloading a file
(see ``identity``). Every change is one short ``BEGIN IMMEDIATE`` transaction
in WAL mode with ``synchronous = FULL``, so two reader processes sharing the
file lose no marks, and a killed process keeps everything it had been told
was saved. A damaged file is moved aside (never deleted) with a notice and a
fresh one started; a file held locked by another process past the busy
timeout raises ``StateError`` instead of hanging.

The file itself (opening, damage, connections, transactions) is
reader.statefile's StateFile; State adds what is kept in it.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

from reader.text import kind_of
from reader.sqlite import chunks, marks, sqlite3
from reader.statefile import STATE_FILE, StateError, StateFile, default_path  # noqa: F401 (the state's names)

EXPORT_VERSION = 1
HISTORY_LIMIT = 200
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

Notice = Callable[[str], None]
T = TypeVar("T")

@dataclass(frozen=True, slots=True)
class Counts:
    """How many of each kind of item an import added (or an export wrote)."""

    read: int = 0
    starred: int = 0
    searches: int = 0
    history: int = 0


def identity(url: str | None, path: str, roots: list[Path]) -> str:
    """The key an article's marks are stored under.

    Its URL (Row.url: webUrl, else originalUrl) when it has one, so moving or
    renaming the file keeps its marks; otherwise ``"path:"`` and its path
    relative to the library root holding it (the outermost, when roots nest),
    so moving the whole library keeps them. A root that is a file counts from
    its folder; a path under no root is kept whole.
    """
    if url:
        url = url.strip()
        if url:
            return url
    full = os.path.abspath(path)
    best: str | None = None
    for root in roots:
        base = os.path.abspath(root)
        if full == base:  # a root that is the file itself
            rel = os.path.basename(full)
        elif full.startswith(base.rstrip(os.sep) + os.sep):
            rel = full[len(base.rstrip(os.sep)) + 1 :]
        else:
            continue
        if best is None or len(rel) > len(best):  # the outermost root gives the longest path
            best = rel
    rel = best if best is not None else full
    if os.sep != "/":
        rel = rel.replace(os.sep, "/")
    return "path:" + rel


def sql_text(text: str) -> str | bytes:
    """``text`` as SQLite is given it: itself when it is valid Unicode (nearly
    always), else its bytes (a BLOB).

    A file name that is not UTF-8 comes to Python as a str with lone
    surrogates (surrogateescape), which SQLite cannot take as text. Its raw
    bytes are stored instead. The choice depends on the text alone, so one
    name is always stored, and compared, the same way; from_sql() gives back
    the exact str, so the file can still be opened.
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a surrogate no file name has: kept as close as can be
            return text.encode("utf-8", "surrogatepass")
    return text


def from_sql(value: str | bytes) -> str:
    """The str that sql_text() stored."""
    if type(value) is str:
        return value
    return bytes(value).decode("utf-8", "surrogateescape")


def _as_keys(keys: Iterable[str] | str) -> list[str]:
    if isinstance(keys, str):
        return [keys]
    return list(dict.fromkeys(keys))


class State(StateFile):
    """Read/starred marks, saved searches and query history in one SQLite
    file (StateFile: safe to share between threads and processes)."""

    # marks ----------------------------------------------------------------------

    def _has(self, table: str, key: str) -> bool:
        return self._read(
            "read the marks",
            lambda db: db.execute(f"SELECT 1 FROM {table} WHERE key = ?", (sql_text(key),)).fetchone() is not None,
        )

    def _among(self, table: str, keys: Iterable[str]) -> set[str]:
        wanted = _as_keys(keys)
        if not wanted:
            return set()

        def work(db: sqlite3.Connection) -> set[str]:
            found: set[str] = set()
            for chunk in chunks(wanted):
                params = [sql_text(k) for k in chunk]
                found.update(from_sql(k) for (k,) in db.execute(f"SELECT key FROM {table} WHERE key IN ({marks(len(chunk))})", params))
            return found

        return self._read("read the marks", work)

    def _all(self, table: str) -> set[str]:
        return self._read("read the marks", lambda db: {from_sql(k) for (k,) in db.execute(f"SELECT key FROM {table}")})

    def _set(self, table: str, keys: list[str], on: bool, action: str) -> int:
        if not keys:
            return 0
        now = int(time.time())

        def work(db: sqlite3.Connection) -> int:
            before = db.total_changes
            if on:
                db.executemany(f"INSERT OR IGNORE INTO {table}(key, at) VALUES (?, {now})", ((sql_text(k),) for k in keys))
            else:
                db.executemany(f"DELETE FROM {table} WHERE key = ?", ((sql_text(k),) for k in keys))
            return db.total_changes - before

        return self._write(action, work)

    def _toggle(self, table: str, key: str, action: str) -> bool:
        now = int(time.time())
        key = sql_text(key)  # type: ignore[assignment]

        def work(db: sqlite3.Connection) -> bool:
            if db.execute(f"DELETE FROM {table} WHERE key = ?", (key,)).rowcount:
                return False
            db.execute(f"INSERT INTO {table}(key, at) VALUES (?, ?)", (key, now))
            return True

        return self._write(action, work)

    def is_read(self, key: str) -> bool:
        return self._has("read", key)

    def is_starred(self, key: str) -> bool:
        return self._has("starred", key)

    def read_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` are marked read (one query per 500 keys)."""
        return self._among("read", keys)

    def starred_keys(self, keys: Iterable[str]) -> set[str]:
        return self._among("starred", keys)

    def all_read(self) -> set[str]:
        return self._all("read")

    def all_starred(self) -> set[str]:
        return self._all("starred")

    def mark_read(self, keys: Iterable[str] | str, read: bool = True) -> int:
        """Mark ``keys`` read (or unread) in one transaction; returns how many changed."""
        return self._set("read", _as_keys(keys), read, "save the read marks")

    def toggle_read(self, key: str) -> bool:
        """Flip one article's read mark; returns whether it is now read."""
        return self._toggle("read", key, "save the read mark")

    def set_starred(self, key: str, starred: bool = True) -> None:
        self._set("starred", [key], starred, "save the star")

    def toggle_starred(self, key: str) -> bool:
        """Flip one article's star; returns whether it is now starred."""
        return self._toggle("starred", key, "save the star")

    # saved searches ------------------------------------------------------------------

    def save_search(self, name: str, query_text: str) -> None:
        """Save (or replace) the search called ``name``."""
        name = name.strip()
        if not name:
            raise StateError("a saved search needs a name")
        self._write(
            "save the search",
            lambda db: db.execute("INSERT OR REPLACE INTO searches(name, query) VALUES (?, ?)", (name, query_text)),
        )

    def delete_search(self, name: str) -> bool:
        """Forget a saved search; returns whether there was one by that name."""
        return self._write(
            "delete the search", lambda db: db.execute("DELETE FROM searches WHERE name = ?", (name.strip(),)).rowcount > 0
        )

    def searches(self) -> list[tuple[str, str]]:
        """Saved searches as (name, query), by name (case ignored)."""
        return self._read(
            "read the saved searches",
            lambda db: [
                (n, q) for n, q in db.execute("SELECT name, query FROM searches ORDER BY name COLLATE NOCASE, name")
            ],
        )

    # query history -------------------------------------------------------------------

    @staticmethod
    def _push_history(db: sqlite3.Connection, texts: Iterable[str]) -> int:
        added = 0
        for text in texts:
            if db.execute("DELETE FROM history WHERE text = ?", (text,)).rowcount == 0:
                added += 1
            db.execute("INSERT INTO history(seq, text) VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM history), ?)", (text,))
        db.execute(
            "DELETE FROM history WHERE seq <= (SELECT seq FROM history ORDER BY seq DESC LIMIT 1 OFFSET ?)",
            (HISTORY_LIMIT,),
        )
        return added

    def add_history(self, text: str) -> None:
        """Remember a query; a repeat moves to the end; the last 200 are kept."""
        text = text.strip()
        if not text:
            return
        self._write("save the query history", lambda db: self._push_history(db, [text]))

    def history(self) -> list[str]:
        """Remembered queries, oldest first."""
        return self._read("read the query history", lambda db: [t for (t,) in db.execute("SELECT text FROM history ORDER BY seq")])

    # export and import -----------------------------------------------------------------

    def export(self, path: Path | str) -> Counts:
        """Write everything to a JSON file, atomically (temp file + rename)."""
        path = Path(path)

        def snapshot(db: sqlite3.Connection) -> dict[str, Any]:
            db.execute("BEGIN")  # one consistent snapshot of all four tables
            try:
                return {
                    "version": EXPORT_VERSION,
                    "read": sorted(from_sql(k) for (k,) in db.execute("SELECT key FROM read")),
                    "starred": sorted(from_sql(k) for (k,) in db.execute("SELECT key FROM starred")),
                    "searches": [
                        {"name": n, "query": q}
                        for n, q in db.execute("SELECT name, query FROM searches ORDER BY name COLLATE NOCASE, name")
                    ],
                    "history": [t for (t,) in db.execute("SELECT text FROM history ORDER BY seq")],
                }
            finally:
                db.execute("COMMIT")

        data = self._read("export the state", snapshot)
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        # A key from a file name that is not UTF-8 holds lone surrogates: written
        # as JSON escapes, which read back as the same key.
        text = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
            tmp = None
        except OSError as exc:
            raise StateError(f"cannot write {path}: {exc.strerror or exc}") from exc
        finally:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
        return Counts(len(data["read"]), len(data["starred"]), len(data["searches"]), len(data["history"]))

    def import_(self, path: Path | str) -> Counts:
        """Merge an exported file: marks are added, searches by name replaced,
        history appended (repeats moved to the end). All or nothing; returns
        how many new items each kind gained."""
        read, starred, searches, history = _load_export(Path(path))
        now = int(time.time())

        def work(db: sqlite3.Connection) -> Counts:
            counts = []
            for table, keys in (("read", read), ("starred", starred)):
                before = db.total_changes
                db.executemany(f"INSERT OR IGNORE INTO {table}(key, at) VALUES (?, {now})", ((sql_text(k),) for k in keys))
                counts.append(db.total_changes - before)
            changed = 0
            for name, query in searches:
                old = db.execute("SELECT query FROM searches WHERE name = ?", (name,)).fetchone()
                if old is None or old[0] != query:
                    db.execute("INSERT OR REPLACE INTO searches(name, query) VALUES (?, ?)", (name, query))
                    changed += 1
            added = self._push_history(db, history) if history else 0
            return Counts(counts[0], counts[1], changed, added)

        return self._write("import the state", work)


def _load_export(path: Path) -> tuple[list[str], list[str], list[tuple[str, str]], list[str]]:
    """Read and check an export file; any fault is a one-line StateError naming it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StateError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StateError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})") from exc

    def bad(message: str) -> StateError:
        return StateError(f"{path}: {message}; not a reader state export")

    if not isinstance(data, dict):
        raise bad(f"expected a JSON object at the top, found {kind_of(data, json=True)}")
    version = data.get("version")
    if version != EXPORT_VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > EXPORT_VERSION:
            raise StateError(f"{path}: written by a newer version of reader (version {version}); cannot import it")
        raise bad(f"'version' must be {EXPORT_VERSION}, found {json.dumps(version)}")

    def strings(field: str) -> list[str]:
        value = data.get(field, [])
        if not isinstance(value, list):
            raise bad(f"'{field}' must be a list of strings, found {kind_of(value, json=True)}")
        for n, item in enumerate(value, 1):
            if not isinstance(item, str):
                raise bad(f"'{field}' item {n} must be a string, found {kind_of(item, json=True)}")
        return value

    read, starred = strings("read"), strings("starred")
    history = [t.strip() for t in strings("history") if t.strip()]
    raw_searches = data.get("searches", [])
    if not isinstance(raw_searches, list):
        raise bad(f"'searches' must be a list, found {kind_of(raw_searches, json=True)}")
    searches: list[tuple[str, str]] = []
    for n, item in enumerate(raw_searches, 1):
        if not isinstance(item, dict):
            raise bad(f"'searches' item {n} must be an object with \"name\" and \"query\", found {kind_of(item, json=True)}")
        name, query = item.get("name"), item.get("query")
        if not isinstance(name, str) or not name.strip():
            raise bad(f"'searches' item {n} needs a \"name\" string")
        if not isinstance(query, str):
            raise bad(f"'searches' item {n} needs a \"query\" string")
        searches.append((name.strip(), query))
    return read, starred, searches, history
