"""Reading stories (reader.store.stories writes them): the list with one
row a story, a story's members, and the marks keys of members, for the
Library facade (library.story_rows)."""

from __future__ import annotations

import threading
from array import array
from typing import Any, Iterable

from reader.model import ListRow
from reader.sqlite import chunks, marks
from reader.state import from_sql, sql_text
from reader.store import sql
from reader.store.db import Database


class StoryRows:
    """The cache's stories as the list and the marks need them."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._map: tuple[Any, dict[int, tuple[str, int]]] | None = None  # (story_version, member id -> (story, rank)), stories of 2+
        self._lock = threading.Lock()

    def heads(self, ids: array[int], *, first_listed: bool = False) -> array[int]:
        """``ids`` with one article a story: of the members listed, the one
        ranked best in its story (the head when it is listed), where it
        stands in the list; with ``first_listed``, the first one listed
        (a ranked search's best match). Stories of one pass as they are."""
        members = self._members_map()
        if not members:
            return ids
        get = members.get
        best: dict[str, tuple[int, int]] = {}
        listed = [i for i in ids if i in members]
        for i in listed:
            story, rank = get(i)  # type: ignore[misc]
            found = best.get(story)
            if found is None or (rank < found[0] and not first_listed):
                best[story] = (rank, i)
        if len(best) == len(listed):
            return ids
        dropped = set(listed).difference(i for _, i in best.values())
        return array("q", [i for i in ids if i not in dropped])

    def _members_map(self) -> dict[int, tuple[str, int]]:
        """Member id -> (story, rank) for stories of two or more: read again
        whenever grouping wrote (by this process or another: the cache's
        story_version says), in one read with the version."""
        with self._lock:
            with self.db.reading() as handle:
                version = handle.conn.execute("SELECT value FROM meta WHERE key = 'story_version'").fetchone()
                cached = self._map
                if cached is not None and cached[0] == version:
                    return cached[1]
                rows = handle.conn.execute("SELECT id, story, story_rank FROM articles WHERE story_size > 1").fetchall()
            found = {i: (story, rank) for i, story, rank in rows}
            self._map = (version, found)
        return found

    def member_idents(self, ids: Iterable[int]) -> list[str]:
        """The marks keys of every member of these articles' stories."""
        wanted = list(ids)
        out: list[str] = []
        with self.db.reading() as handle:
            for part in chunks(wanted, 900):
                out.extend(
                    from_sql(r[0])
                    for r in handle.conn.execute(
                        f"SELECT ident FROM articles WHERE story IN (SELECT story FROM articles WHERE id IN ({marks(len(part))}))", part
                    )
                )
        return list(dict.fromkeys(out))

    def story_idents(self, stories: Iterable[str]) -> dict[str, list[str]]:
        """The marks keys (reader.state.identity) of these stories' members."""
        out: dict[str, list[str]] = {}
        wanted = list(dict.fromkeys(stories))
        with self.db.reading() as handle:
            for part in chunks(wanted, 900):
                for story, ident in handle.conn.execute(
                    f"SELECT story, ident FROM articles WHERE story IN ({marks(len(part))})", [sql_text(s) for s in part]
                ):
                    out.setdefault(from_sql(story), []).append(from_sql(ident))
        return out

    def members(self, story: str, *, with_data: bool = False) -> list[ListRow]:
        """Every article of a story, its head first (then by rank)."""
        columns = sql.ROW_COLUMNS + (sql.DATA_COLUMN if with_data else "")
        with self.db.reading() as handle:
            rows = handle.conn.execute(f"SELECT {columns} FROM articles a WHERE a.story = ? ORDER BY a.story_rank, a.id", (sql_text(story),)).fetchall()
        return [sql.to_row(values, values[sql.N_COLUMNS] if with_data else None) for values in rows]
