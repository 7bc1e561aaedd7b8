"""The system clipboard, through the tool the desktop has for it.

A terminal app can also ask the terminal to set the clipboard (OSC 52),
but many terminals ignore it, and tmux does by default; whether it worked
cannot be known. A clipboard tool says whether it worked. The text goes to
the tool's stdin, the tool is started from an argument list (no shell), and
nothing it prints reaches the screen.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from typing import Mapping

from reader.pipe import run_command

TIMEOUT = 2.0  # seconds a tool may take; they answer at once, or they hang on a display that is gone


@dataclass(frozen=True)
class ClipboardTool:
    name: str  # as the user knows it, for messages: "xclip"
    argv: tuple[str, ...]  # the program found on PATH, then its arguments
    encoding: str = "utf-8"


# (variable that must be set, or None; program; its arguments; encoding), in
# the order tried. The X tools need a display and Wayland's a compositor;
# pbcopy (macOS), clip.exe (WSL: Windows' own) and termux-clipboard-set
# (Android) exist only where they work. clip.exe reads the console's code
# page unless the text starts with a UTF-16 byte-order mark.
CANDIDATES: tuple[tuple[str | None, str, tuple[str, ...], str], ...] = (
    ("WAYLAND_DISPLAY", "wl-copy", (), "utf-8"),
    ("DISPLAY", "xclip", ("-selection", "clipboard"), "utf-8"),
    ("DISPLAY", "xsel", ("--clipboard", "--input"), "utf-8"),
    (None, "pbcopy", (), "utf-8"),
    (None, "clip.exe", (), "utf-16"),
    (None, "termux-clipboard-set", (), "utf-8"),
)


def find_tool(environ: Mapping[str, str] | None = None) -> ClipboardTool | None:
    """The first clipboard tool that can work here, or None."""
    env = os.environ if environ is None else environ
    path = env.get("PATH", os.defpath)
    for needs, program, args, encoding in CANDIDATES:
        if needs is not None and not env.get(needs):
            continue
        found = shutil.which(program, path=path)
        if found:
            return ClipboardTool(program, (found, *args), encoding)
    return None


def copy(text: str, tool: ClipboardTool, timeout: float = TIMEOUT) -> str | None:
    """Give ``text`` to ``tool``; None when it took it, else a one-line reason.

    xclip, xsel and wl-copy leave a process behind that serves the text
    until something else is copied; run_command lets it stay without
    waiting for it, and in its own session, so closing the terminal leaves
    the clipboard filled.
    """
    return run_command(tool.argv, text.encode(tool.encoding, errors="replace"), name=tool.name, timeout=timeout)
