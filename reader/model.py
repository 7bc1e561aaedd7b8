"""Plain values that describe articles and the problems found reading them.

Nothing here knows about files, SQLite or the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Union

Number = Union[int, float]


@dataclass(frozen=True, slots=True)
class Provider:
    name: str | None = None
    domain: str | None = None

    def label(self) -> str:
        return self.name or self.domain or ""


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    width: int | None = None
    height: int | None = None
    title: str | None = None
    is_cached: bool | None = None


@dataclass(frozen=True, slots=True)
class Related:
    title: str | None = None
    url: str | None = None
    excerpt: str | None = None
    published_at: datetime | None = None
    provider: Provider | None = None
    quality: Number | None = None
    type: str | None = None
    amp_url: str | None = None
    cdn_amp_url: str | None = None
    images: tuple[Image, ...] = ()


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one file.

    ``skipped`` problems mean the file gave no article; the others are
    warnings about one field of an article that was kept.
    """

    path: str
    reason: str
    line: int | None = None
    skipped: bool = False

    def format(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class Article:
    path: str
    title: str
    excerpt: str | None = None
    category: str | None = None
    published_at: datetime | None = None
    original_url: str | None = None
    web_url: str | None = None
    amp_web_url: str | None = None
    cdn_amp_web_url: str | None = None
    type: str | None = None
    quality: Number | None = None
    heat: Number | None = None
    published: bool | None = None
    provider: Provider | None = None
    topics: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    related: tuple[Related, ...] = ()
    has_secured: bool = False
    body: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str | None:
        """The link a reader opens: webUrl, else originalUrl."""
        return self.web_url or self.original_url


@dataclass(slots=True)
class ListRow:
    """One article as a list shows it: the cache's columns, no body.

    The user's read and starred marks are not on it: they live in the state
    file and come beside the rows (Marks), so a row read from the cache is
    never stale about them.
    """

    id: int  # the cache's row id: valid until the cache is rebuilt
    uid: str  # the id `reader list` prints and `reader show` takes (stable for a file)
    path: str
    title: str
    excerpt: str | None
    url: str | None
    published_at: int | None  # seconds since the epoch, UTC
    quality: float | None
    heat: float | None
    published: bool | None
    provider: str | None
    domain: str | None
    topics: list[str]
    n_related: int
    has_body: bool
    data: dict[str, Any] | None = None  # the fields `reader list --format json` adds, when asked for
    # Its story (reader.stories): the same news from other providers.
    story: str = ""  # the story's id (the uid of its first report; its own uid when alone)
    story_size: int = 1  # articles in the story, this one included
    story_rank: int = 0  # 0: the story's head (best quality, then earliest)
    story_heat: float | None = None  # the members' heat added up

    @property
    def published_datetime(self) -> datetime | None:
        if self.published_at is None:
            return None
        return datetime.fromtimestamp(self.published_at, timezone.utc)


@dataclass(frozen=True, slots=True)
class Marks:
    """The user's marks on one article (from the state file)."""

    read: bool = False
    starred: bool = False


NO_MARKS = Marks()


KNOWN_FIELDS = frozenset(
    {
        "category",
        "title",
        "excerpt",
        "publishedDateTime",
        "originalUrl",
        "webUrl",
        "ampWebUrl",
        "cdnAmpWebUrl",
        "type",
        "quality",
        "heat",
        "published",
        "provider",
        "topics",
        "images",
        "related",
        "secured",
    }
)
