"""How the command line prints: Rich consoles that end quietly on a closed
pipe, JSON escaped for any terminal, and renderables without trailing
spaces. Every value from a file is data: cleaned of control sequences
before a terminal sees it, escaped in JSON.

Articles as JSON, JSON lines or CSV are articles.py's; as a table, table.py's.
"""

from __future__ import annotations

import json
import os
from typing import Any


def console(**kwargs: Any):
    """A Rich console that lets a closed pipe end the command quietly."""
    from rich.console import Console

    class _Quiet(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return _Quiet(highlight=False, **kwargs)


def err_console():
    return console(stderr=True, soft_wrap=True)


def display_path(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def dumps(value: Any, indent: int | None = None) -> str:
    from reader.text import escape_json_controls

    return escape_json_controls(json.dumps(value, ensure_ascii=False, indent=indent))


def print_trimmed(renderable: Any) -> None:
    """Print ``renderable`` with no trailing spaces on any line.

    Rich pads tables, markdown and rules to the console's width; that padding
    is dropped. Spaces drawn with a background (a code block's, on a colour
    terminal) are visible, so they stay."""
    print_trimmed_on(console(soft_wrap=True), renderable)


def print_trimmed_on(out: Any, renderable: Any) -> None:
    from rich.segment import Segment, Segments

    styled = out.color_system is not None  # else no style is written at all
    coloured = styled and not out.no_color
    segments: list[Segment] = []
    for line in out.render_lines(renderable, pad=False):
        segments.extend(_rstrip(line, styled, coloured))
        segments.append(Segment.line())
    out.print(Segments(segments), end="")


def _rstrip(line: list[Any], styled: bool, coloured: bool) -> list[Any]:
    """``line`` without its trailing spaces, but for those that will show:
    drawn with a background colour or in reverse video."""
    from rich.segment import Segment

    line = list(line)
    while line:
        last = line[-1]
        if last.control:
            break
        style = last.style
        if style is not None and ((coloured and style.bgcolor is not None) or (styled and style.reverse)):
            break
        text = last.text.rstrip(" ")
        if text:
            line[-1] = Segment(text, last.style)
            break
        line.pop()
    return line

