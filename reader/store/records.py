"""One batch of files -> the rows the cache stores (runs in worker processes).

Parsing itself is reader.parse; this module only lays an Article out as the
cache's columns, its JSON extras and its FTS text.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Iterable, Iterator

from reader.model import Image, Provider, Related

FTS_BODY_CHARS = 200_000

Item = tuple[str, int, int]  # (path, size, mtime_ns)


def article_uid(path: str) -> str:
    """The id shown by `reader list` and taken by `reader show`: stable for a file."""
    return hashlib.sha1(path.encode("utf-8", "surrogatepass")).hexdigest()[:12]


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


def parse_rows(batch: list[Item], stories: bool = True) -> list[tuple[Any, ...]]:
    """Parse files into database rows (runs in worker processes); with
    ``stories``, each article's evidence for grouping too (reader.stories)."""
    from reader.parse import parse_file
    from reader.stories.features import features

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
        evidence = None
        if stories:
            evidence = features(
                article.title,
                article.excerpt,
                (article.url, article.original_url),
                [(r.title, r.url) for r in article.related],
            )
        out.append((path, size, mtime, (row, list(article.topics), fts, evidence), problem_rows))
    return out


def chunked(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def parse_safely(batch: list[Item], stories: bool = True) -> list[tuple[Any, ...]]:
    """parse_rows() in this process; a file the parser fails on (a bug, not a
    bad file: those are problems already) is reported, and the rest kept."""
    try:
        return parse_rows(batch, stories)
    except Exception:  # noqa: BLE001 - find the file, report it, go on
        pass
    out = []
    for item in batch:
        try:
            out.extend(parse_rows([item], stories))
        except Exception as exc:  # noqa: BLE001
            reason = f"could not be read: reader failed on it ({type(exc).__name__}: {exc})"
            out.append((*item, None, [(None, reason, 1)]))
    return out


def plain(text: str) -> str:
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


def scrub(value: Any) -> Any:
    """``value`` (parsed rows: tuples, lists, strs) with every str made storable."""
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a NamedTuple (Features)
        return type(value)(*(scrub(v) for v in value))
    if isinstance(value, (tuple, list)):
        return type(value)(scrub(v) for v in value)
    return value
