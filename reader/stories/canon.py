"""One key for every link to the same web page.

``canonical_url`` turns a link into ``host[:port]/path?query`` with what
tells two copies of a page apart removed and everything that names a
different page kept::

    canonical_url("https://www.example.com/news/story-1/?utm_source=rss#top")
    -> "example.com/news/story-1"
    canonical_url("https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/story-1/amp/")
    -> "example.com/news/story-1"

Dropped: the scheme (http and https are one page), userinfo, default
ports, a leading ``www.``/``m.``/``mobile.``/``amp.`` host label, the
fragment, tracking parameters, the AMP markers publishers put in a path or
a query, and the Google AMP cache and viewer wrappers around a link. Kept:
the path's case, every other query parameter (sorted by name, so their
order does not matter), the port when it is not the default.

It runs on every article while the index is built, so the common case
(an ASCII path with nothing to decode) goes through no per-character
Python code. Anything that is not an http(s) link with a usable host
gives None; no input raises.
"""

from __future__ import annotations

import re

__all__ = ["canonical_url"]

# The scheme, the authority, the path and the query; what is left after
# them is the fragment (or nothing).
_URL = re.compile(r"(?i:https?)://([^/?#]*)([^?#]*)(?:\?([^#]*))?", re.S).match

# Browsers remove tabs and newlines anywhere in a URL and C0 controls and
# spaces around it (WHATWG URL standard); links copied into YAML have both.
_SURROUNDING = "".join(map(chr, range(0x21)))
_TAB_NEWLINE = {0x09: None, 0x0A: None, 0x0D: None}

# Both, whatever the scheme: the key has no scheme, so it must read the
# same back through http:// and https:// (https://x:80 is a mistake anyway).
_DEFAULT_PORTS = frozenset(("80", "443"))
_HOST_OK = re.compile(r"[^\x00-\x20\x7f<>\"{}|\\^`%/?#@\[\]:]+").fullmatch
_IPV6_OK = re.compile(r"\[[0-9a-f:.]+\]").fullmatch
_DROPPED_LABELS = frozenset(("www", "m", "mobile", "amp"))

# Google's AMP cache: https://www-example-com.cdn.ampproject.org/c/s/www.example.com/path
# (c: a document, v: a viewer, i: an image; s/ when the origin is https).
_AMP_CACHE_SUFFIX = ".cdn.ampproject.org"
_AMP_CACHE_PATH = re.compile(r"/[cvi]/(s/)?([^/]+)(.*)", re.S).fullmatch
# Google's AMP viewer: https://www.google.com/amp/s/example.com/path
_GOOGLE_HOST = re.compile(r"google\.(?:com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})").fullmatch
_GOOGLE_AMP_PATH = re.compile(r"/amp/(s/)?([^/]+)(.*)", re.S).fullmatch
# Deeper than any real wrapping; a link wrapped more often than this is junk.
_MAX_UNWRAP = 4

# Characters a path (or a query) may hold as they are; everything else is
# percent-encoded, and a %XX of an unreserved character is decoded, so the
# two spellings of one path give one key.
_PATH_PLAIN = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/]*").fullmatch
_PATH_FIX = re.compile(r"%([0-9A-Fa-f]{2})?|[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]+")
_QUERY_PLAIN = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*").fullmatch
_QUERY_FIX = re.compile(r"%([0-9A-Fa-f]{2})?|[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]+")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

_INDEX_PAGES = frozenset(("index.html", "index.htm", "index.php"))
# livemint.com: /opinion/columns/some-title/amp-11577375858037.html is the
# AMP page of /opinion/columns/some-title-11577375858037.html.
_AMP_ID_PAGE = re.compile(r"amp-([0-9]+)((?:\.html?)?)").fullmatch

# Query parameters that say where a reader came from, not which page they
# read. Compared in lower case.
_TRACKING = frozenset((
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid",
    "_ga", "_hsenc", "_hsmi", "ref", "ref_src", "referrer", "cmpid", "cmp", "ocid",
    "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "sr_share",
    "spm", "share", "feature", "rss", "taid", "__twitter_impression", "sh", "smid",
    "partner", "mbid", "soc_src", "soc_trk", "ito", "intcmp", "xtor",
    # AMP markers whatever their value (?amp, ?amp=1, ?_amp=true), and
    # what Google's AMP viewer adds to a link (?amp_js_v=0.1&usqp=mq331AQ...).
    "amp", "_amp", "usqp",
))
# Parameters that are an AMP marker only with the value amp
# (washingtonpost.com ?outputType=amp, espn.com ?platform=amp).
_AMP_WHEN_VALUE_AMP = frozenset(("outputtype", "platform"))
# src=rss is tracking; src=https://... or src=photo.jpg names something.
_SRC_WORD = re.compile(r"[A-Za-z][A-Za-z_-]{0,19}").fullmatch


def canonical_url(url: str | None) -> str | None:
    """The key of the page ``url`` links to, or None when it is no web link.

    Two links to the same page give the same key; links to different pages
    (another path, another value of a parameter that is not tracking) give
    different keys. Never raises.
    """
    if not url or not isinstance(url, str):
        return None
    return _canonical(url, 0)


