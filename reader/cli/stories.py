"""reader list --stories: one row a story (Library.ids(grouped=True)), the
rows read a chunk at a time, and with them the ids of each story's
members, head first, in one statement a chunk (not one a row)."""

from __future__ import annotations

from array import array
from typing import Iterator

from reader.model import ListRow
from reader.sqlite import chunks, marks
from reader.state import from_sql, sql_text

CHUNK = 500  # story rows read at a time


class StoryRows:
    """The rows of ``ids`` (one article a story), in their order; while a
    chunk is printed, members(row) gives its story's ids, head first."""

    def __init__(self, library, ids: array[int], *, with_data: bool, with_members: bool) -> None:
        self.library = library
        self.ids = ids
        self.with_data = with_data
        self.with_members = with_members  # the table needs only each story's size
        self._members: dict[str, list[str]] = {}

    def __iter__(self) -> Iterator[ListRow]:
        for start in range(0, len(self.ids), CHUNK):
            rows = self.library.rows(self.ids[start : start + CHUNK], with_data=self.with_data)
            if self.with_members:
                self._members = member_ids(self.library, [row.story for row in rows if row.story_size > 1])
            yield from rows

    def members(self, row: ListRow) -> list[str]:
        return self._members.get(row.story) or [row.uid]


def member_ids(library, stories: list[str]) -> dict[str, list[str]]:
    """The ids of these stories' articles, each story's head first."""
    found: dict[str, list[str]] = {}
    wanted = list(dict.fromkeys(stories))
    with library.db.reading() as handle:
        for part in chunks(wanted, 900):
            rows = handle.conn.execute(
                f"SELECT uid, story FROM articles WHERE story IN ({marks(len(part))}) ORDER BY story, story_rank, id",
                [sql_text(story) for story in part],
            )
            for uid, story in rows:
                found.setdefault(from_sql(story), []).append(from_sql(uid))
    return found
