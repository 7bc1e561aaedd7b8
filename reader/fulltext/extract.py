"""A web page's article as Markdown: trafilatura finds the text, this module
makes it safe.

trafilatura (https://trafilatura.readthedocs.io) does the finding: it tells
the article from the menus, footers, cookie banners and comments around it
better than anything we would write, in ~10-40 ms for a news page here
(bench/fulltext.py), and writes Markdown that keeps headings, lists, tables
and links, with the text's own ``[``, ``*``, ``<``... escaped.

What it returns is still data from the web, so:

- the page loses its escape sequences whole before it is parsed (lxml
  would drop the ESC alone and leave "[2J" behind), and the Markdown goes
  through reader.text.clean_block like every body;
- every link is made absolute against the page's address (or its
  ``<base href>``) before extraction, and a link that reader.links would
  not open (``javascript:``, ``data:``, ``file:``, ``mailto:``...) is
  unwrapped into its plain text, so it never reaches the Markdown as a link;
- a last pass over the Markdown turns any link, autolink or link
  definition left with such a target into text all the same.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from reader.links import refusal
from reader.text import clean_block

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# Fewer letters and digits than this is no article (a "page not found", a
# consent wall): about 20 English words, or a few sentences of Chinese.
MIN_LETTERS = 100


def _comment_forms() -> str:
    """An XPath for the box around a comment form ("Leave a comment", its
    rules, its fields), which trafilatura keeps when the box's id or class
    does not start with "comment" (the saved ultimahora.es page:
    ``sf_comment_form_container_...``). Compared without case, "-" or "_";
    never a bare "respond", which "responsive" holds."""
    fold = "translate({0},'ABCDEFGHIJKLMNOPQRSTUVWXYZ-_','abcdefghijklmnopqrstuvwxyz')"
    words = ("commentform", "commentrespond", "replyform")
    tests = [f"contains({fold.format(attr)},'{word}')" for attr in ("@id", "@class") for word in words]
    return f"//*[{' or '.join(tests)} or @id='respond']"


# What trafilatura is asked for. favor_precision: less text but less
# boilerplate. On the newspaper4k test pages tried (tests/fixtures/pages
# has four of them) it loses no article text, and leaves out what the
# default keeps: ten readers' comments under the ultimahora.es article,
# "add to cart" boxes in another.
OPTIONS = dict(
    output_format="markdown",
    include_links=True,
    include_tables=True,
    include_formatting=True,
    include_images=False,
    include_comments=False,
    favor_precision=True,
    with_metadata=False,
    deduplicate=False,
    prune_xpath=_comment_forms(),
)


class ExtractError(Exception):
    """No article could be had from a page; str() is one line for the user."""


def extract(html: str, url: str) -> str:
    """The readable article of the page ``html`` fetched from ``url``, as
    Markdown whose links are all absolute http(s) addresses.

    Raises ExtractError when the page holds nothing readable.
    """
    # trafilatura is imported here, not with the module: it costs ~0.12 s,
    # which reader's start-up should not pay before a page is fetched.
    import trafilatura

    text = clean_block(html)
    if not text.strip():
        raise ExtractError("the page is empty")
    try:
        tree = trafilatura.load_html(text)
        if tree is None:
            raise ExtractError("the page is not HTML that can be read")
        _only_web_links(tree, _base(tree, url))
        markdown = trafilatura.extract(tree, url=url, **OPTIONS)
    except ExtractError:
        raise
    except Exception as exc:  # noqa: BLE001
        # Heuristics over whatever a server sends: a failure inside them
        # (a tree too deep to walk, a parser error) is one page that could
        # not be read, said in one line, never a traceback.
        raise ExtractError(f"the page could not be read ({type(exc).__name__})") from exc
    markdown = plain_links(clean_block(markdown or "")).strip()
    if _letters(markdown) < MIN_LETTERS:
        raise ExtractError("nothing readable could be found on the page")
    return markdown


# -- links in the page ---------------------------------------------------------------------

# A browser drops these from anywhere in a URL: "java\nscript:" is javascript:.
_URL_NOISE = re.compile(r"[\t\n\r]")


def web_url(href: str, base: str) -> str | None:
    """``href`` as an absolute address against ``base``, or None when it is
    not one reader would open (reader.links.refusal)."""
    href = _URL_NOISE.sub("", href).strip()
    if not href:
        return None
    try:
        target = urljoin(base, href)
    except ValueError:  # "http://[::1" and the like
        return None
    target = target.replace(" ", "%20")
    return target if refusal(target) is None else None


def _base(tree: "HtmlElement", url: str) -> str:
    """What the page's relative links are relative to: its ``<base href>``
    when that is a web address, else the address it was fetched from."""
    for base in tree.iter("base"):
        href = base.get("href")
        if href:
            resolved = web_url(href, url)
            if resolved is not None:
                return resolved
        break
    return url


def _only_web_links(tree: "HtmlElement", base: str) -> None:
    """Make each ``<a href>`` absolute, and unwrap those that are not
    http(s) into their text (the text stays, the link goes)."""
    for anchor in list(tree.iter("a")):
        href = anchor.get("href")
        if href is None:
            continue
        target = web_url(href, base)
        if target is None:
            anchor.drop_tag()
        else:
            anchor.set("href", target)


# -- links in the Markdown -----------------------------------------------------------------

# One pass from left to right. A backslash escape is consumed as a pair, so
# "\[x](y)" is text and "\\[x](y)" a link, as CommonMark reads them. Then an
# inline link or image with its destination (bare, balanced parentheses
# allowed, or in <...>) and an optional title; an autolink <scheme:...> or
# <user@host>; a link reference definition at the start of a line.
_MARKDOWN_LINKS = re.compile(
    r"""
    (?P<escape>\\.)
    | (?P<bang>!?)\[(?P<text>(?:\\.|[^\[\]\\])*)\]
      \(\s*(?P<dest><(?:\\.|[^<>\\\n])*>|(?:\\.|[^\s()\\]|\((?:\\.|[^\s()\\])*\))*)
      (?:\s+(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|\((?:\\.|[^()\\])*\)))?\s*\)
    | (?P<auto><(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+)>)
    | (?P<definition>^[ ]{0,3}\[(?:\\.|[^\[\]\\])+\]:)
    """,
    re.VERBOSE | re.MULTILINE | re.DOTALL,
)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def _unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


def plain_links(markdown: str) -> str:
    """``markdown`` with every link, image, autolink and link definition
    whose target is not an http(s) address reader would open turned into
    text: ``[text](javascript:x)`` becomes ``text``."""

    def one(match: re.Match[str]) -> str:
        if match["escape"] is not None:
            return match[0]
        if match["auto"] is not None:
            target = match["auto"][1:-1]
            return match[0] if refusal(target) is None else "\\" + match[0]
        if match["definition"] is not None:
            return match[0].replace("[", "\\[", 1)
        dest = match["dest"]
        if dest.startswith("<"):
            dest = dest[1:-1]
        if refusal(_unescape(dest)) is None:
            return match[0]
        return match["text"]  # an image's alt text, a link's text

    return _MARKDOWN_LINKS.sub(one, markdown)


# -- how much was found ----------------------------------------------------------------------

_LINK_TARGETS = re.compile(r"\]\((?:<[^>]*>|[^)]*)\)")
_LETTER = re.compile(r"[^\W_]", re.UNICODE)


def _letters(markdown: str) -> int:
    """Letters and digits in the text, link addresses not counted."""
    return len(_LETTER.findall(_LINK_TARGETS.sub("]", markdown)))
