"""A library built to hurt: files that try to drive the terminal, fool the
reader, open things they should not, or simply fail to be read.

`write_corpus(folder)` writes it. Everything is made here, in code, so each
trap is readable in the source: escapes are spelled out, and the files that
cannot live in git (names that are not UTF-8, a huge body) are made on the
fly. The tests in test_hostile.py run the command line and the app on it.
"""

from __future__ import annotations

import os
from pathlib import Path

# What a terminal would obey if it reached it: escape and CSI (7-bit and
# 8-bit), OSC (window title, hyperlink, clipboard), DCS, bell, backspace,
# a carriage return that would let later text overwrite earlier text,
# and bidi overrides that reorder what is shown.
CLEAR = "\x1b[2J\x1b[H"
TITLE_OSC = "\x1b]0;pwned\x07"
LINK_OSC = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
CLIPBOARD_OSC = "\x1b]52;c;cm0gLXJmIH4=\x07"
DCS = "\x1bPq#0;2;0;0;0\x1b\\"
CSI8 = "\x9b31m"
RLO = "\u202e"
ISOLATE = "\u2067"

#: every character that must never reach the screen or a terminal
FORBIDDEN = ["\x1b", "\x9b", "\x9d", "\x90", "\x07", "\x08", "\r", "\x00", "\u202e", "\u2067", "\u202a"]

#: an http link holding shell syntax: opened as one argument, never run
SHELL_URL = "https://shell.example/a;touch${IFS}/tmp/reader-pwned$(id)`id`|cat&x='1'"

#: links that must be refused
REFUSED_URLS = [
    "javascript:alert(document.cookie)",
    "file:///etc/passwd",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://files.example/x",
    "https://evil.example/\x1b]0;x\x07",
]

HUGE_BODY_BYTES = 6 * 1024 * 1024


