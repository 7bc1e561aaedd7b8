"""What the main screen's workers hand back: each a message posted to the
screen (post_message is safe from any thread), handled there with @on.
Workers never touch a widget; these carry everything they found."""

from __future__ import annotations

import threading
from array import array
from dataclasses import dataclass, field

from textual.message import Message

from reader.model import Article, ListRow, Marks
from reader.store import StoreError
from reader.view import Choice


@dataclass
class ListLoaded(Message):
    """A list of articles to show, whole or its first rows."""

    load: int
    """Which load this answers (the screen's count): an older one is dropped."""
    ids: array
    """The articles, in order (the first of ``length`` when that is given)."""
    total: int
    """How many articles the library holds."""
    keep: int | None = None
    """The article to keep under the cursor."""
    keep_cursor: bool = True
    """Without ``keep``: keep the article under the cursor when the list comes."""
    length: int | None = None
    """The whole list's length when ``ids`` are only its first rows (a ranked
    search): ListCompleted brings the rest."""
    drawn: threading.Event | None = None
    """Set once the list is on screen: the worker ranks the rest after that."""
    then_refresh: bool = False
    """Look at the files once this list is shown (the first screen came from
    the cache, unchecked)."""


@dataclass
class ListCompleted(Message):
    """The rest of a list whose first rows are shown."""

    load: int
    """Which load this finishes: dropped unless it is the newest."""
    ids: array
    """The whole list, beginning with the rows shown."""


@dataclass
class SidebarCounted(Message):
    """The sidebar's counts."""

    total: int
    """Articles in the library (the All entry)."""
    topics: list[tuple[str, int, float | None]]
    """(topic, articles, mean quality or None), most articles first."""
    unread: dict[str, int] | None = None
    """Unread articles by topic (casefolded name); None without a state file."""
    views: list[tuple[Choice, int]] | None = None
    """Unread, Starred and the saved searches, with their counts; None
    without a state file."""


@dataclass
class ProblemsCounted(Message):
    """The files that could not be read, and the warnings, after a refresh."""

    problems: list = field(default_factory=list)
    """Every problem (reader.model.Problem), as `reader check` lists them."""


@dataclass
class StoreFailed(Message):
    """A worker's question to the store failed (the screen decides what that means)."""

    error: StoreError
    """What went wrong, as a type (CacheDamaged, NotIndexed, ...)."""


@dataclass
class IndexProgress(Message):
    """A refresh has read ``done`` of the ``total`` files it has to read."""

    done: int
    """Files read so far."""
    total: int
    """Files to read in all (0 when nothing changed)."""


@dataclass
class IndexRefreshed(Message):
    """A refresh ended (it may have been cancelled, or failed)."""

    changed: bool = False
    """Articles were added, changed or removed (or the index is new)."""
    cancelled: bool = False
    """It was stopped before the end."""
    error: str | None = None
    """Why it failed, in words; None when it did not."""


@dataclass
class FilesChanged(Message):
    """The watch saw the library's files change (posted from its thread)."""


@dataclass
class MarksChanged(Message):
    """Read or starred marks were written to the state file (or could not be)."""

    marks: dict[int, Marks] = field(default_factory=dict)
    """The marks now on these articles (by row id); on an error, the marks
    they had before the key was pressed."""
    everything: int | None = None
    """How many articles a mark-all marked read (their rows must be read again)."""
    error: str | None = None
    """Why the state file could not be written, in words."""


@dataclass
class SearchSaved(Message):
    """A search was saved under a name (w), or could not be."""

    name: str
    """The name it was saved under."""
    text: str
    """The query, as typed."""
    error: str | None = None
    """Why the state file could not be written, in words."""


@dataclass
class FullTextFetched(Message):
    """An article's full text was fetched (or could not be)."""

    path: str
    """The article's file (the pane may show another by now)."""
    full: object | None
    """The full text (reader.fulltext.service.FullText); None when it failed."""
    error: str | None = None
    """Why not, in one line."""


@dataclass
class ArticleLoaded(Message):
    """An article's file has been read (for the article pane)."""

    path: str
    """The file asked for."""
    row: ListRow | None
    """The list's row for it, when it came from the list."""
    article: Article | None
    """The article; None when the file can no longer be read."""
    in_library: set[str]
    """Which of its related links are articles in the library."""
    problems: list[str]
    """What was wrong with the file, one line each."""
    full: object | None = None
    """Its page's full text from the cache, when there is one (shown as it is, no request)."""
