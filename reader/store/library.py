"""The Library: the one object the app and the command line ask about a
library's articles. A facade: the cache file and its connections are db.py's,
bringing it up to date refresh.py's, the SQL sql.py's."""

from __future__ import annotations

import json
import os
import threading
import time
from array import array
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from reader.model import ListRow, Problem
from reader.query import Query
from reader.sqlite import chunks, close_in_turn, in_transaction, marks, sqlite3
from reader.state import from_sql, sql_text
from reader.store import sql
from reader.store.db import Database, Handle, cache_file, fixable
from reader.store.errors import CacheUnusable, SearchInterrupted, StoreError
from reader.store.refresh import Cancelled, FullTexts, Progress, Refresh, RefreshStats
from reader.store.storyrows import StoryRows

FIRST_PAGE = 200  # rows of a ranked list worked out before the rest (first())

Notice = Callable[[str], None]


class Library:
    """A set of roots (folders or files of articles), indexed in one cache.

    Longer than the house's 300 lines because it is the store's whole public
    face: some twenty short methods, each a docstring and one borrowed
    connection around a statement from sql.py. The work is in db.py,
    refresh.py and sql.py; splitting the facade would only make callers
    hold several objects."""

    def __init__(
        self,
        roots: Iterable[os.PathLike[str] | str],
        cache_dir: Path | None = None,
        notice: Notice | None = None,
        workers: int | None = None,
        stories: bool = True,
        story_window: float = 3 * 86_400,
    ) -> None:
        self.roots = [Path(os.path.abspath(os.path.expanduser(os.fspath(r)))) for r in roots]
        if cache_dir is None:
            from reader.config import cache_dir as default_cache

            cache_dir = default_cache()
        self.notice: Notice = notice or (lambda message: None)
        self.workers = workers or max(1, os.cpu_count() or 1)
        self.db = Database(cache_file(Path(cache_dir), self.roots), self.roots, lambda m: self.notice(m))
        self.walk_problems: list[Problem] = []
        self._write_lock = threading.Lock()  # one refresh at a time
        self._providers: list[str] | None = None  # distinct providers, for provider: (until the articles change)
        self._prefetched: tuple[threading.Thread, dict[str, Any], sql.Plan] | None = None
        # The fetched full texts of links (reader.fulltext), searched with their
        # articles: a refresh indexes a changed article's with it.
        self.full_texts: FullTexts | None = None
        self.stories = stories  # group articles reporting the same news (False: each its own story; for benchmarks)
        self.story_window = int(story_window)  # seconds: the most between two reports of one story (config: story_window_days)
        self.story_rows = StoryRows(self.db)  # one row a story, a story's members and their marks keys

    @property
    def db_path(self) -> Path | None:
        """The cache file; None while reading without one (a temporary cache)."""
        return None if self.db.temporary else self.db.path

    @property
    def in_memory(self) -> bool:
        """Whether no cache is kept (it could not be: see the notice)."""
        return self.db.temporary

    @property
    def state_path(self) -> Path | None:
        return self.db.state_path

    @state_path.setter
    def state_path(self, path: Path | None) -> None:
        self.db.state_path = path

    def open_cached(self) -> bool:
        """Use the cache as it is, without looking at the files (for a fast
        first screen); False when there is no usable cache yet."""
        return self.db.open_existing()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # refresh ------------------------------------------------------------------------

    def refresh(self, progress: Progress | None = None, cancelled: Cancelled | None = None) -> RefreshStats:
        """Bring the index up to date with the files; returns what changed.

        The only way an index is built. Never fails for the cache's sake: a
        damaged cache is rebuilt, one that cannot be used is replaced by a
        temporary one (with a notice). ``cancelled()`` is asked between
        batches: a cancelled refresh stops (stats.cancelled), and the next
        one carries on from what was stored.
        """
        with self._write_lock:
            kept = None if self.db.temporary else self.db.path  # the cache to go back to if no other can be built
            try:
                return self._refresh_somewhere(progress, cancelled)
            except StoreError:
                if kept is not None and self.db.temporary and kept.exists():
                    self.db.restore(kept)  # read what it holds, as it is
                raise

    def _refresh_somewhere(self, progress: Progress | None, cancelled: Cancelled | None) -> RefreshStats:
        """refresh() in the cache, else a rebuilt one, else a temporary one."""
        for attempt in range(3):
            try:
                return self._refresh(progress, cancelled)
            except CacheUnusable as exc:
                self.db.fall_back(str(exc))
            except sqlite3.DatabaseError as exc:
                if self.db.temporary:
                    raise StoreError(f"the library could not be indexed: {exc}") from exc
                if attempt or not fixable(exc):
                    self.db.fall_back(str(self.db.unusable(exc)))
                    continue
                try:
                    self.db.discard(f"was damaged ({exc})")
                except CacheUnusable as again:
                    self.db.fall_back(str(again))
        try:
            return self._refresh(progress, cancelled)
        except (CacheUnusable, sqlite3.Error) as exc:
            raise StoreError(f"the library could not be indexed: {exc}") from exc

    def _refresh(self, progress: Progress | None, cancelled: Cancelled | None) -> RefreshStats:
        started = time.perf_counter()
        conn, new = self.db.writer()
        try:
            work = Refresh(conn, self.roots, self.notice, self.workers, progress, cancelled, self.full_texts, self.stories, self.story_window)
            stats = work.run()
        finally:
            close_in_turn(conn)
        stats.cold = new
        self.walk_problems = work.problems
        if stats.parsed or stats.removed or stats.grouped:
            self._providers = None
        self.db.mark_ready()
        stats.seconds = time.perf_counter() - started
        return stats

    def add_full_text(self, url: str, text: str) -> int:
        """Index ``text`` (a page's fetched full text) with the articles whose
        link is ``url``, so searches find it and has:fulltext holds; "" takes
        it out. How many articles have that link (0 before an index exists)."""
        return self.add_full_texts({url: text})

    def add_full_texts(self, texts: dict[str, str]) -> int:
        """add_full_text() for many links, in one transaction. Waits for a
        refresh under way to end (call it off the UI thread)."""
        if not texts:
            return 0
        with self._write_lock:  # (after a refresh, not in the middle of one)
            try:
                conn, _ = self.db.writer()
            except CacheUnusable as exc:
                raise StoreError(f"the full text could not be indexed: {exc}") from exc

            def write(db: sqlite3.Connection) -> int:
                count = 0
                for url, text in texts.items():
                    ids = [r[0] for r in db.execute("SELECT id FROM articles WHERE url = ?", (sql_text(url),))]
                    for article_id in ids:
                        db.execute("UPDATE fts SET fulltext = ? WHERE rowid = ?", (text, article_id))
                        db.execute("UPDATE articles SET has_full = ? WHERE id = ?", (1 if text else 0, article_id))
                    count += len(ids)
                return count

            try:
                count = in_transaction(conn, write)
            except sqlite3.Error as exc:
                raise StoreError(f"the full text could not be indexed: {exc}") from exc
            finally:
                close_in_turn(conn)
        return count

    def without_full_text(self, urls: list[str]) -> set[str]:
        """Which of these links have an article not indexed with its full text yet."""
        found: set[str] = set()
        with self.db.reading() as handle:
            for part in chunks(urls):
                rows = handle.conn.execute(
                    f"SELECT DISTINCT url FROM articles WHERE has_full = 0 AND url IN ({marks(len(part))})", [sql_text(u) for u in part]
                )
                found.update(from_sql(r[0]) for r in rows)
        return found

    def forget_cache(self, why: str) -> None:
        """A read met a damaged cache: drop it (with a notice), so that the
        next refresh builds it again, or reads without one if it cannot."""
        with self._write_lock:
            if self.db.temporary:
                return
            try:
                self.db.discard(f"was damaged ({why})")
            except CacheUnusable as exc:
                self.db.fall_back(str(exc))

    # lists --------------------------------------------------------------------------

    def _known(self, handle: Handle, query: Query | None) -> sql.Known:
        if not sql.needs_database(query):
            return sql.Known()
        self.db.ensure_marks(handle)
        providers = self._providers
        if providers is None and any(t.kind == "provider" for t in query.terms):  # type: ignore[union-attr]
            providers = [k for (k,) in handle.conn.execute("SELECT DISTINCT provider_key FROM articles")]
            self._providers = providers
        return sql.Known(providers or (), handle.marks)

    def plan(self, query: Query | None = None, *, sort: str | None = None, reverse: bool = False, prefix_last: bool = False) -> sql.Plan | None:
        """What ids() would run for these arguments: equal plans give equal
        lists while the library is unchanged, so the caller may skip one.
        None when telling would take the database (providers, marks)."""
        if sql.needs_database(query):
            return None
        return sql.select("a.id", query, sql.Known(), sort, reverse, prefix_last)

    def ids(
        self, query: Query | None = None, *, sort: str | None = None, reverse: bool = False, prefix_last: bool = False, grouped: bool = False
    ) -> array[int]:
        """The ids of every matching article, in order: a compact list the
        screen pages through with rows(). interrupt() stops it. ``grouped``:
        one article a story (see StoryRows.heads)."""
        heads_only = False
        if grouped:
            effective = sort or (query.sort if query is not None else None) or "quality"
            if (query is not None and query.terms) or effective not in ("quality", "date"):
                return self.story_rows.heads(self.ids(query, sort=sort, reverse=reverse, prefix_last=prefix_last))
            # Every article listed, best or newest first: one row a story is
            # each story's head, read from an index of the heads (31 -> 8 ms at 100k).
            heads_only = True
        elif self._prefetched is not None:  # (a plan is compiled only while there is one to match)
            prefetched = self._take_prefetched("ids", (self.plan(query, sort=sort, reverse=reverse, prefix_last=prefix_last), False))
            if prefetched is not None:
                return prefetched
        with self.db.reading(search=True) as handle:
            plan = sql.select("a.id", query, self._known(handle, query), sort, reverse, prefix_last, heads_only)
            # One row, not one a match: SQLite builds the list in C with the GIL
            # released, so the screen's thread is not slowed by 100k row steps.
            # (LIMIT -1 keeps the subquery, and so its order, as written.)
            joined = handle.conn.execute(f"SELECT group_concat(id) FROM ({plan.sql} LIMIT -1)", plan.params).fetchone()[0]
        return _id_array(joined)

    def first(
        self,
        query: Query | None = None,
        *,
        sort: str | None = None,
        reverse: bool = False,
        prefix_last: bool = False,
        limit: int | None = None,
        keep: int | None = None,
    ) -> tuple[array[int], int] | None:
        """The best ``limit`` (FIRST_PAGE) matches of a search ranked by
        relevance, and how many match in all: what a list's first screen
        needs, sooner than the whole ranked list.

        The rows come in the order ids() gives them (ties by id, as FTS5
        orders them). None for other lists (no free words, a sort chosen, or
        conditions on the articles table): ids() reads those in one go. None
        too when article ``keep`` matches but is not among the best.
        """
        limit = limit or FIRST_PAGE
        with self.db.reading(search=True) as handle:
            plans = sql.first(query, self._known(handle, query), sort, reverse, prefix_last, limit)
            if plans is None:
                return None
            best, count = plans
            head = _id_array(handle.conn.execute(best.sql, best.params).fetchone()[0])
            if keep is not None and len(head) == limit and keep not in head:
                if handle.conn.execute(f"{count.sql} AND rowid = ?", (*count.params, keep)).fetchone()[0]:
                    return None
            if handle.interrupted:
                raise SearchInterrupted("a newer search took over")
            total = handle.conn.execute(count.sql, count.params).fetchone()[0]
        return head, total

    def interrupt(self) -> None:
        """Stop the id lists being read for earlier searches (they raise SearchInterrupted)."""
        self.db.interrupt()

    def prefetch(self, query: Query | None = None, *, sort: str | None = None, reverse: bool = False, grouped: bool = False) -> None:
        """Start reading a view's ids and the article count in a thread, so
        they are ready when the screen asks (the app calls this before
        Textual loads: it takes a third of the time to the first screen).
        Each is handed out once, to the first ids() with the same plan and
        the first article_count()."""
        plan = self.plan(query, sort=sort, reverse=reverse)
        if self._prefetched is not None or plan is None or not self.open_cached():
            return
        holder: dict[str, Any] = {}

        def run() -> None:
            try:
                holder["count"] = self.article_count()
                holder["ids"] = self.ids(query, sort=sort, reverse=reverse, grouped=grouped)
            except StoreError:
                pass

        thread = threading.Thread(target=run, name="reader-prefetch", daemon=True)
        self._prefetched = (thread, holder, (plan, grouped))
        thread.start()

    def prefetched(
        self,
        query: Query | None = None,
        *,
        sort: str | None = None,
        reverse: bool = False,
        prefix_last: bool = False,
        wait: float = 0.0,
        grouped: bool = False,
    ) -> tuple[array[int], int] | None:
        """The prefetched list and article count, if the prefetch read this
        very list and is done within ``wait`` seconds; once. The screen shows
        them in its first frame, without a worker's round trip (which cost
        the first screen 40-50 ms). None otherwise: ids() and article_count()
        still take them."""
        prefetched = self._prefetched
        if prefetched is None or (self.plan(query, sort=sort, reverse=reverse, prefix_last=prefix_last), grouped) != prefetched[2]:
            return None
        thread, holder, _ = prefetched
        thread.join(wait)
        if thread.is_alive() or "ids" not in holder or "count" not in holder:
            return None
        self._prefetched = None
        return holder["ids"], holder["count"]

    def _take_prefetched(self, what: str, plan: Any = None) -> Any:
        """The prefetched ``what`` (for ``plan``), once; None when there is none."""
        prefetched = self._prefetched
        if prefetched is None or (what == "ids" and plan != prefetched[2]):
            return None
        thread, holder, _ = prefetched
        if thread is threading.current_thread():
            return None  # the prefetch itself asking
        thread.join()
        found = holder.pop(what, None)
        if not holder:
            self._prefetched = None
        return found

    def search(self, query: Query | None = None, **options: Any) -> list[ListRow]:
        """Articles matching ``query``, sorted; missing sort values come last.
        With free words and no sort, the best FTS matches come first. Takes
        each()'s options (sort, reverse, limit, offset, with_data, prefix_last)."""
        return list(self.each(query, **options))

    def each(
        self,
        query: Query | None = None,
        *,
        sort: str | None = None,
        reverse: bool = False,
        limit: int | None = None,
        offset: int = 0,
        with_data: bool = False,
        prefix_last: bool = False,
        batch: int = 500,
    ) -> Iterator[ListRow]:
        """search(), one row at a time: a long listing is never all in memory."""
        if limit is not None:
            ids = None
            with self.db.reading() as handle:
                ranked = sql.select("a.id", query, self._known(handle, query), sort, reverse, prefix_last)
                if ranked.ranked:
                    # Free words (and topics), best match first, one page: FTS5
                    # ranks on its own, then only the page's rows are read.
                    ids = [r[0] for r in handle.conn.execute(ranked.sql + " LIMIT ? OFFSET ?", (*ranked.params, limit, offset))]
            if ids is not None:
                yield from self.rows(ids, with_data=with_data)
                return
        columns = sql.ROW_COLUMNS + (sql.DATA_COLUMN if with_data else "")
        with self.db.reading() as handle:
            plan = sql.select(columns, query, self._known(handle, query), sort, reverse, prefix_last)
            statement, params = plan.sql, plan.params
            if limit is not None:
                statement, params = statement + " LIMIT ? OFFSET ?", (*params, limit, offset)
            cursor = handle.conn.execute(statement, params)
            while True:
                found = cursor.fetchmany(batch)
                if not found:
                    break
                for values in found:
                    yield sql.to_row(values, values[sql.N_COLUMNS] if with_data else None)

    def rows(self, ids: Iterable[int], *, with_data: bool = False) -> list[ListRow]:
        """The articles with these ids, in the order given (missing ones left out)."""
        wanted = list(ids)
        if not wanted:
            return []
        columns = sql.ROW_COLUMNS + (sql.DATA_COLUMN if with_data else "")
        found: dict[int, ListRow] = {}
        with self.db.reading() as handle:
            for part in chunks(wanted, 900):
                for values in handle.conn.execute(f"SELECT {columns} FROM articles a WHERE a.id IN ({marks(len(part))})", part):
                    found[values[0]] = sql.to_row(values, values[sql.N_COLUMNS] if with_data else None)
        return [found[i] for i in wanted if i in found]

    def idents(self, ids: Iterable[int]) -> list[str]:
        """The marks keys (reader.state.identity) of these articles."""
        wanted = list(ids)
        out: list[str] = []
        with self.db.reading() as handle:
            for part in chunks(wanted):
                out.extend(from_sql(r[0]) for r in handle.conn.execute(f"SELECT ident FROM articles WHERE id IN ({marks(len(part))})", part))
        return out

    # counts and single articles ------------------------------------------------------

    def count(self, query: Query | None = None, *, prefix_last: bool = False) -> int:
        with self.db.reading() as handle:
            plan = sql.count(query, self._known(handle, query), prefix_last)
            return handle.conn.execute(plan.sql, plan.params).fetchone()[0]

    def article_count(self) -> int:
        prefetched = self._take_prefetched("count")
        if prefetched is not None:
            return prefetched
        with self.db.reading() as handle:
            return handle.conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    def topics(self, query: Query | None = None, *, with_quality: bool = True) -> list[tuple[str, int, float | None]]:
        """(topic, article count, mean quality), most articles first. Without a
        query and without quality, from the topic index alone (a few ms at 100k)."""
        with self.db.reading() as handle:
            plan = sql.topics(query, self._known(handle, query), with_quality)
            return [(name, n, mean) for name, n, mean in handle.conn.execute(plan.sql, plan.params)]

    def problems(self) -> list[Problem]:
        """Every problem and warning: the walk's first, then by file and line."""
        with self.db.reading() as handle:
            rows = handle.conn.execute("SELECT path, line, reason, skipped FROM problems ORDER BY path, line").fetchall()
        return list(self.walk_problems) + [Problem(from_sql(p), r, line=l, skipped=bool(s)) for p, l, r, s in rows]

    def get(self, uid_or_path: str) -> ListRow | None:
        """One article by its id or its file path, with its data."""
        path = os.path.abspath(os.path.expanduser(uid_or_path))
        with self.db.reading() as handle:
            found = handle.conn.execute(
                f"SELECT {sql.ROW_COLUMNS}, d.data FROM articles a JOIN article_data d ON d.id = a.id WHERE a.uid = ? OR a.path = ?",
                (sql_text(uid_or_path), sql_text(path)),
            ).fetchone()
        return None if found is None else sql.to_row(found, found[sql.N_COLUMNS])

    def by_url(self, urls: Iterable[str]) -> dict[str, ListRow]:
        """Articles in the library whose link is one of ``urls``."""
        wanted = [u for u in dict.fromkeys(urls) if u]
        out: dict[str, ListRow] = {}
        with self.db.reading() as handle:
            for part in chunks(wanted, 400):
                # An article's ident is its url, trimmed (state.identity): its index finds them.
                rows = handle.conn.execute(
                    f"SELECT {sql.ROW_COLUMNS} FROM articles a WHERE a.ident IN ({marks(len(part))}) AND a.url IN ({marks(len(part))})",
                    [sql_text(u.strip()) for u in part] + list(part),
                ).fetchall()
                out.update((r[5], sql.to_row(r)) for r in rows)
        return out


def _id_array(joined: str | None) -> array[int]:
    return array("q", json.loads(f"[{joined}]") if joined else [])


def find_article(uid: str, cache_dir: Path | None = None) -> tuple[str, Library] | None:
    """The file of an article id in any library indexed before, and that
    library, opened on its cache as it is (for `reader show ID`)."""
    from reader.config import cache_dir as default_cache

    folder = Path(cache_dir or default_cache()) / "index"
    if not folder.is_dir():
        return None
    for path in sorted(folder.glob("*.sqlite3")):
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1.0)
            try:
                roots = db.execute("SELECT value FROM meta WHERE key = 'roots'").fetchone()
            finally:
                db.close()
        except sqlite3.Error:
            continue
        if roots is None:
            continue
        library = Library(roots[0].split("\n"), cache_dir=folder.parent)
        if library.db_path != path or not library.open_cached():
            library.close()
            continue
        try:
            row = library.get(uid)
        except StoreError:
            row = None
        if row is not None:
            return row.path, library
        library.close()
    return None
