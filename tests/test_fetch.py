"""Fetching an article's page (reader.fulltext.fetch) and many at once
(reader.fulltext.bulk), against local servers: every bad case of issue 13
ends in one FetchError line naming the host, never a traceback; the
deadline is total (a server trickling its headers or body is cut off);
reading stops at the size cap; legacy charsets decode; no cookie goes
back; and fetch_many keeps 2 requests per host, `jobs` in all, and a
host's Retry-After."""

from __future__ import annotations

import gzip
import http.server
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Callable

import httpx
import pytest
from werkzeug import Request, Response

from reader.fulltext.bulk import fetch_many
from reader.fulltext.fetch import (
    USER_AGENT, Cancelled, FetchError, Page, RetryLater, decode_html, fetch, retry_after,
)
from reader.links import refusal

PAGE = "<!doctype html><html><head><title>T</title></head><body><p>Story</p></body></html>"


# -- a raw TCP server, for what an HTTP server library will not do ------------------


class Raw:
    """A server on 127.0.0.1 handing each connection to ``serve(conn, stop)`` in a thread of its own."""

    def __init__(self, serve: Callable[[socket.socket, threading.Event], None], *, tls: ssl.SSLContext | None = None) -> None:
        self.serve = serve
        self.tls = tls
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.threads: list[threading.Thread] = []
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()

    def url(self, path: str = "/", scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            thread = threading.Thread(target=self._one, args=(conn,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _one(self, conn: socket.socket) -> None:
        try:
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
            self.serve(conn, self.stop)
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()

    def finish(self, wait: float = 5.0) -> None:
        """Wait for the connections to end, then close."""
        for thread in list(self.threads):
            thread.join(wait)
        self.close()

    def close(self) -> None:
        self.stop.set()
        self.acceptor.join()
        self.listener.close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local servers are reached directly, whatever proxy the machine sets."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def raw():
    servers: list[Raw] = []

    def start(serve, **kwargs) -> Raw:
        server = Raw(serve, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def failure(url: str, **kwargs) -> tuple[FetchError, float]:
    """The FetchError fetch() raises for ``url``, and how long it took."""
    start = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)
    return caught.value, time.monotonic() - start


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return sock.getsockname()[1]


# -- links that are not fetched at all ----------------------------------------------


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://example.com/a", "", "http://"])
def test_a_link_that_is_not_http_is_refused_without_a_request(url: str) -> None:
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(200))
    error, _ = failure(url, transport=transport)
    assert str(error) == refusal(url)  # the words `o` uses for the same link
    assert sent == []


# -- the network's own failures -----------------------------------------------------


def test_a_closed_port_is_a_refused_connection() -> None:
    error, _ = failure(f"http://127.0.0.1:{free_port()}/story")
    assert str(error) == "127.0.0.1: the connection was refused"


def test_a_host_that_does_not_exist() -> None:
    error, _ = failure("https://www.nowhere.invalid/story")
    assert str(error) in ("nowhere.invalid: the host was not found",) or str(error).startswith(
        "nowhere.invalid: the host name could not be looked up"
    )


def test_https_to_a_server_that_does_not_speak_tls(httpserver) -> None:
    httpserver.expect_request("/").respond_with_data(PAGE, content_type="text/html")
    error, _ = failure(httpserver.url_for("/").replace("http:", "https:"))
    assert str(error).startswith("localhost: a secure connection could not be made (")
    assert "\n" not in str(error)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: (certificate, key)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs openssl to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def tls_server(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def test_a_certificate_nobody_vouches_for(raw, certificate) -> None:
    server = raw(lambda conn, stop: read_request(conn), tls=tls_server(certificate))
    error, _ = failure(server.url(scheme="https"))
    assert str(error).startswith("127.0.0.1: its certificate was not accepted (")
    assert "self" in str(error)  # "self-signed certificate"


# -- one deadline for everything ----------------------------------------------------


def silent(conn: socket.socket, stop: threading.Event) -> None:
    read_request(conn)
    stop.wait(10)


def test_a_server_that_never_answers(raw) -> None:
    server = raw(silent)
    error, took = failure(server.url(), timeout=1.0)
    assert str(error) == "127.0.0.1: no answer within 1 s"
    assert 0.9 <= took < 1.6


def test_a_body_trickled_a_byte_at_a_time_is_cut_off_at_the_total_deadline(raw) -> None:
    # Each read returns at once: a per-read timeout would never fire.
    def trickle(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html>")
        while not stop.wait(0.05):
            conn.sendall(b"x")

    error, took = failure(raw(trickle).url(), timeout=1.0)
    assert str(error) == "127.0.0.1: the page did not arrive within 1 s"
    assert 0.9 <= took < 1.6


def test_headers_trickled_a_line_at_a_time_are_cut_off_too(raw) -> None:
    # Never a whole response to look at between reads: only the watchdog ends this.
    def trickle(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        while not stop.wait(0.05):
            conn.sendall(b"X-Slow: 1\r\n")

    error, took = failure(raw(trickle).url(), timeout=1.0)
    assert str(error) == "127.0.0.1: no answer within 1 s"
    assert 0.9 <= took < 1.6


def test_the_deadline_holds_over_tls_too(raw, certificate) -> None:
    # The watchdog shuts a TLS socket down under the thread reading it; the
    # shared connections it was taken from serve the next fetch as before.
    calls = []

    def trickle_once(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        calls.append(1)
        if len(calls) > 1:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(PAGE) + PAGE.encode())
            return
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        while not stop.wait(0.05):
            conn.sendall(b"X-Slow: 1\r\n")

    server = raw(trickle_once, tls=tls_server(certificate))
    with httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(certificate[0]))) as trusting:
        error, took = failure(server.url(scheme="https"), timeout=1.0, transport=trusting)
        assert str(error) == "127.0.0.1: no answer within 1 s"
        assert 0.9 <= took < 1.6
        assert "Story" in fetch(server.url(scheme="https"), transport=trusting, timeout=2.0).html


def test_no_watchdog_outlives_its_fetch(httpserver) -> None:
    httpserver.expect_request("/").respond_with_data(PAGE, content_type="text/html")
    for _ in range(20):
        fetch(httpserver.url_for("/"), cancelled=lambda: False)
    time.sleep(0.2)
    assert not [t for t in threading.enumerate() if t.name == "reader-fetch-watch"]


def test_the_deadline_covers_the_redirects_as_well(httpserver) -> None:
    def slow_hop(request: Request) -> Response:
        time.sleep(0.3)
        hop = int(request.path.rsplit("/", 1)[1])
        return Response("", status=302, headers={"Location": f"/hop/{hop + 1}"})

    httpserver.expect_request("/hop/0").respond_with_handler(slow_hop)
    for hop in range(1, 5):
        httpserver.expect_request(f"/hop/{hop}").respond_with_handler(slow_hop)
    error, took = failure(httpserver.url_for("/hop/0"), timeout=1.0)
    assert str(error) == "localhost: no answer within 1 s"
    assert took < 1.5


def test_a_cancelled_fetch_ends_at_once_even_while_a_read_blocks(raw) -> None:
    server = raw(silent)
    start = time.monotonic()
    with pytest.raises(Cancelled) as caught:
        fetch(server.url(), timeout=10.0, cancelled=lambda: time.monotonic() - start > 0.2)
    assert str(caught.value) == "127.0.0.1: cancelled"
    assert time.monotonic() - start < 0.8


# -- the size cap ------------------------------------------------------------------


def test_a_page_over_the_cap_stops_being_read_at_the_cap(raw) -> None:
    # 200 MB on offer, with no length said: the reader must hang up near 10 MB.
    sent = []

    def flood(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
        block = b"<p>" + b"x" * 65533
        total = 0
        try:
            while total < 200 * 1024 * 1024 and not stop.is_set():
                conn.sendall(block)
                total += len(block)
        finally:
            sent.append(total)

    server = raw(flood)
    error, _ = failure(server.url())
    assert str(error) == "127.0.0.1: the page is over 10 MB"
    server.finish()
    assert sent and sent[0] < 40 * 1024 * 1024  # the rest was never sent (only what the socket buffers held)


def test_a_page_that_says_it_is_over_the_cap_is_not_read_at_all(raw) -> None:
    def promise(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 50000000\r\n\r\n")
        stop.wait(10)  # and then nothing: a reader waiting for the body would time out

    error, took = failure(raw(promise).url(), timeout=5.0)
    assert str(error) == "127.0.0.1: the page is over 10 MB"
    assert took < 1.0


def test_a_compressed_page_is_capped_by_its_inflated_size(httpserver) -> None:
    bomb = gzip.compress(b"<p>" + b"0" * (30 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100 * 1024
    httpserver.expect_request("/").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    error, _ = failure(httpserver.url_for("/"), max_bytes=1024 * 1024)
    assert str(error) == "localhost: the page is over 1 MB"


# -- redirects ---------------------------------------------------------------------


def redirect_chain(httpserver, hops: int) -> str:
    for hop in range(hops):
        httpserver.expect_request(f"/r{hop}").respond_with_data("", status=302, headers={"Location": f"/r{hop + 1}"})
    httpserver.expect_request(f"/r{hops}").respond_with_data(PAGE, content_type="text/html")
    return httpserver.url_for("/r0")


def test_five_redirects_are_followed(httpserver) -> None:
    page = fetch(redirect_chain(httpserver, 5))
    assert page.url == httpserver.url_for("/r5")
    assert "Story" in page.html


def test_more_than_five_redirects(httpserver) -> None:
    error, _ = failure(redirect_chain(httpserver, 6))
    assert str(error) == "localhost: more than 5 redirects"


def test_a_redirect_loop(httpserver) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=301, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=307, headers={"Location": httpserver.url_for("/a")})
    error, _ = failure(httpserver.url_for("/a"))
    assert str(error) == "localhost: a redirect loop"


@pytest.mark.parametrize("target", ["ftp://example.com/file", "javascript:alert(1)", "file:///etc/passwd"])
def test_a_redirect_to_another_scheme_is_not_followed(httpserver, target: str) -> None:
    httpserver.expect_request("/").respond_with_data("", status=302, headers={"Location": target})
    error, _ = failure(httpserver.url_for("/"))
    scheme = target.split(":")[0]
    assert str(error) == f"localhost: redirected to a {scheme}: link (only http and https are fetched)"


# -- what the server answers -------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "shown"),
    [(404, "HTTP 404 Not Found"), (410, "HTTP 410 Gone"), (500, "HTTP 500 Internal Server Error"),
     (502, "HTTP 502 Bad Gateway"), (429, "HTTP 429 Too Many Requests")],
)
def test_an_error_status(httpserver, status: int, shown: str) -> None:
    httpserver.expect_request("/").respond_with_data("<html>oops</html>", status=status, content_type="text/html")
    error, _ = failure(httpserver.url_for("/"))
    assert str(error) == f"localhost: {shown}"
    assert error.status == status
    assert not isinstance(error, RetryLater)  # no Retry-After: nothing to wait for


def test_a_retry_after_is_read_and_capped(httpserver) -> None:
    httpserver.expect_request("/busy").respond_with_data("", status=429, headers={"Retry-After": "7"})
    httpserver.expect_request("/down").respond_with_data("", status=503, headers={"Retry-After": "86400"})
    with pytest.raises(RetryLater) as busy:
        fetch(httpserver.url_for("/busy"))
    assert (busy.value.seconds, str(busy.value)) == (7, "localhost: HTTP 429 Too Many Requests (retry after 7 s)")
    with pytest.raises(RetryLater) as down:
        fetch(httpserver.url_for("/down"))
    assert down.value.seconds == 60


def test_retry_after_as_a_date() -> None:
    from datetime import datetime, timezone

    now = datetime(2026, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after("Fri, 01 May 2026 12:00:20 GMT", now=now) == 20
    assert retry_after("Fri, 01 May 2026 11:00:00 GMT", now=now) == 0
    assert retry_after("Sat, 02 May 2026 12:00:00 GMT", now=now) == 60
    assert retry_after("soon", now=now) is None
    assert retry_after(None) is None


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png")],
)
def test_content_that_is_not_a_page(httpserver, body: bytes, content_type: str) -> None:
    httpserver.expect_request("/").respond_with_data(body, content_type=content_type)
    error, _ = failure(httpserver.url_for("/"))
    assert str(error) == f"localhost: not a web page ({content_type})"


def test_a_pdf_is_refused_before_its_body_is_read(raw) -> None:
    def pdf(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 5000000\r\n\r\n%PDF-")
        stop.wait(10)

    error, took = failure(raw(pdf).url(), timeout=5.0)
    assert str(error) == "127.0.0.1: not a web page (application/pdf)"
    assert took < 1.0


def answer_without_a_type(body: bytes) -> Callable[[socket.socket, threading.Event], None]:
    def serve(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

    return serve


def test_without_a_content_type_the_first_bytes_decide(raw) -> None:
    page = fetch(raw(answer_without_a_type(PAGE.encode())).url())
    assert "Story" in page.html and page.content_type == ""
    error, _ = failure(raw(answer_without_a_type(b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 600)).url())
    assert str(error) == "127.0.0.1: not a web page (image/jpeg)"


def test_a_hostile_content_type_is_not_repeated(httpserver) -> None:
    httpserver.expect_request("/").respond_with_data(b"x", content_type="x" * 500 + "/evil")
    error, _ = failure(httpserver.url_for("/"))
    assert str(error) == "localhost: not a web page (an unknown type)"


# -- charsets ----------------------------------------------------------------------


RUSSIAN = "Привет, мир: новости"
JAPANESE = "日本語のニュース記事"


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        # By the header.
        (f"<p>{RUSSIAN}</p>".encode("cp1251"), "text/html; charset=windows-1251", RUSSIAN),
        (f"<p>{RUSSIAN}</p>".encode("koi8-r"), 'text/html; charset="KOI8-R"', RUSSIAN),
        (f"<p>{JAPANESE}</p>".encode("shift_jis"), "text/html;charset=Shift_JIS", JAPANESE),
        # A page labelled latin-1 is read as windows-1252, as browsers do: its curly quotes survive.
        (b"<p>\x93caf\xe9\x94</p>", "text/html; charset=ISO-8859-1", "\u201ccaf\u00e9\u201d"),
        # By a meta tag, either kind.
        (f'<meta charset="windows-1251"><p>{RUSSIAN}</p>'.encode("cp1251"), "text/html", RUSSIAN),
        (
            f'<meta http-equiv="Content-Type" content="text/html; charset=shift_jis"><p>{JAPANESE}</p>'.encode("cp932"),
            None, JAPANESE,
        ),
        (f"<?xml version='1.0' encoding='iso-8859-5'?><p>{RUSSIAN}</p>".encode("iso-8859-5"), None, RUSSIAN),
        # The header wins over the meta tag.
        (f'<meta charset="utf-8"><p>{RUSSIAN}</p>'.encode("cp1251"), "text/html; charset=cp1251", RUSSIAN),
        # A byte order mark.
        (b"\xef\xbb\xbf" + f"<p>{RUSSIAN}</p>".encode(), None, RUSSIAN),
        (b"\xff\xfe" + f"<p>{RUSSIAN}</p>".encode("utf-16-le"), "text/html", RUSSIAN),
        # Nothing said: UTF-8.
        (f"<p>{RUSSIAN}</p>".encode(), "text/html", RUSSIAN),
    ],
)
def test_decode_by_header_bom_meta_or_utf8(body: bytes, content_type: str | None, expected: str) -> None:
    assert expected in decode_html(body, content_type)


def test_decoding_never_fails_and_never_uses_a_hostile_codec() -> None:
    assert decode_html(b"<p>caf\xe9</p>", "text/html") == "<p>caf\ufffd</p>"  # not UTF-8: replaced
    assert decode_html(b"<p>a</p>", "text/html; charset=no-such-thing") == "<p>a</p>"
    # unicode_escape would turn the four characters \x1b into a real escape.
    assert decode_html(rb'<meta charset="unicode_escape"><p>\x1b[31m</p>', None).endswith(r"<p>\x1b[31m</p>")
    assert decode_html(b"<p>+ADw-script+AD4-</p>", "text/html; charset=utf-7") == "<p>+ADw-script+AD4-</p>"
    assert decode_html(b"<meta charset=utf-16><p>a</p>", None) == "<meta charset=utf-16><p>a</p>"
    assert decode_html(b"<p>a\x00b</p>", None) == "<p>a\ufffdb</p>"


def test_a_legacy_page_decodes_by_its_header(httpserver) -> None:
    httpserver.expect_request("/").respond_with_data(
        f"<html><body><p>{RUSSIAN}</p></body></html>".encode("cp1251"), content_type="text/html; charset=windows-1251"
    )
    assert RUSSIAN in fetch(httpserver.url_for("/")).html


def test_a_legacy_page_decodes_by_its_meta_tag(httpserver) -> None:
    body = f'<html><head><meta charset="Shift_JIS"></head><body><p>{JAPANESE}</p></body></html>'.encode("shift_jis")
    httpserver.expect_request("/").respond_with_data(body, content_type="text/html")
    page = fetch(httpserver.url_for("/"))
    assert JAPANESE in page.html and page.content_type == "text/html"


# -- conditional requests, User-Agent, cookies -------------------------------------


def test_a_conditional_request_gets_not_modified(httpserver) -> None:
    def page(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(
            PAGE, content_type="text/html",
            headers={"ETag": '"v1"', "Last-Modified": "Fri, 01 May 2026 10:00:00 GMT"},
        )

    httpserver.expect_request("/").respond_with_handler(page)
    first = fetch(httpserver.url_for("/"))
    assert (first.status, first.etag, first.last_modified, first.not_modified) == (
        200, '"v1"', "Fri, 01 May 2026 10:00:00 GMT", False
    )
    again = fetch(httpserver.url_for("/"), etag=first.etag, last_modified=first.last_modified)
    assert again == Page(
        url=httpserver.url_for("/"), status=304, content_type="", html="", etag='"v1"',
        last_modified="Fri, 01 May 2026 10:00:00 GMT", not_modified=True,
    )
    sent = [request.headers for request, _ in httpserver.log]
    assert sent[1]["If-None-Match"] == '"v1"'
    assert sent[1]["If-Modified-Since"] == "Fri, 01 May 2026 10:00:00 GMT"
    assert "If-None-Match" not in sent[0]


def test_reader_names_itself_and_sends_no_cookie_back(httpserver) -> None:
    httpserver.expect_request("/set").respond_with_data(
        "", status=302, headers={"Location": "/next", "Set-Cookie": "session=abc; Path=/"}
    )
    httpserver.expect_request("/next").respond_with_data(PAGE, content_type="text/html", headers={"Set-Cookie": "b=2"})
    fetch(httpserver.url_for("/set"))
    with httpx.HTTPTransport() as shared:  # shared connections keep none either
        fetch(httpserver.url_for("/set"), transport=shared)
        fetch(httpserver.url_for("/next"), transport=shared)
    headers = [request.headers for request, _ in httpserver.log]
    assert len(headers) == 5
    assert all(h["User-Agent"] == USER_AGENT for h in headers)
    assert USER_AGENT.startswith("reader/0.")
    assert all("Cookie" not in h for h in headers)


# -- many at once ------------------------------------------------------------------


class Counting(http.server.BaseHTTPRequestHandler):
    """Serves a page after a short pause, counting requests in flight per host."""

    lock = threading.Lock()
    now: Counter[str] = Counter()
    most: Counter[str] = Counter()
    log: list[tuple[float, str, str, int]] = []  # (time, host, path, status)
    busy_once: set[str] = set()  # paths that answer 429 the first time

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        host = self.headers["Host"].rsplit(":", 1)[0]
        with self.lock:
            self.now[host] += 1
            self.now["all"] += 1
            for key in (host, "all"):
                self.most[key] = max(self.most[key], self.now[key])
            busy = self.path in self.busy_once
            self.busy_once.discard(self.path)
        time.sleep(0.1)
        with self.lock:
            self.now[host] -= 1
            self.now["all"] -= 1
            self.log.append((time.monotonic(), host, self.path, 429 if busy else 200))
        if busy:
            self.send_response(429)
            self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def counting():
    Counting.now, Counting.most, Counting.log, Counting.busy_once = Counter(), Counter(), [], set()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def two_hosts(port: int, each: int) -> list[str]:
    return [f"http://{host}:{port}/{n}" for n in range(each) for host in ("127.0.0.1", "localhost")]


@pytest.mark.parametrize(("jobs", "most"), [(3, 3), (8, 4)])
def test_fetch_many_keeps_two_requests_per_host_and_jobs_in_all(counting: int, jobs: int, most: int) -> None:
    urls = two_hosts(counting, 6)
    done: list[str] = []
    results = fetch_many(urls, lambda url: fetch(url, timeout=5), jobs=jobs, on_done=lambda url, _: done.append(url))
    assert list(results) == urls and sorted(done) == sorted(urls)
    assert all(isinstance(page, Page) and "Story" in page.html for page in results.values())
    assert Counting.most["127.0.0.1"] == 2 and Counting.most["localhost"] == 2
    assert Counting.most["all"] == most  # jobs=8 over two hosts: 2 + 2


def test_fetch_many_waits_out_a_retry_after_for_that_host_only(counting: int) -> None:
    Counting.busy_once = {"/busy"}
    urls = [f"http://127.0.0.1:{counting}/busy", f"http://127.0.0.1:{counting}/1"] + [
        f"http://localhost:{counting}/{n}" for n in range(6)
    ]
    results = fetch_many(urls, lambda url: fetch(url, timeout=5), per_host=1)
    assert all(isinstance(page, Page) for page in results.values())
    busy = next(t for t, host, path, status in Counting.log if status == 429)
    retry = next(t for t, host, path, status in Counting.log if path == "/busy" and status == 200)
    other = [t for t, host, path, status in Counting.log if host == "127.0.0.1" and path == "/1"]
    assert retry - busy >= 0.95  # the 1 s it asked for (the retry's answer comes 0.1 s after it started)
    assert other[0] - busy >= 0.95  # the same host's other page waited too
    others = [t for t, host, path, status in Counting.log if host == "localhost"]
    assert len(others) == 6 and min(others) < busy + 0.9  # the other host carried on meanwhile


def test_fetch_many_retries_once_only() -> None:
    calls: Counter[str] = Counter()

    def busy(url: str) -> str:
        calls[url] += 1
        raise RetryLater(url, "HTTP 429 Too Many Requests", status=429, seconds=0)

    results = fetch_many(["http://a.example/1"], busy)
    assert calls["http://a.example/1"] == 2
    assert isinstance(results["http://a.example/1"], RetryLater)


def test_fetch_many_limits_with_any_work_and_stops_when_cancelled() -> None:
    lock = threading.Lock()
    now: Counter[str] = Counter()
    most: Counter[str] = Counter()

    def work(url: str) -> str:
        host = url.split("/")[2]
        with lock:
            now[host] += 1
            now["all"] += 1
            most[host], most["all"] = max(most[host], now[host]), max(most["all"], now["all"])
        time.sleep(0.02)
        with lock:
            now[host] -= 1
            now["all"] -= 1
        if url.endswith("/bad"):
            raise FetchError(url, "HTTP 404 Not Found", status=404)
        return url

    urls = [f"http://h{n % 3}.example/{n}" for n in range(30)] + ["http://h0.example/bad"]
    results = fetch_many(urls, work, jobs=5, per_host=2)
    assert max(most[f"h{n}.example"] for n in range(3)) == 2 and most["all"] == 5
    assert str(results["http://h0.example/bad"]) == "h0.example: HTTP 404 Not Found"
    assert sum(isinstance(r, str) for r in results.values()) == 30

    done: list[str] = []
    partial = fetch_many(urls, work, jobs=2, on_done=lambda url, _: done.append(url), cancelled=lambda: len(done) >= 4)
    assert 4 <= len(partial) < len(urls)


def test_fetch_many_drops_duplicates_and_raises_what_on_done_raised() -> None:
    calls: Counter[str] = Counter()

    def work(url: str) -> str:
        calls[url] += 1
        return url

    assert fetch_many(["http://a.example/", "http://a.example/", "http://b.example/"], work) == {
        "http://a.example/": "http://a.example/", "http://b.example/": "http://b.example/",
    }
    assert calls["http://a.example/"] == 1

    def broken(url: str, result: object) -> None:
        raise RuntimeError("progress bar broke")

    with pytest.raises(RuntimeError, match="progress bar broke"):
        fetch_many([f"http://a.example/{n}" for n in range(20)], work, on_done=broken)
