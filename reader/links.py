"""Which links may be opened, and how they reach a browser.

Only http and https URLs are opened. The browser gets the URL as one
argument of an argument list, never through a shell, so a URL holding
shell syntax is only ever text.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass
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


def command_for(url: str, template: str | None = None, environ: dict[str, str] | None = None) -> BrowserCommand | None:
    """The argv that opens ``url``: from ``template`` (config), else $BROWSER.

    ``%s`` (or ``{url}``) in the command is replaced by the URL as a whole
    argument; without one, the URL is appended. None when neither is set.
    """
    env = os.environ if environ is None else environ
    source = "config"
    if not template:
        browser = env.get("BROWSER", "").strip()
        if not browser:
            return None
        template = browser.split(os.pathsep)[0]
        source = "$BROWSER"
    try:
        words = shlex.split(template)
    except ValueError:
        return None
    if not words:
        return None
    argv = []
    placed = False
    for word in words:
        if word in ("%s", "{url}", "%u"):
            argv.append(url)
            placed = True
        else:
            argv.append(word)
    if not placed:
        argv.append(url)
    return BrowserCommand(argv, source)


def launch(command: BrowserCommand) -> str | None:
    """Start the browser detached from the terminal; an error message or None."""
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
        return f"browser {command.argv[0]!r} (from {command.source}) was not found"
    except OSError as exc:
        return f"browser {command.argv[0]!r} could not be started: {exc.strerror or exc}"
    return None
