"""An article's full text: from the cache as it is (no request), else its
page fetched (reader.fulltext.fetch), its article extracted
(reader.fulltext.extract) and kept (reader.fulltext.cache); asked to
refresh, a cached page is re-validated with a conditional request.

Nothing here fetches on its own: callers ask, because the user did (a key,
`reader fetch`, `reader show --full`, or `full_text = "auto"`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable
from urllib.parse import urlsplit

from reader.links import refusal
from reader.text import clean


class FullTextError(Exception):
    """The full text could not be had; str() is one line for the user,
    ``reason`` the same without the site's name (for a line that names the link)."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


@dataclass(frozen=True, slots=True)
class FullText:
    """A page's article text, and where and when it came from."""

    markdown: str
    source_url: str  # the page fetched (after redirects)
    fetched_at: datetime  # when it was fetched, or last found unchanged
    from_cache: bool  # read from the cache without a request

    @property
    def host(self) -> str:
        """The site it came from, as a user names it ("bbc.co.uk")."""
        host = urlsplit(self.source_url).hostname or self.source_url
        return clean(host.removeprefix("www."))


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class FullTexts:
    """Full texts by link, through one cache."""

    def __init__(self, cache, *, fetch: Callable | None = None, extract: Callable | None = None, clock: Callable[[], datetime] = utc_now) -> None:
        """``cache`` is a reader.fulltext.cache.FullTextCache; ``fetch`` and
        ``extract`` default to reader.fulltext's (tests give their own)."""
        if fetch is None:
            from reader.fulltext.fetch import fetch
        if extract is None:
            from reader.fulltext.extract import extract
        self.cache = cache
        self._fetch = fetch
        self._extract = extract
        self.clock = clock

    def cached(self, url: str | None) -> FullText | None:
        """The cached full text of ``url``, as it is (no request)."""
        if not url:
            return None
        entry = self.cache.get(url)
        if entry is None:
            return None
        return FullText(entry.markdown, entry.source_url, entry.fetched_at, True)

    def get(self, url: str | None, *, refresh: bool = False, cancelled: Callable[[], bool] | None = None) -> FullText:
        """The full text of ``url``: the cached one unless ``refresh``; else
        fetched (conditionally when cached) and extracted. FullTextError says
        why not, in one line."""
        problem = refusal(url)
        if problem is not None:
            raise FullTextError(problem[:1].upper() + problem[1:])
        assert url is not None
        from reader.fulltext.cache import CacheError

        try:
            return self._get(url, refresh, cancelled)
        except CacheError as exc:
            raise FullTextError(f"the full-text cache failed: {clean(str(exc))}") from None

    def _get(self, url: str, refresh: bool, cancelled: Callable[[], bool] | None) -> FullText:
        entry = self.cache.get(url)
        if entry is not None and not refresh:
            return FullText(entry.markdown, entry.source_url, entry.fetched_at, True)
        from reader.fulltext.extract import ExtractError
        from reader.fulltext.fetch import FetchError, RetryLater

        try:
            page = self._fetch(
                url,
                etag=entry.etag if entry is not None else None,
                last_modified=entry.last_modified if entry is not None else None,
                cancelled=cancelled,
            )
        except RetryLater:
            raise  # "retry after N seconds": reader.fulltext.bulk waits and asks again
        except FetchError as exc:
            raise FullTextError(clean(str(exc)), clean(exc.reason)) from None
        now = self.clock()
        if page.not_modified and entry is not None:
            self.cache.revalidated(url, now)
            return FullText(entry.markdown, entry.source_url, now, False)
        try:
            markdown = self._extract(page.html, page.url)
        except ExtractError as exc:
            raise FullTextError(f"{_host(page.url)}: {clean(str(exc))}", clean(str(exc))) from None
        self.cache.put(url, markdown, page.url, page.etag, page.last_modified, now)
        return FullText(markdown, page.url, now, False)

    def texts(self, urls: Iterable[str]) -> dict[str, str]:
        """The cached full texts of those of ``urls`` that have one (for the
        index: Library.full_texts); reading them does not count as reading."""
        found = self.cache.has(list(urls))
        texts = {}
        for url in found:
            entry = self.cache.get(url, touch=False)
            if entry is not None:
                texts[url] = entry.markdown
        return texts


def _host(url: str) -> str:
    return clean((urlsplit(url).hostname or url).removeprefix("www."))


class LazyFullTexts:
    """The app's full texts: the cache is opened when first needed (a
    library that never fetched one never makes the file)."""

    def __init__(self, cap_bytes: int, path=None, notice: Callable[[str], None] | None = None, clock: Callable[[], datetime] = utc_now) -> None:
        """``clock``: the time a fetch is stamped with (the app's, which its dates are shown against)."""
        import threading

        self.clock = clock
        self.cap_bytes = cap_bytes
        self.path = path
        self.notice = notice
        self._lock = threading.Lock()
        self._texts: FullTexts | None = None

    def _open(self) -> FullTexts:
        with self._lock:
            if self._texts is None:
                from reader.fulltext.cache import FullTextCache

                self._texts = FullTexts(FullTextCache(self.path, cap_bytes=self.cap_bytes, notice=self.notice), clock=self.clock)
            return self._texts

    def _exists(self) -> bool:
        if self._texts is not None:
            return True
        from reader.config import cache_dir

        return (self.path or cache_dir() / "fulltext.sqlite3").exists()

    def get(self, url: str | None, *, refresh: bool = False, cancelled: Callable[[], bool] | None = None) -> FullText:
        return self._open().get(url, refresh=refresh, cancelled=cancelled)

    def cached(self, url: str | None) -> FullText | None:
        from reader.fulltext.cache import CacheError

        if not url or not self._exists():
            return None
        try:
            return self._open().cached(url)
        except CacheError:
            return None  # shown without it; F says what is wrong

    def texts(self, urls: Iterable[str]) -> dict[str, str]:
        if not self._exists():
            return {}
        return self._open().texts(urls)  # (a CacheError: the refresh indexes without them, with a notice)

    def close(self) -> None:
        with self._lock:
            if self._texts is not None:
                self._texts.cache.close()
                self._texts = None
