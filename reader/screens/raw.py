"""The front matter of one file exactly as written (`i`), highlighted as
YAML, with the value of `secured` withheld.

The file is read in a thread worker (a big one takes a moment), with the
same care as parsing it: never a pipe or a device, never more than
reader.parse's size limit, UTF-8 or UTF-16 only. Its text is data: control
characters are removed before it is highlighted.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.text import clean, clean_block

# A top-level `secured:` key (quoted or not), and what follows the colon.
_SECURED = re.compile(r"""^(?P<key>(?:secured|"secured"|'secured')[ \t]*:)(?P<rest>.*)$""", re.MULTILINE)


class Unreadable(Exception):
    """Why the front matter cannot be shown (one line)."""


def read_text(path: str) -> str:
    """The file's text, as reader.parse reads it; Unreadable says why not."""
    from reader.parse import MAX_FILE_BYTES, _decode, _open, _read_some

    try:
        with open(path, "rb", buffering=0, opener=_open) as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise Unreadable("it is a folder, not a file")
            if not stat.S_ISREG(info.st_mode):
                raise Unreadable("it is not a regular file")
            data = _read_some(handle, info.st_size, MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise Unreadable("the file is gone") from None
    except PermissionError:
        raise Unreadable("permission denied") from None
    except OSError as exc:
        raise Unreadable(clean(exc.strerror or exc)) from None
    except ValueError:  # a NUL in the path
        raise Unreadable("the path is not valid") from None
    if len(data) > MAX_FILE_BYTES:
        raise Unreadable(f"it is over {MAX_FILE_BYTES // (1024 * 1024)} MB")
    text, problem = _decode(data, path)
    if problem is not None:
        raise Unreadable(clean(problem.reason))
    assert text is not None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def front_matter(text: str) -> tuple[str, int]:
    """The text between the file's first two `---` lines, as it is written,
    and the number of its first line in the file."""
    from reader.parse import _BOUNDARY

    stripped = text.lstrip()
    start = _BOUNDARY.match(stripped)
    if start is None or not stripped.startswith("---"):
        raise Unreadable("the file does not start with a '---' line")
    first = text.count("\n", 0, len(text) - len(stripped)) + 2  # the line after the opening ---
    pos = stripped.find("\n---", start.end() - 1)
    while pos != -1:
        end = _BOUNDARY.match(stripped, pos + 1)
        if end is not None:
            inside = stripped[start.end() : pos + 1]
            return (inside[1:] if inside.startswith("\n") else inside), first
        pos = stripped.find("\n---", pos + 1)
    raise Unreadable("its front matter has no closing '---' line")


def withhold_secured(text: str) -> str:
    """``text`` with the value of each top-level `secured` key replaced by a
    note of its size: a plain or quoted value, on its line and the lines it
    continues on, or a block scalar (`|`, `>`) and its indented lines."""
    out = []
    at = 0
    for match in _SECURED.finditer(text):
        if match.start() < at:
            continue  # inside the value just withheld
        stop = _value_end(text, match.end("key"))
        value = text[match.end("key") : stop]
        if not value.strip():
            continue  # an empty value: nothing to withhold
        out.append(text[at : match.end("key")])
        out.append(f" <encrypted payload, {_size(value)} characters, not shown>")
        at = stop
    out.append(text[at:])
    return "".join(out)


def _value_end(text: str, start: int) -> int:
    """Where the value that starts at ``start`` (just after the key's colon) ends."""
    rest = text[start:].lstrip(" \t")
    at = len(text) - len(rest)
    if rest[:1] in ('"', "'"):
        quote = rest[0]
        i = at + 1
        while i < len(text):
            if quote == '"' and text[i] == "\\":
                i += 2
                continue
            if text[i] == quote:
                if quote == "'" and text[i + 1 : i + 2] == "'":
                    i += 2
                    continue
                return i + 1  # a comment after it stays
            i += 1
        return len(text)
    # Plain or block scalar: its own line, then every line more indented
    # than the key (or blank) after it.
    end = text.find("\n", start)
    while end != -1:
        following = text.find("\n", end + 1)
        line = text[end + 1 : following if following != -1 else len(text)]
        if line.strip() and not line[:1].isspace():
            return end
        if following == -1:
            return end if not line.strip() else len(text)
        end = following
    return len(text)


def _size(value: str) -> int:
    """The payload's characters: the value without its quotes, its
    block-scalar header and the line breaks and indentation around it."""
    text = value.strip()
    if text[:1] in "|>":
        text = text.split("\n", 1)[1] if "\n" in text else ""
    elif text[:1] in ('"', "'") and text[-1:] == text[:1] and len(text) > 1:
        text = text[1:-1]
    return sum(len(line.strip()) for line in text.splitlines())


def raw_front_matter(path: str) -> tuple[str, int]:
    """The front matter of ``path`` as written, `secured` withheld and control
    characters removed, and the number of its first line in the file;
    Unreadable says why there is none to show."""
    text, first = front_matter(read_text(path))
    return clean_block(withhold_secured(text)), first


class OneLine:
    """A path on one line, cut in its middle when narrow (its file name stays)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from reader.render import middle_cut

        if options.max_width >= 1:
            yield Text(middle_cut(self.path, options.max_width, tail=40), style="bold", no_wrap=True)


class RawScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,i", "dismiss", "Close", id="raw.close", tooltip="Close the raw view"),
        Binding("j,down", "scroll(1)", "Down", id="raw.down", tooltip="Scroll down", show=False),
        Binding("k,up", "scroll(-1)", "Up", id="raw.up", tooltip="Scroll up", show=False),
        Binding("g,home", "top", "Top", id="raw.top", tooltip="Top of the front matter", show=False),
        Binding("G,end", "bottom", "Bottom", id="raw.bottom", tooltip="End of the front matter", show=False),
    ]

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="raw-box"):
            yield Static(OneLine(clean(self.path)), id="raw-path")
            yield Static(Text("Reading…", style="dim"), id="raw-text")

    def on_mount(self) -> None:
        self._load(self.app.current_theme.dark)

    @dataclass
    class Read(Message):
        """The front matter, read and highlighted (posted by the worker)."""

        shown: RenderableType
        """The highlighted YAML, or the one line that says why there is none."""
        readable: bool
        """The front matter is shown (not why it cannot be)."""

    @work(thread=True, exclusive=True)
    def _load(self, dark: bool) -> None:
        """Off the screen's thread: a big file takes a while to read and highlight."""
        try:
            text, first = raw_front_matter(self.path)
        except Unreadable as exc:
            self.post_message(self.Read(Text(f"This file cannot be read now: {exc}", style="italic"), False))
            return
        theme = "ansi_dark" if dark else "ansi_light"
        # Numbered as in the file: a long line wrapped on screen is not taken for two.
        text = text[:-1] if text.endswith("\n") else text  # the break before the closing ---
        syntax = Syntax(text, "yaml", theme=theme, word_wrap=True, background_color="default", line_numbers=True, start_line=first)
        self.post_message(self.Read(syntax, True))

    @on(Read)
    def _show(self, event: Read) -> None:
        self.query_one("#raw-text", Static).update(event.shown)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#raw-box", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_top(self) -> None:
        self.query_one("#raw-box", VerticalScroll).scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.query_one("#raw-box", VerticalScroll).scroll_end(animate=False)
