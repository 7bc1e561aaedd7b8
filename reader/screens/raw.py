"""Every front-matter field of one file, as YAML, with the secured payload withheld."""

from __future__ import annotations

import yaml
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.text import clean, clean_block


def raw_fields(path: str) -> str:
    """The front matter of ``path`` as YAML text, without the secured payload."""
    from reader import yamldata
    from reader.parse import MAX_FILE_BYTES, _BOUNDARY

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES)
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
        size = len(str(meta["secured"]))
        meta["secured"] = f"<encrypted payload, {size} characters, not shown>"
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
            yield Static(Text(clean_block(raw_fields(self.path))), id="raw-text")

    def action_scroll(self, lines: int) -> None:
        self.query_one("#raw-box", VerticalScroll).scroll_relative(y=lines, animate=False)
