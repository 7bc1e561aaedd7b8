"""Every front-matter field of one file, as YAML, with the secured payload withheld."""

from __future__ import annotations

import os
from dataclasses import dataclass

import yaml
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.text import clean, clean_block


def _read(path: str) -> bytes:
    from reader.parse import MAX_FILE_BYTES, _open, _read_some

    with open(path, "rb", buffering=0, opener=_open) as handle:
        return _read_some(handle, os.fstat(handle.fileno()).st_size, MAX_FILE_BYTES)


def raw_fields(path: str) -> str:
    """The front matter of ``path`` as YAML text, without the secured payload."""
    from reader import yamldata
    from reader.parse import _BOUNDARY, parse_file

    article, problems = parse_file(path)  # the same checks: no pipes, no endless files, size, encoding
    if article is None:
        return "(cannot be read: " + "; ".join(p.reason for p in problems) + ")"
    try:
        data = _read(path)
        text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n").lstrip()
        start = _BOUNDARY.match(text)
        end = _BOUNDARY.search(text, start.end()) if start else None
        if start is None or end is None:
            return "(no front matter)"
        meta, _ = yamldata.load(text[start.end() : end.start()])
    except (OSError, yaml.YAMLError, RecursionError) as exc:
        return f"(cannot be read: {exc})"
    if not isinstance(meta, dict):
        return "(the front matter is not a mapping)"
    if "secured" in meta and meta["secured"] not in (None, ""):
        # Its size only: never its text, and never str() of a value that
        # may be an alias-built structure of a billion items.
        value = meta["secured"]
        size = f"{len(value)} characters" if isinstance(value, str) else f"a {type(value).__name__}"
        meta["secured"] = f"<encrypted payload, {size}, not shown>"
    try:
        return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        return f"(cannot be shown: {exc})"


class RawScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,i", "dismiss", "Close", id="raw.close", tooltip="Close the raw view"),
        Binding("j,down", "scroll(1)", "Down", id="raw.down", tooltip="Scroll down", show=False),
        Binding("k,up", "scroll(-1)", "Up", id="raw.up", tooltip="Scroll up", show=False),
    ]

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="raw-box"):
            yield Static(Text(clean(self.path), style="bold"), id="raw-path")
            yield Static(Text("Reading…", style="dim"), id="raw-text")

    def on_mount(self) -> None:
        self._load()

    @dataclass
    class Read(Message):
        """The fields, read and dumped (posted by the worker)."""

        text: Text
        """The front matter as YAML, cleaned to show."""

    @work(thread=True, exclusive=True)
    def _load(self) -> None:
        """Off the screen's thread: a big front matter takes a while to dump."""
        self.post_message(self.Read(Text(clean_block(raw_fields(self.path)))))

    @on(Read)
    def _show(self, event: Read) -> None:
        self.query_one("#raw-text", Static).update(event.text)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#raw-box", VerticalScroll).scroll_relative(y=lines, animate=False)
