"""Bringing the cache up to date with the files: diff the walk against the
cache, parse what is new or changed (in worker processes when there are
many), and write it in batches, each its own transaction, so readers see
articles arrive while a first build goes on."""

from __future__ import annotations

import functools
import itertools
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from reader.model import Problem
from reader.sqlite import chunks, marks, rollback, sqlite3
from reader.state import from_sql, identity, sql_text
from reader.store import schema
from reader.store.records import Item, chunked, parse_rows, parse_safely, plain, scrub
from reader.store.stories import Gone, Grouper, New, gone_rows, link_rows
from reader.stories.group import WINDOW
from reader.store.walk import digest, list_folder, walk_folders

PARALLEL_MIN = 400  # below this many files, parsing in-process is quicker
CHUNK = 512  # files per task for a worker process, at most (fewer, bigger results cost less to pass back)
COMMIT_EVERY = 2048  # rows per transaction while indexing

Progress = Callable[[int, int], None]
Notice = Callable[[str], None]
FullTexts = Callable[[list[str]], dict[str, str]]  # links -> their fetched full texts (those there are)
Cancelled = Callable[[], bool]


@dataclass(slots=True)
class RefreshStats:
    total: int = 0
    parsed: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    seconds: float = 0.0
    cold: bool = False
    cancelled: bool = False  # stopped on request before the end: run it again to finish
    grouped: int = 0  # articles grouped into stories (all of them on a first build, else those around a change)
    grouping_seconds: float = 0.0  # of ``seconds``, the time grouping took (reader.store.stories)

    @property
    def changed_anything(self) -> bool:
        return bool(self.parsed or self.removed or self.cold)


class Stopped(Exception):
    """The refresh was cancelled (its caller's ``cancelled()`` said so)."""


