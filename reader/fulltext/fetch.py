"""One web page fetched for its full text, defensively.

httpx does the HTTP (connection handling, TLS, content encodings, a
streamed body); this module adds the rules a news reader needs against
pages it does not control:

- only http and https, on the first URL and on every redirect target
  (reader.links.refusal, as for opening a link); redirects are followed
  here one at a time, so each is checked, counted and a loop is seen;
- one deadline for the whole fetch, redirects and body included: each
  request's timeouts are the time left, the body is read chunk by chunk
  with the clock checked in between, and a watchdog thread (deadline.py)
  shuts the socket at the deadline, so a server trickling its headers or
  its body a byte at a time is cut off too (a per-read timeout never
  fires there);
- the body is streamed and reading stops at the size cap: the rest is
  never read (nor, compressed, inflated);
- only HTML: a Content-Type that says otherwise is refused before the
  body is read; without one, the first bytes are sniffed;
- decoded as a browser decodes it (charset.py);
- no cookies kept or sent (requests go to an httpx transport, with no
  cookie jar anywhere); the User-Agent names reader.

Every failure is a FetchError whose str() is one line for the user,
naming the host and the reason; never a traceback.
"""

from __future__ import annotations

import email.utils
import re
import socket
import ssl
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Callable
from urllib.parse import urljoin, urlsplit

import httpx

from reader import __version__
from reader.fulltext.charset import decode_html
from reader.fulltext.deadline import Watch
from reader.links import ALLOWED_SCHEMES, refusal

__all__ = [
    "Cancelled", "FetchError", "Page", "RetryLater", "decode_html", "fetch", "host_of", "retry_after",
]

USER_AGENT = f"reader/{__version__} (reader-tui, a terminal news reader)"
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Types that say nothing about the content: the first bytes are sniffed.
VAGUE_TYPES = ("", "application/octet-stream", "application/unknown", "unknown/unknown", "*/*")
MAX_RETRY_AFTER = 60.0  # seconds: a longer Retry-After is waited this long
SNIFF_BYTES = 512


class FetchError(Exception):
    """A page that could not be fetched; str() is one line naming the host and why."""

    def __init__(self, url: str, reason: str, *, status: int | None = None, host: str | None = None) -> None:
        self.url = url
        self.host = host_of(url) if host is None else host
        self.reason = reason
        self.status = status  # the HTTP status, when the server answered with an error
        super().__init__(f"{self.host}: {reason}" if self.host else reason)


class Cancelled(FetchError):
    """The fetch was stopped by its ``cancelled()`` (Esc in the app)."""

    def __init__(self, url: str) -> None:
        super().__init__(url, "cancelled")


class RetryLater(FetchError):
    """A 429 or 503 with a Retry-After: ``seconds`` to wait (capped) before one more try."""

    def __init__(self, url: str, reason: str, *, status: int, seconds: float) -> None:
        super().__init__(url, reason, status=status)
        self.seconds = seconds


@dataclass(frozen=True)
class Page:
    url: str  # the final URL, after redirects
    status: int
    content_type: str  # the media type of the Content-Type header ("text/html"), "" when it had none
    html: str  # the decoded page; "" when not_modified
    etag: str | None
    last_modified: str | None
    not_modified: bool = False  # a 304 to a conditional request: the cached copy is current