def _canonical(url: str, depth: int) -> str | None:
    if "\t" in url or "\n" in url or "\r" in url:
        url = url.translate(_TAB_NEWLINE)
    parts = _URL(url.strip(_SURROUNDING))
    if parts is None:
        return None
    netloc, path, query = parts.groups()
    authority = _authority(netloc)
    if authority is None:
        return None
    host, port = authority

    if host.endswith(_AMP_CACHE_SUFFIX):
        wrapped = _AMP_CACHE_PATH(path)
        if wrapped is not None:
            return _unwrap(wrapped, query, depth)

    # Drop www., m., mobile., amp. (however many), but never down to a bare
    # top-level name: amp.dev stays amp.dev.
    site_label = None
    while True:
        dot = host.find(".")
        if dot <= 0 or host[:dot] not in _DROPPED_LABELS or "." not in host[dot + 1:]:
            break
        site_label = host[:dot]
        host = host[dot + 1:]

    if path.startswith("/amp/") and _GOOGLE_HOST(host):
        wrapped = _GOOGLE_AMP_PATH(path)
        if wrapped is not None:
            return _unwrap(wrapped, query, depth)

    # amp.cnn.com/cnn/2021/... is www.cnn.com/2021/...: the site's name
    # as the first folder of its amp. host.
    repeated = host[: host.find(".")] if site_label == "amp" else None
    key = host + ":" + port if port else host
    return key + _path(path, repeated) + _query(query)


def _unwrap(wrapped: re.Match[str], query: str | None, depth: int) -> str | None:
    """The key of the link an AMP cache or viewer link wraps."""
    if depth >= _MAX_UNWRAP:
        return None
    secure, host, rest = wrapped.groups()
    inner = ("https://" if secure else "http://") + host + rest
    if query is not None:
        inner += "?" + query
    return _canonical(inner, depth + 1)


def _authority(netloc: str) -> tuple[str, str] | None:
    """(lower-case host, port or "" when default) of ``netloc``, or None."""
    if "\\" in netloc:
        # Browsers read a backslash as a slash: which host is meant is unclear.
        return None
    at = netloc.rfind("@")
    if at >= 0:
        netloc = netloc[at + 1:]
    if netloc.startswith("["):
        end = netloc.find("]") + 1
        host = netloc[:end].lower()
        if not end or not _IPV6_OK(host):
            return None
        rest = netloc[end:]
        if rest and rest[0] != ":":
            return None
        port = rest[1:]
    else:
        host, _, port = netloc.partition(":")
        host = host.lower()
        if host.endswith("."):
            host = host[:-1]  # example.com. is example.com (a rooted DNS name)
        if not host or not _HOST_OK(host) or host[0] == "." or host[-1] == "." or ".." in host:
            return None
        if not host.isascii() and not host.isprintable():
            return None  # Unicode spaces, controls or lone surrogates
    if port:
        # Not int() on any length: past 4300 digits it raises.
        if len(port) > 5 or not port.isascii() or not port.isdigit():
            return None
        number = int(port)
        if number > 65535:
            return None
        port = "" if str(number) in _DEFAULT_PORTS else str(number)
    return host, port


def _path(path: str, repeated: str | None) -> str:
    """``path`` with one spelling per page, starting with "/"."""
    if not _PATH_PLAIN(path):
        path = _PATH_FIX.sub(_fix_percent, path)
    segments: list[str] = []
    for segment in path.split("/"):
        if not segment or segment == ".":
            continue  # duplicate and trailing slashes
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    if "amp" in path:
        segments = [s for s in segments if s != "amp"]  # /amp/x, /x/amp, /x/amp/y
        while segments and segments[0] == "google-amp":
            del segments[0]
    if repeated and segments and segments[0] == repeated:
        del segments[0]
    while segments:
        last = segments[-1]
        if last in _INDEX_PAGES:
            segments.pop()
        elif last.endswith(".amp.html"):
            segments[-1] = last[:-9] + ".html"
        elif last.endswith(".amp"):
            # phys.org, medicalxpress.com: news/x.amp is the AMP page of news/x.html
            segments[-1] = last[:-4] + ".html"
        elif last.startswith("amp-") and len(segments) > 1 and (page := _AMP_ID_PAGE(last)):
            segments.pop()
            segments[-1] += "-" + page[1] + page[2]
        else:
            break
    return "/" + "/".join(segments)


def _query(query: str | None) -> str:
    """"?" and the parameters that name the page, sorted by name; or ""."""
    if not query:
        return ""
    if not _QUERY_PLAIN(query):
        query = _QUERY_FIX.sub(_fix_percent, query)
    kept: list[tuple[str, str]] = []
    for pair in query.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        lower = name.lower()
        if lower in _TRACKING or lower.startswith(("utm_", "amp_")):
            continue
        if lower in _AMP_WHEN_VALUE_AMP and value.lower() == "amp":
            continue
        if lower == "src" and _SRC_WORD(value):
            continue
        kept.append((name, pair))
    if not kept:
        return ""
    kept.sort(key=_by_name)  # stable: repeated names keep their order
    return "?" + "&".join(pair for _, pair in kept)


def _by_name(item: tuple[str, str]) -> str:
    return item[0]


def _fix_percent(match: re.Match[str]) -> str:
    """One spelling for an escape (or run of characters needing one)."""
    text = match[0]
    if text[0] != "%":
        return "".join(f"%{byte:02X}" for byte in text.encode("utf-8", "surrogatepass"))
    code = match[1]
    if code is None:
        return "%25"  # a lone % is a literal percent sign
    char = chr(int(code, 16))
    return char if char in _UNRESERVED else "%" + code.upper()