class Refresh:
    """One refresh of one cache, through one writing connection.

    About 350 lines: the diff against the cache, the parsing pool and the
    batched writes are one pass over the files (the writes start while the
    walk and the workers still run), so they share the stats, the problems
    and the stop check; apart, each would need all three handed over."""

    def __init__(
        self,
        db: sqlite3.Connection,
        roots: list[Path],
        notice: Notice,
        workers: int,
        progress: Progress | None,
        cancelled: Cancelled | None,
        full_texts: FullTexts | None = None,
        stories: bool = True,
        story_window: int = WINDOW,
    ) -> None:
        self.db = db
        self.grouper = Grouper(db, story_window) if stories else None  # None: every article stays a story of one
        self._new: list[New] = []  # stored by this refresh, with the workers' evidence for grouping
        self._gone: list[Gone] = []  # dropped by this refresh
        # Whether every story was up to date when this refresh first wrote
        # (None: it has not written). Its first write marks the stories
        # pending in the same transaction, so a refresh stopped or killed
        # before grouping leaves the next one to group the whole library.
        self._grouped_before: bool | None = None
        self.full_texts = full_texts  # the fetched full texts of some links, searched with their articles
        self.roots = roots
        self.notice = notice
        self.workers = workers
        self.progress = progress
        self.cancelled = cancelled or (lambda: False)
        self.problems: list[Problem] = []  # of the walk: folders and files that cannot be read
        self.stats = RefreshStats()
        self._next_id = 1
        self._digests: list[tuple[Any, int, int]] = []  # folders found whole and unchanged once done
        # A folder is met twice only when a root is a file inside another root.
        self._file_roots = any(root.is_file() for root in roots)

    def run(self) -> RefreshStats:
        first = False
        try:
            if not self._has_rows():
                # An empty index: every file is new, and the parsing starts
                # while the walk is still finding them.
                first = True
                self.stats.parsed = self._parse_into(self._new_files(), fresh=True)
            else:
                self._update()
            self._keep_digests()
            self._group(first)
        except Stopped:
            self.stats.cancelled = True
        schema.keep_statistics(self.db, bool(self.stats.parsed or self.stats.removed))
        return self.stats

    def _group(self, first: bool) -> None:
        """Bring the stories up to date with what this refresh stored and
        dropped: around those, or, after a refresh that was stopped (or
        killed) before it grouped, the whole library."""
        grouper = self.grouper
        if grouper is None:
            return
        if self._grouped_before is None:  # nothing written by this refresh
            if grouper.complete():
                return
            self._grouped_before = False
        started = time.perf_counter()
        if first:
            work = functools.partial(grouper.group_all, self._new)
        elif not self._grouped_before:
            work = functools.partial(grouper.group_all, None)
        else:
            work = functools.partial(grouper.update, self._new, self._gone)
        self._in_transaction(lambda: setattr(self.stats, "grouped", work()))
        self._new, self._gone = [], []
        self.stats.grouping_seconds = time.perf_counter() - started

    def _check(self) -> None:
        if self.cancelled():
            raise Stopped

    def _has_rows(self) -> bool:
        return self.db.execute("SELECT 1 FROM files LIMIT 1").fetchone() is not None

    # what changed ---------------------------------------------------------------

    def _update(self) -> None:
        stats, db = self.stats, self.db
        todo: dict[str, Item] = {}
        gone: list[str] = []
        whole_folders: set[str] = set()
        partial: dict[str, set[str]] = {}
        listed: dict[str, set[str]] = {}
        stored = dict(db.execute("SELECT dir, digest FROM folders").fetchall())
        met: set[Any] = set()  # folders the walk found
        unsure: list[Any] = []  # folders listed and compared: their stored digests no longer hold
        lookup = "SELECT name, size, mtime_ns FROM files WHERE dir = ?"
        for folder in walk_folders(self.roots, self.problems, listed=self._file_roots):
            self._check()
            key = sql_text(folder.path)
            met.add(key)
            already = listed.setdefault(folder.path, set()) if self._file_roots else set()
            # With a root file inside a root folder the folders are always
            # listed (digests of theirs would not cover what the file root adds).
            if folder.whole and not self._file_roots and stored.get(key) == folder.digest:
                # The common case, nothing changed: one digest compared.
                stats.total += folder.count
                whole_folders.add(folder.path)
                if self._file_roots:
                    already.update(name for name, _, _ in folder.files or ())
                continue
            unsure.append(key)  # its digest goes until this refresh has stored all of it
            listing = folder.files if folder.files is not None else list_folder(folder.path)
            if already:  # met again (a root file inside a walked root)
                listing = [item for item in listing if item[0] not in already]
            stats.total += len(listing)
            current = set(listing)
            before = {(from_sql(name), size, mtime) for name, size, mtime in db.execute(lookup, (key,))}
            fresh = current - before
            stale = {name for name, _, _ in before - current} - already
            if self._file_roots:
                already.update(item[0] for item in listing)
            for name, size, mtime in fresh:
                path = os.path.join(folder.path, name)
                todo[path] = (path, size, mtime)
                if name in stale:
                    stats.changed += 1
                else:
                    stats.added += 1
            if folder.whole:
                whole_folders.add(folder.path)
                if not self._file_roots:
                    self._digests.append((key, digest(listing), len(listing)))
                if stale:
                    stale.difference_update(name for name, _, _ in fresh)
                    gone.extend(os.path.join(folder.path, name) for name in stale)
            else:
                partial.setdefault(folder.path, set()).update(name for name, _, _ in listing)
        for (dir_value,) in db.execute("SELECT DISTINCT dir FROM files").fetchall():
            folder_path = from_sql(dir_value)
            if folder_path in whole_folders:
                continue
            keep = partial.get(folder_path, set())
            names = [from_sql(n) for (n,) in db.execute("SELECT name FROM files WHERE dir = ?", (dir_value,))]
            gone.extend(os.path.join(folder_path, n) for n in names if n not in keep)
        stats.removed = len(gone)
        # A folder's digest is dropped before anything of it changes, and a
        # new one written only once all of it is stored (_keep_digests): a
        # refresh stopped or failed in between leaves it to be compared.
        unsure.extend(key for key in stored if key not in met)
        if gone or unsure:
            def forget() -> None:
                self._stories_pending()
                for part in chunks(unsure):
                    db.execute(f"DELETE FROM folders WHERE dir IN ({marks(len(part))})", list(part))
                for part in chunks(gone):
                    self._forget(list(part))

            self._in_transaction(forget)
        self._check()
        if todo:
            fresh_index = stats.total == stats.added and not gone and not self._has_rows()
            stats.parsed = self._parse_into(list(todo.values()), fresh=fresh_index)
        elif self.progress:
            self.progress(0, 0)

    def _new_files(self) -> Iterator[Item]:
        """Every article file under the roots, as the walk finds them (counted in the stats)."""
        listed: dict[str, set[str]] | None = {} if self._file_roots else None
        for folder in walk_folders(self.roots, self.problems, listed=True):
            listing = folder.files or []
            if listed is not None:
                already = listed.setdefault(folder.path, set())
                listing = [item for item in listing if item[0] not in already]
                already.update(item[0] for item in listing)
            elif folder.whole:
                self._digests.append((sql_text(folder.path), folder.digest, folder.count))
            self.stats.total += len(listing)
            self.stats.added += len(listing)
            for name, size, mtime in listing:
                yield os.path.join(folder.path, name), size, mtime

    def _keep_digests(self) -> None:
        """Remember the folders now stored whole, and forget those gone (only
        once every file is in: a stopped refresh leaves them to be compared)."""
        if not self._digests and not self.stats.removed:
            return

        def write() -> None:
            self.db.execute("DELETE FROM folders WHERE dir NOT IN (SELECT DISTINCT dir FROM files)")
            self.db.executemany("INSERT OR REPLACE INTO folders VALUES (?, ?, ?)", self._digests)

        self._in_transaction(write)

    def _in_transaction(self, work: Callable[[], Any]) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            work()
            self.db.execute("COMMIT")
        except BaseException:
            rollback(self.db)
            raise

    # parsing and storing -----------------------------------------------------

    def _parse_into(self, todo: Iterable[Item], fresh: bool = False) -> int:
        """Parse files (in worker processes when there are many) and store them
        in batches, each its own transaction, so readers see articles arrive.

        ``todo`` may be a list (sorted here) or an iterator that a walk still
        feeds: then the workers start on the first files while the walk goes on.
        """
        db, progress = self.db, self.progress
        source = iter(todo)
        head = list(itertools.islice(source, PARALLEL_MIN))
        total = len(head)  # until all is known
        done = 0
        pool = None
        if len(head) >= PARALLEL_MIN and self.workers >= 2:
            try:
                pool = worker_pool(self.workers)
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
            batches: Iterator[list[Item]] = (items[i : i + size] for i in range(0, total, size))
        else:
            batches = chunked(itertools.chain(head, source), CHUNK)
        if progress and whole:
            progress(0, total)
        submitted = [0]
        if pool is None:
            results: Iterator[list[tuple[Any, ...]]] = map(functools.partial(parse_safely, stories=self.grouper is not None), batches)
        else:
            results = self._parse_in(pool, batches, submitted)
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
                    self._commit(pending, fresh)
                    done += len(pending)
                    pending = []
                    if progress:
                        progress(done, total)
                    self._check()
            self._commit(pending, fresh)
            done += len(pending)
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            schema.make_indexes(db)
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

    def _parse_in(self, pool: Any, batches: Iterable[list[Item]], submitted: list[int]) -> Iterator[list[tuple[Any, ...]]]:
        """Parsed batches from the worker processes, as they finish; every
        batch is handed out first (``submitted`` counts their files).

        A batch whose worker failed (raised, or died: killed, out of memory)
        is parsed here instead, so no file is lost and nothing waits for a
        result that will never come.
        """
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        futures = {}
        kept = []  # batches a broken pool would not take
        for batch in batches:
            submitted[0] += len(batch)
            if kept:
                kept.append(batch)
                continue
            try:
                futures[pool.submit(parse_rows, batch, self.grouper is not None)] = batch
            except RuntimeError:  # BrokenProcessPool: a worker died during the walk
                kept.append(batch)
        if kept:
            self.notice("a worker process stopped; parsing its files in the main process")
            for batch in kept:
                yield parse_safely(batch, self.grouper is not None)
        told = bool(kept)
        for future in as_completed(futures):
            batch = futures.pop(future)
            try:
                rows = future.result()
            except Exception as exc:  # noqa: BLE001 - any failure of a worker: parse the batch here
                if not told:
                    told = True
                    why = "a worker process stopped" if isinstance(exc, BrokenProcessPool) else f"a worker process failed ({exc!r})"
                    self.notice(f"{why}; parsing its files in the main process")
                rows = parse_safely(batch, self.grouper is not None)
            yield rows

    def _commit(self, rows: list[tuple[Any, ...]], fresh: bool = False) -> None:
        """One transaction: drop what these files gave before, store what they give now.

        ``fresh`` (a first build into an empty index) skips the dropping.
        """
        if not rows:
            return
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        # What grouping is told of this batch, forgotten again if it rolls back.
        told = len(self._new), len(self._gone), self._grouped_before is None
        try:
            self._stories_pending()
            self._next_id = (db.execute("SELECT max(id) FROM articles").fetchone()[0] or 0) + 1
            if not fresh:
                for part in chunks([row[0] for row in rows]):
                    self._forget(list(part))
            self._store(rows)
            db.execute("COMMIT")
        except sqlite3.IntegrityError:
            rollback(db)
            self._untell(told)
            if not fresh:
                raise
            # Another process is filling the same new cache: replace its rows.
            self._commit(rows, fresh=False)
        except UnicodeEncodeError:
            # Text SQLite cannot take (a title made from a file name that is
            # not UTF-8): store it with the odd bytes shown as U+FFFD.
            rollback(db)
            self._untell(told)
            self._commit([(*row[:3], scrub(row[3]), row[4]) for row in rows], fresh)
        except BaseException:
            rollback(db)
            self._untell(told)
            raise

    def _stories_pending(self) -> None:
        """Inside a write transaction, before the articles change."""
        if self.grouper is not None and self._grouped_before is None:
            self._grouped_before = self.grouper.complete()
            self.grouper.mark_pending()

    def _untell(self, told: tuple[int, int, bool]) -> None:
        del self._new[told[0] :]
        del self._gone[told[1] :]
        if told[2]:
            self._grouped_before = None  # the stories marked pending in that transaction are not, now

    def _add_full_texts(self, articles: list[list[Any]], fts: list[list[Any]]) -> None:
        """Put the fetched full texts of this batch's links into their fts
        rows (the article rows and fts rows are in the same order)."""
        assert self.full_texts is not None
        urls = [a[5] for a in articles if a[5]]
        try:
            texts = self.full_texts(urls) if urls else {}
        except Exception as exc:  # noqa: BLE001 - a cache of our own that failed: index without it
            self.notice(f"the fetched full texts could not be read ({exc}); searching them waits for the next refresh")
            self.full_texts = None
            return
        for article, text in zip(articles, fts):
            full = texts.get(article[5]) if article[5] else None
            if full:
                text[-1] = full
                article[17] = 1  # has_full

    def _forget(self, paths: list[str]) -> None:
        """Drop what these files gave (at most IN_LIST of them)."""
        if not paths:
            return
        db = self.db
        stored = [sql_text(p) for p in paths]
        ids = [r[0] for r in db.execute(f"SELECT id FROM articles WHERE path IN ({marks(len(stored))})", stored)]
        if ids:
            if self.grouper is not None:
                self._gone.extend(gone_rows(db, ids))
            id_marks = marks(len(ids))
            for table, column in (("fts", "rowid"), ("topics", "article"), ("articles", "id"), ("article_data", "id"), ("story_links", "id")):
                db.execute(f"DELETE FROM {table} WHERE {column} IN ({id_marks})", ids)
        db.execute(f"DELETE FROM problems WHERE path IN ({marks(len(stored))})", stored)
        db.executemany(
            "DELETE FROM files WHERE dir = ? AND name = ?",
            [tuple(sql_text(part) for part in os.path.split(p)) for p in paths],
        )

    def _store(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert one batch of parsed files; ids are handed out here so every
        table is written with one executemany."""
        files, problems, articles, topics, fts, extras = [], [], [], [], [], []
        links: list[tuple[str, int, int]] = []  # for grouping (reader.store.stories)
        next_id = self._next_id
        for path, size, mtime, parsed, problem_rows in rows:
            article_id = None
            if parsed is not None:
                row, names, text, evidence = parsed
                article_id = next_id
                next_id += 1
                key = sql_text(identity(row[4], path, self.roots))
                # uid, path, ..., its marks key, no full text yet, a story of its own
                articles.append([article_id, row[0], sql_text(path), *row[2:-1], key, 0, row[0], 1, 0, row[7]])
                if evidence is not None and self.grouper is not None:
                    self._new.append(New(article_id, row[0], row[5], row[6], row[7], evidence, row[2]))
                    links.extend(link_rows(article_id, evidence))
                extras.append((article_id, row[-1]))
                topics.extend((article_id, t, t.casefold()) for t in names)
                fts.append([article_id, *text, ""])
            folder, name = os.path.split(path)
            files.append((sql_text(folder), sql_text(name), size, mtime, article_id))
            problems.extend((sql_text(path), line, plain(reason), skipped) for line, reason, skipped in problem_rows)
        self._next_id = next_id
        if self.full_texts is not None and fts:
            self._add_full_texts(articles, fts)
        db = self.db
        db.executemany(
            "INSERT INTO articles(id, uid, path, title, excerpt, url, published_at, quality, heat, "
            "published, provider, domain, provider_key, topics, n_related, has_body, ident, has_full, "
            "story, story_size, story_rank, story_heat) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            articles,
        )
        db.executemany("INSERT INTO article_data VALUES (?, ?)", extras)
        db.executemany("INSERT INTO topics VALUES (?, ?, ?)", topics)
        db.executemany("INSERT INTO fts(rowid, title, excerpt, body, provider, topics, fulltext) VALUES (?,?,?,?,?,?,?)", fts)
        db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", files)
        if problems:
            db.executemany("INSERT INTO problems VALUES (?, ?, ?, ?)", problems)
        if links:
            db.executemany("INSERT INTO story_links VALUES (?, ?, ?)", links)


def worker_pool(workers: int) -> Any:
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
