"""Changing one setting in the user's config file, as the app does when a
key switches something the config remembers (v: group_stories).

Only that key's line is written: the user's comments, order, line endings
and other settings stay as they are. The file is replaced whole (a
temporary file beside it, given its permissions, moved over it), so a
crash leaves the old file or the new one; a config that is a symbolic link
(a dotfiles folder) has its target changed, and stays a link.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from reader.config import key_lines


class ConfigNotWritten(Exception):
    """The config file could not be changed (the message says why, in a few words)."""


def remember(path: Path, key: str, value: str) -> None:
    """Set top-level ``key`` to ``value`` (already TOML) in the file at
    ``path``, made if missing. Raises ConfigNotWritten."""
    target = Path(os.path.realpath(path))
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        raw = b""
    except OSError as exc:
        raise ConfigNotWritten(f"{path} cannot be read ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigNotWritten(f"{path} is not UTF-8 text") from exc
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    found = key_lines(text) if text else {}
    # Table headers are where found lines start with "[" (key_lines skips
    # what lies inside multi-line strings).
    headers = sorted(n for n in found.values() if 1 <= n <= len(lines) and lines[n - 1].lstrip().startswith("["))
    line = found.get((key,))
    if line is not None and 1 <= line <= len(lines) and lines[line - 1].lstrip().startswith("["):
        raise ConfigNotWritten(f"{path} has a [{key}] table where the setting would go")
    if line is not None and (not 1 <= line <= len(lines) or (headers and line > headers[0])):
        line = None  # a key of that name inside a table: not the top-level setting
    if line is not None:
        old = lines[line - 1]
        lines[line - 1] = f"{_indent(old)}{key} = {value}{_comment(old)}{newline}"
    else:
        at = headers[0] - 1 if headers else len(lines)
        if at == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        lines.insert(at, f"{key} = {value}{newline}")
    _replace(target, path, bom + "".join(lines))


def _replace(target: Path, shown: Path, text: str) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = 0o644
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".config-", suffix=".toml")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            os.chmod(temporary, mode)
            os.replace(temporary, target)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise
    except OSError as exc:
        raise ConfigNotWritten(f"{shown} cannot be written ({exc.strerror or exc})") from exc


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


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
            return line[start:].rstrip("\r\n")
    return ""
