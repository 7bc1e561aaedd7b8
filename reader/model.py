"""Plain values that describe articles and the problems found reading them.

Nothing here knows about files, SQLite or the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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