def host_of(url: str) -> str:
    """The host a message names: "bbc.co.uk" for https://www.bbc.co.uk/news; "" without one."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = 15.0,
    max_bytes: int = 10 * 1024 * 1024,
    max_redirects: int = 5,
    transport: httpx.BaseTransport | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Page:
    """The page at ``url``, or a FetchError saying in one line why not.

    ``timeout`` bounds the whole fetch (redirects and body included).
    With ``etag`` or ``last_modified`` the request is conditional, and a
    304 gives a Page with ``not_modified`` set. ``cancelled`` is called
    between chunks and, every 0.1 s while a read blocks, from a watchdog
    thread: it must be cheap and thread-safe; when it returns True the
    fetch ends with Cancelled.

    Requests go straight to an httpx transport, not through an
    httpx.Client: a Client looks at a redirect's Location itself (and
    raises on one like ``javascript:alert(1)``, losing the answer) and
    keeps cookies. Each fetch has its own connections, through the proxy
    the environment names (HTTPS_PROXY, NO_PROXY...), unless given a
    ``transport`` (tests give an httpx.MockTransport; one HTTPTransport
    may be shared between threads, and is then used for every URL).
    """
    why = refusal(url)
    if why is not None:  # in the words `o` uses for the same link
        raise FetchError(url, why, host="")
    url = url.strip()
    if cancelled is not None and cancelled():
        raise Cancelled(url)
    transports = _Transports(transport)
    watch = Watch(time.monotonic() + timeout, cancelled)
    try:
        return _Fetch(transports, watch, timeout, max_bytes, etag, last_modified).run(url, max_redirects)
    finally:
        watch.finish()
        transports.close()


# -- the fetch, one request after another -------------------------------------------


class _Fetch:
    def __init__(
        self, transports: _Transports, watch: Watch, timeout: float, max_bytes: int,
        etag: str | None, last_modified: str | None,
    ) -> None:
        self.transports = transports
        self.watch = watch
        self.timeout = timeout
        self.max_bytes = max_bytes
        # All the request says: no Cookie, ever (nothing keeps one either).
        self.headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"}
        if etag:
            self.headers["If-None-Match"] = etag
        if last_modified:
            self.headers["If-Modified-Since"] = last_modified
        self.etag = etag
        self.last_modified = last_modified
        self.url = ""  # the URL being requested, for messages
        self.answered = False  # whether its response headers have arrived

    def run(self, url: str, max_redirects: int) -> Page:
        self.url = url
        try:
            current = httpx.URL(url)
        except (httpx.InvalidURL, ValueError):
            raise FetchError(url, "not a valid link") from None
        seen = {str(current)}
        hops = 0
        while True:
            self.url, self.answered = str(current), False
            response = self._send(current)
            try:
                target = self._redirect(response)
                if target is None:
                    return self._page(response)
            except FetchError:
                raise
            except _FAILURES as exc:
                raise self._failure(exc) from exc
            finally:
                response.close()
            hops += 1
            if str(target) in seen:
                raise FetchError(self.url, "a redirect loop")
            if hops > max_redirects:
                raise FetchError(self.url, f"more than {max_redirects} redirects")
            seen.add(str(target))
            current = target

    def _send(self, url: httpx.URL) -> httpx.Response:
        self._check()
        left = max(self.watch.deadline - time.monotonic(), 0.001)
        transport = self.transports.for_url(self.url)
        request = httpx.Request(
            "GET", url, headers=self.headers,
            extensions={"timeout": httpx.Timeout(left).as_dict(), "trace": self.watch.trace},
        )
        try:
            response = transport.handle_request(request)
        except _FAILURES as exc:
            raise self._failure(exc) from exc
        response.request = request
        self.answered = True
        self.watch.add(response.extensions.get("network_stream"))
        return response

    def _redirect(self, response: httpx.Response) -> httpx.URL | None:
        """Where a redirect leads (checked), or None when ``response`` is not one."""
        if response.status_code not in (301, 302, 303, 307, 308) or "location" not in response.headers:
            return None
        target = urljoin(self.url, response.headers["location"].strip()).replace(" ", "%20")
        why = refusal(target)
        if why is not None:
            try:
                scheme = urlsplit(target).scheme.lower()
            except ValueError:
                scheme = ""
            if scheme not in ALLOWED_SCHEMES:
                shown = f"a {scheme[:20]}:" if scheme else "a schemeless"
                raise FetchError(self.url, f"redirected to {shown} link (only http and https are fetched)")
            raise FetchError(self.url, f"redirected to a bad link ({why})")
        try:
            return httpx.URL(target)
        except (httpx.InvalidURL, ValueError):
            raise FetchError(self.url, "redirected to a link that is not valid") from None

    def _page(self, response: httpx.Response) -> Page:
        status = response.status_code
        if status == 304 and (self.etag or self.last_modified):
            return Page(
                url=self.url, status=status, content_type="", html="",
                etag=_header(response, "etag") or self.etag,
                last_modified=_header(response, "last-modified") or self.last_modified,
                not_modified=True,
            )
        if status >= 300:
            raise _status_error(self.url, response)
        header = response.headers.get("content-type", "")
        mime = header.split(";")[0].strip().lower()
        if mime not in HTML_TYPES and mime not in VAGUE_TYPES:
            raise FetchError(self.url, f"not a web page ({_shown_type(mime)})")
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            raise FetchError(self.url, f"the page is over {_size(self.max_bytes)}")
        body = self._body(response, sniff=mime in VAGUE_TYPES)
        return Page(
            url=self.url, status=status, content_type=mime if mime in HTML_TYPES else "",
            html=decode_html(body, header),
            etag=_header(response, "etag"), last_modified=_header(response, "last-modified"),
        )

    def _body(self, response: httpx.Response, *, sniff: bool) -> bytes:
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self.max_bytes:
                raise FetchError(self.url, f"the page is over {_size(self.max_bytes)}")
            if sniff and len(body) >= SNIFF_BYTES:
                self._sniff(body)
                sniff = False
            self._check()
        # The watchdog may have ended a body that runs to the connection's end:
        # what arrived is then a truncated page, not the page.
        self._check()
        if sniff:
            self._sniff(body)
        return bytes(body)

    def _sniff(self, body: bytearray) -> None:
        kind = _sniffed(bytes(body[:SNIFF_BYTES]))
        if kind is not None:
            raise FetchError(self.url, f"not a web page ({kind})")

    def _check(self) -> None:
        if self.watch.reason is None:
            self.watch.look()
        if self.watch.reason == "cancelled":
            raise Cancelled(self.url)
        if self.watch.reason == "timeout":
            raise self._late()

    def _late(self) -> FetchError:
        if self.answered:
            return FetchError(self.url, f"the page did not arrive within {self.timeout:g} s")
        return FetchError(self.url, f"no answer within {self.timeout:g} s")

    def _failure(self, exc: BaseException) -> FetchError:
        """The FetchError for an error raised while fetching ``self.url``."""
        if self.watch.reason == "cancelled":
            return Cancelled(self.url)
        if self.watch.reason == "timeout" or isinstance(exc, httpx.TimeoutException):
            return self._late()
        return FetchError(self.url, _reason(exc, self.answered))


# What httpx, the socket or the TLS layer raise when a fetch fails (ValueError:
# a URL httpx cannot take, or an SSL socket read after the watchdog shut it).
_FAILURES = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, ValueError)


def _reason(exc: BaseException, answered: bool) -> str:
    causes = _chain(exc)
    for cause in causes:
        if isinstance(cause, socket.gaierror):
            if cause.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
                return "the host was not found"
            return f"the host name could not be looked up ({cause.strerror or cause})"
        if isinstance(cause, ConnectionRefusedError):
            return "the connection was refused"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"its certificate was not accepted ({cause.verify_message or cause.reason})"
        if isinstance(cause, ssl.SSLError):
            detail = (cause.reason or "").replace("_", " ").lower() or cause.strerror or "TLS error"
            return f"a secure connection could not be made ({detail})"
    if isinstance(exc, httpx.DecodingError):
        return "the page's compression is broken"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection broke before the page was complete" if answered else "the server gave no valid answer"
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return "not a valid link"
    for cause in causes:
        if isinstance(cause, OSError) and cause.strerror:
            if isinstance(exc, httpx.ConnectError):
                return f"could not connect ({cause.strerror})"
            return f"the connection broke ({cause.strerror})"
    if isinstance(exc, httpx.ConnectError):
        return "could not connect"
    return f"the request failed ({type(exc).__name__})"


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and what caused it (httpx wraps httpcore, which wraps the OS error)."""
    seen: list[BaseException] = []
    while exc is not None and exc not in seen and len(seen) < 10:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return seen


