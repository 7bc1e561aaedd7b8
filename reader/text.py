"""Make text from files safe to show: data, never control sequences.

Every string that came from a file goes through :func:`clean` (one line:
titles, names, cells) or :func:`clean_block` (several lines: bodies)
before it reaches a terminal.
"""

from __future__ import annotations

import re

# C0 controls (ESC among them), DEL, C1 controls (CSI, OSC, DCS...),
# bidi embeddings/overrides/isolates, and line/paragraph separators.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff"
_UNSAFE_BLOCK = re.compile(f"[{_UNSAFE}]")
_UNSAFE_LINE = re.compile(f"[{_UNSAFE}\\t\\n]")
_SPACES = re.compile(r"\s+")
# Whole escape sequences, so that what a terminal would have read as a
# command leaves no half of itself behind ("[2J", "]0;title"): CSI (7- and
# 8-bit), the string commands OSC, DCS, SOS, PM and APC up to their
# terminator, and the short ESC sequences (ESC 7, ESC ( B). An unterminated
# string command is not guessed at: its introducer is dropped as a control.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]"
)
# Lone surrogates: a file name that is not UTF-8 (Python keeps its bytes
# this way) could not be written to a terminal at all.
_SURROGATES = re.compile("[\ud800-\udfff]")


def _without_sequences(value: object) -> str:
    return _SEQUENCE.sub("", _SURROGATES.sub("\ufffd", str(value)))


def clean(value: object) -> str:
    """One line of inert text: controls dropped, runs of whitespace made one space."""
    if value is None:
        return ""
    text = _UNSAFE_LINE.sub(" ", _without_sequences(value))
    return _SPACES.sub(" ", text).strip()


def clean_block(value: object) -> str:
    """Text of several lines with every control character but newline and tab removed."""
    if value is None:
        return ""
    text = _without_sequences(value).replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE_BLOCK.sub("", text)


_JSON_UNSAFE = re.compile(f"[{_UNSAFE[_UNSAFE.index(chr(0x7F)):]}\\ud800-\\udfff]")


def escape_json_controls(text: str) -> str:
    """Escape the characters json.dumps(ensure_ascii=False) leaves raw.

    The escaped JSON decodes to exactly the same strings (a lone surrogate
    from a file name that is not UTF-8 too: os.fsencode() gives its bytes).
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def kind_of(value: object, json: bool = False) -> str:
    """What kind of value a file held, in its own format's words (YAML front
    matter by default; JSON for exported state), for messages like
    "expected a list, got text"."""
    from datetime import date

    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean" if json else "a true/false value"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string" if json else "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object" if json else "a mapping"
    if isinstance(value, date):
        return "a date"
    return type(value).__name__ if json else f"a {type(value).__name__}"
