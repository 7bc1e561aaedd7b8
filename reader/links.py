"""Which links may be opened, and how they reach a browser.

Only http and https URLs are opened. The browser gets the URL as one
argument of an argument list, never through a shell, so a URL holding
shell syntax is only ever text.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")


def refusal(url: str | None) -> str | None:
    """Why ``url`` may not be opened, or None when it may."""
    if not url or not url.strip():
        return "this article has no link"
    text = url.strip()
    if any(ord(c) < 0x20 or ord(c) == 0x7F or 0x80 <= ord(c) <= 0x9F for c in text) or " " in text:
        return "refused a link with spaces or control characters in it"
    try:
        parts = urlsplit(text)
    except ValueError:
        return "refused a link that is not a valid URL"
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = scheme or "no scheme"
        return f"refused to open a {shown!s}: link (only http and https are opened)"
    if not parts.netloc:
        return "refused a link without a host"
    return None


@dataclass(frozen=True)
class BrowserCommand:
    argv: list[str]
    source: str  # where the command came from, for messages
    others: int = 0  # how many more commands $BROWSER listed, none of them found either


# What a browser command may say where the URL goes: %s (Python's webbrowser,
# $BROWSER), %u (desktop entries), {url}; %% is a literal %. One pass, so a
# URL that holds "%s" itself is never substituted again.
_PLACEHOLDER = re.compile(r"%%|%s|%u|\{url\}")


def _fill(word: str, url: str) -> tuple[str, bool]:
    """``word`` with every placeholder replaced, and whether it held one."""
    placed = False

    def one(match: re.Match[str]) -> str:
        nonlocal placed
        if match.group() == "%%":
            return "%"
        placed = True
        return url

    return _PLACEHOLDER.sub(one, word), placed


def _words(command: str) -> list[str]:
    try:
        return shlex.split(command)
    except ValueError:
        return []


def command_for(url: str, template: str | None = None, environ: Mapping[str, str] | None = None) -> BrowserCommand | None:
    """The argv that opens ``url``: from ``template`` (config), else $BROWSER.

    ``%s``, ``%u`` or ``{url}`` anywhere in a word (``--new-tab=%s``) is
    replaced by the URL, inside that one argument; ``%%`` is a ``%``.
    Without a placeholder the URL is appended as the last argument. $BROWSER
    may list several commands separated by os.pathsep: the first whose
    program is on PATH is used (the first of all when none is, so the
    message names it). None when neither is set, or the text cannot be
    split into words.
    """
    env = os.environ if environ is None else environ
    if template:
        words, source, others = _words(template), "config", 0
    else:
        choices = [w for w in (_words(c) for c in env.get("BROWSER", "").split(os.pathsep)) if w]
        if not choices:
            return None
        path = env.get("PATH", os.defpath)
        found = [w for w in choices if shutil.which(w[0], path=path)]
        words, source, others = (found[0], "$BROWSER", 0) if found else (choices[0], "$BROWSER", len(choices) - 1)
    if not words:
        return None
    argv = []
    placed = False
    for word in words:
        filled, here = _fill(word, url)
        argv.append(filled)
        placed = placed or here
    if not placed:
        argv.append(url)
    return BrowserCommand(argv, source, others)


def launch(command: BrowserCommand) -> str | None:
    """Start the browser detached from the terminal; an error message or None."""
    program = command.argv[0]
    try:
        subprocess.Popen(
            command.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except FileNotFoundError:
        if command.others:
            more = "other command" if command.others == 1 else f"{command.others} other commands"
            return f"browser {program!r} (from {command.source}) was not found, nor the {more} it lists"
        return f"browser {program!r} (from {command.source}) was not found"
    except OSError as exc:
        return f"browser {program!r} could not be started: {exc.strerror or exc}"
    except ValueError as exc:  # a NUL byte in the command
        return f"browser {program!r} could not be started: {exc}"
    return None