def _q(text: str) -> str:
    """A YAML double-quoted scalar holding ``text`` exactly (controls escaped)."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif code < 0x20 or 0x7F <= code <= 0x9F or 0x2028 <= code <= 0x2029:
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _article(*, title: str, quality: int, body: str = "", **fields: str) -> str:
    lines = ["---", f"title: {_q(title)}", f"quality: {quality}"]
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body


#: title of each readable article, by file name (what the screen must show, cleaned)
ARTICLES: dict[str, str] = {}


def _texts() -> dict[str, str]:
    files: dict[str, str] = {}
    files["markup.md"] = _article(
        title="[bold red]Markup[/] [link=https://evil.example]title[/link] [/]",
        quality=99,
        excerpt=_q("[reverse]excerpt[/reverse] [@click=app.quit]quit[/]"),
        provider=f"{{name: {_q('[blink]Prov[/]')}, domain: {_q('markup.example')}}}",
        topics=f"[{_q('[b]Markup[/b]')}]",
        webUrl=_q("https://markup.example/a"),
        related=f"[{{title: {_q('[i]related[/i] $(id)')}, webUrl: {_q('https://markup.example/r')}}}]",
        body="Body with [bold]markup[/bold] and [link=https://evil.example]a link[/link] and ${HOME} $(id).\n",
    )
    files["escapes.md"] = _article(
        title=f"Escapes {CLEAR}cleared {TITLE_OSC}titled {CSI8}red {DCS}dcs\x07bell\x08back\rreturn",
        quality=98,
        excerpt=_q(f"Excerpt {LINK_OSC} {CLIPBOARD_OSC} end"),
        provider=f"{{name: {_q('Esc' + CLEAR + 'Corp')}, domain: {_q('esc' + TITLE_OSC + '.example')}}}",
        topics=f"[{_q('Esc' + CSI8 + 'Topic')}, {_q('Plain')}]",
        webUrl=_q("https://escapes.example/a"),
        related=f"[{{title: {_q('Rel ' + LINK_OSC)}, excerpt: {_q('rx ' + CLEAR)}, webUrl: {_q('https://escapes.example/r')}}}]",
        body=f"Body {CLEAR} and {TITLE_OSC} and {LINK_OSC} and {CSI8} and {DCS} and \x07 and \x7f end.\n",
    )
    files["bidi.md"] = _article(
        title=f"Invoice{RLO}fdp.exe {ISOLATE}isolated\u2069 \u200fmarks\u200e",
        quality=97,
        excerpt=_q(f"Excerpt {RLO}desrever"),
        topics=f"[{_q('Bidi' + RLO)}]",
        body=f"Body {RLO}desrever{ISOLATE} \u202atext\u202c\n",
    )
    files["unicode.md"] = _article(
        title="宽字符标题 — Z̴̡̛a̸̢l̵g̶o̷ — עברית العربية — 👩‍👩‍👧 — e\u0301",
        quality=96,
        excerpt=_q("全角の抜粋 ｔｅｘｔ \u200b zero width \ufeff bom"),
        provider=f"{{name: {_q('供应商')}, domain: {_q('xn--fiqs8s.example')}}}",
        topics=f"[{_q('中文')}, {_q('العربية')}]",
        body="正文 " * 200 + "\n",
    )
    files["links.md"] = _article(
        title="Links that must not open",
        quality=95,
        webUrl=_q(REFUSED_URLS[0]),
        related="[" + ", ".join(f"{{title: {_q('bad ' + str(n))}, webUrl: {_q(url)}}}" for n, url in enumerate(REFUSED_URLS)) + "]",
    )
    files["shell.md"] = _article(
        title="A link full of shell syntax",
        quality=94,
        webUrl=_q(SHELL_URL),
        related=f"[{{title: {_q('also shell')}, webUrl: {_q(SHELL_URL + '&related')}}}]",
    )
    files["yaml-tags.md"] = (
        "---\ntitle: !!python/object/apply:os.system ['touch /tmp/reader-pwned']\n"
        "quality: !!python/name:os.system\nexcerpt: !custom tag\n---\nBody.\n"
    )
    files["laughs.md"] = (
        "---\ntitle: Laughs\nquality: 50\n"
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
        + "topics: *i\nsecured: *i\n---\nBody.\n"
    )
    # bad ones, each reported
    files["no-front-matter.md"] = "# Just Markdown\n\nNo front matter here.\n"
    files["unclosed.md"] = "---\ntitle: Never closed\nquality: 3\n"
    files["yaml-error.md"] = '---\ntitle: "unterminated\nquality: [1, 2\n---\n'
    files["a-list.md"] = "---\n- one\n- two\n---\n"
    files["empty.md"] = ""
    return files


BAD = {"no-front-matter.md", "unclosed.md", "yaml-error.md", "a-list.md", "empty.md", "binary.md", "latin1.md", "huge-file.md"}


def write_corpus(folder: Path) -> Path:
    """Write the hostile library into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in _texts().items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "binary.md").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    (folder / "latin1.md").write_bytes("---\ntitle: café\n---\n".encode("latin-1"))
    # a huge body: shown in part, never frozen on
    paragraph = ("A paragraph of a very long article that goes on and on. " * 20 + "\n\n").encode()
    body = paragraph * (HUGE_BODY_BYTES // len(paragraph) + 1)
    (folder / "huge-body.md").write_bytes(b"---\ntitle: A huge body\nquality: 93\n---\n" + body)
    # over the size limit: reported, not read
    with open(folder / "huge-file.md", "wb") as handle:
        handle.write(b"---\ntitle: Too big\n---\n")
        handle.truncate(17 * 1024 * 1024)
    # names that try to drive the terminal, and one that is not UTF-8
    (folder / f"name{TITLE_OSC}{CLEAR}{RLO}.md").write_text(_article(title="Named with escapes", quality=92), encoding="utf-8")
    raw = os.fsencode(folder) + b"/caf\xe9-latin1-name.md"
    with open(raw, "wb") as handle:
        handle.write(_article(title="Name not in UTF-8", quality=91).encode())
    return folder


#: titles of the articles that must be listed (cleaned of what the screen drops)
READABLE = {
    "markup.md", "escapes.md", "bidi.md", "unicode.md", "links.md", "shell.md", "yaml-tags.md",
    "laughs.md", "huge-body.md", "name-with-escapes", "latin1-name",
}
