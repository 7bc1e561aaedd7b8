"""Changing one setting in the user's config file, as the app does when a
key switches something the config remembers (v: group_stories).

Only that key's line is written: the user's comments, order and other
settings stay as they are. The file is replaced whole (a temporary file
moved over it), so a crash leaves the old file or the new one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reader.config import key_lines


class ConfigNotWritten(Exception):
    """The config file could not be changed (the message says why, in a few words)."""


def remember(path: Path, key: str, value: str) -> None:
    """Set top-level ``key`` to ``value`` (already TOML) in the file at
    ``path``, made if missing. Raises ConfigNotWritten."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigNotWritten(f"{path} cannot be read ({getattr(exc, 'strerror', None) or exc})") from exc
    lines = text.splitlines(keepends=True)
    line = key_lines(text).get((key,)) if text else None
    new = f"{key} = {value}\n"
    if line is not None and 1 <= line <= len(lines):
        old = lines[line - 1]
        comment = _comment(old)
        lines[line - 1] = f"{key} = {value}{comment}\n"
    else:
        # before the first table ([keys]), where a top-level key must go
        at = next((i for i, l in enumerate(lines) if l.lstrip().startswith("[")), len(lines))
        if at == len(lines) and lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines.insert(at, new)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write("".join(lines))
            os.replace(temporary, path)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise
    except OSError as exc:
        raise ConfigNotWritten(f"{path} cannot be written ({exc.strerror or exc})") from exc


def _comment(line: str) -> str:
    """A line's trailing comment (with the spaces before it), if it has one
    outside a string."""
    quote = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "#":
            start = i
            while start > 0 and line[start - 1] in " \t":
                start -= 1
            return line[start:].rstrip("\n")
    return ""
