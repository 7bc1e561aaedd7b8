"""The user's state written off the UI thread.

The state file syncs every change to disk (synchronous=FULL: a mark the
user was shown survives a crash), which takes milliseconds, more on a slow
disk, and up to the busy timeout when another reader holds the file. So
marks, saved searches and search history are written in thread workers,
one write at a time, in the order asked: two keys on one mark must land
in the order they were pressed. Each write hands its outcome back as a
message (reader.messages).
"""

from __future__ import annotations

import threading
from array import array
from functools import partial
from typing import Callable

from textual.message import Message
from textual.message_pump import MessagePump

from reader.messages import MarksChanged, SearchSaved
from reader.model import Marks
from reader.query import Query
from reader.state import State, StateError
from reader.store import Library, StoreError
from reader.text import clean

Write = Callable[[State], "Message | None"]


class StateWriter:
    """Runs writes to the state file in workers of ``node``, one after another."""

    def __init__(self, state: State | None, node: MessagePump) -> None:
        self.state = state
        self._node = node
        self._turn = threading.Condition()
        self._issued = 0  # writes asked for (on the UI thread)
        self._done = 0  # writes finished, in order

    def write(self, work: Write, reply_to: MessagePump | None = None) -> None:
        """Run ``work(state)`` after every write asked for before it, and post
        the message it returns to ``reply_to``. Nothing when there is no state file."""
        if self.state is None:
            return
        self._issued += 1
        run = partial(self._run, self._issued, work, reply_to)
        self._node.run_worker(run, thread=True, group="state", name="state write")

    def _run(self, ticket: int, work: Write, reply_to: MessagePump | None) -> None:
        with self._turn:
            self._turn.wait_for(lambda: self._done == ticket - 1)
        message = None
        try:
            assert self.state is not None
            message = work(self.state)
        finally:
            with self._turn:
                # Posted before the next write may start, so replies arrive in
                # the order the writes were asked for.
                if message is not None and reply_to is not None:
                    reply_to.post_message(message)
                self._done = ticket
                self._turn.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every write asked for so far has ended (before the
        state file is closed); False if they had not within ``timeout``."""
        with self._turn:
            return self._turn.wait_for(lambda: self._done >= self._issued, timeout)


# -- the writes -------------------------------------------------------------------------


def set_marks(row_id: int, key: str, old: Marks, new: Marks, state: State, story: list[str] | None = None) -> MarksChanged:
    """Give the article under ``key`` the marks ``new`` (it had ``old``).
    ``story``: the keys of every member when the row stands for a story,
    which shows read only once they all are."""
    try:
        if new.read != old.read:
            state.mark_read([key], read=new.read)
        if new.starred != old.starred:
            state.set_starred(key, new.starred)
        keys = story or [key]
        now = Marks(read=len(state.read_keys(keys)) == len(set(keys)), starred=bool(state.starred_keys([key])))
    except StateError as exc:
        return MarksChanged({row_id: old}, error=clean(str(exc)))
    return MarksChanged({row_id: now})


def set_story_read(row_id: int, keys: list[str], starred: bool, read: bool, state: State) -> MarksChanged:
    """Mark every member of a story (their ``keys``) read or unread; the
    story's row (``row_id``) shows read once all are."""
    try:
        state.mark_read(keys, read=read)
        now = len(state.read_keys(keys)) == len(set(keys))
    except StateError as exc:
        return MarksChanged({row_id: Marks(read=not read, starred=starred)}, error=clean(str(exc)))
    return MarksChanged({row_id: Marks(read=now, starred=starred)})


def mark_all_read(library: Library, target: array | Query, state: State, stories: bool = False) -> MarksChanged:
    """Mark these articles read, or those of a view's query when the list
    was not all there yet; with ``stories`` (a list of stories' rows), every
    member of their stories."""
    try:
        if isinstance(target, Query):
            # By quality, not ranked: a new search does not interrupt this.
            target = array("q", [row.id for row in library.search(target, sort="quality", prefix_last=True)])
        changed = state.mark_read(library.story_rows.member_idents(target) if stories else library.idents(target))
    except (StateError, StoreError) as exc:
        return MarksChanged(error=clean(str(exc)))
    return MarksChanged(everything=changed)


def save_search(name: str, text: str, state: State) -> SearchSaved:
    try:
        state.save_search(name, text)
    except StateError as exc:
        return SearchSaved(name, text, error=clean(str(exc)))
    return SearchSaved(name, text)


def add_history(text: str, state: State) -> None:
    try:
        state.add_history(text)
    except StateError:
        pass  # a search not remembered is no reason to bother the user