def _status_error(url: str, response: httpx.Response) -> FetchError:
    status = response.status_code
    shown = f"HTTP {status} {httpx.codes.get_reason_phrase(status)}".rstrip()
    if status in (429, 503):
        seconds = retry_after(response.headers.get("retry-after"))
        if seconds is not None:
            return RetryLater(url, f"{shown} (retry after {seconds:g} s)", status=status, seconds=seconds)
    return FetchError(url, shown, status=status)


def retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks to wait (delay or HTTP date), capped
    at MAX_RETRY_AFTER; None when absent or unreadable."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return min(float(text), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    wait = (when - (now or datetime.now(timezone.utc))).total_seconds()
    return min(max(wait, 0.0), MAX_RETRY_AFTER)


def _header(response: httpx.Response, name: str) -> str | None:
    value = response.headers.get(name, "").strip()
    return value if value and len(value) <= 1024 else None


_MIME = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}")


def _shown_type(mime: str) -> str:
    """A Content-Type fit for a message (a server's header is not)."""
    return mime if _MIME.fullmatch(mime) else "an unknown type"


def _size(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f}".removesuffix(".0") + " MB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.0f} KB"
    return f"{n} bytes"


# Signatures of what is most often behind a link and is not a page.
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"OggS", "audio/ogg"),
    (b"ID3", "audio/mpeg"),
)


def _sniffed(head: bytes) -> str | None:
    """What ``head`` (a body's first bytes, no Content-Type said) is when it is
    plainly not a page; None when it may be one (the extractor judges text)."""
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    if b"\x00" in head:
        return "binary data"
    return None


# -- connections --------------------------------------------------------------------


class _Transports:
    """The connections of one fetch: the caller's transport, else one per
    proxy its URLs need (none, mostly), closed when the fetch ends."""

    def __init__(self, given: httpx.BaseTransport | None) -> None:
        self.given = given
        self.own: dict[str | None, httpx.BaseTransport] = {}

    def for_url(self, url: str) -> httpx.BaseTransport:
        if self.given is not None:
            return self.given
        proxy = _proxy_for(url)
        if proxy not in self.own:
            try:
                self.own[proxy] = httpx.HTTPTransport(verify=_ssl_context(), proxy=proxy)
            except (ImportError, ValueError, httpx.InvalidURL):  # a socks proxy (socksio missing), or not a URL
                raise FetchError(url, "the proxy set in the environment cannot be used") from None
        return self.own[proxy]

    def close(self) -> None:
        for transport in self.own.values():
            transport.close()


def _proxy_for(url: str) -> str | None:
    """The proxy the environment names for ``url`` (as curl and pip read it), or None."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return proxy


@lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    """httpx's default verification (certifi, or SSL_CERT_FILE/DIR), built once:
    loading the certificates costs milliseconds a client otherwise."""
    return httpx.create_ssl_context()


