"""Hand an article to another program: the config's `pipe` command (a
pager, `glow -`, a script) gets the article as Markdown on its stdin.

The command is split into words like a shell would (shlex) but run without
one: the article's text is only ever data on a pipe. Everything from the
file is cleaned of control characters first, since the command may print
it to the terminal.
"""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from typing import IO, Iterator

from reader.format import absolute
from reader.links import refusal
from reader.model import Article
from reader.text import clean, clean_block

BACKGROUND_TIMEOUT = 60.0  # seconds a command may run when it cannot have the terminal


class BadCommand(ValueError):
    """The pipe command cannot be split into words, or has none."""


def pipe_argv(command: str) -> list[str]:
    """``command`` as an argument list (shell quoting rules, no shell); BadCommand if it has none."""
    try:
        words = shlex.split(command)
    except ValueError as exc:
        raise BadCommand(f"the pipe command {clean(command)!r} cannot be split into words ({str(exc).lower()})") from None
    if not words:
        raise BadCommand("the pipe command is empty")
    return words


# -- the article as Markdown ----------------------------------------------------------------


def _link(url: str | None) -> str:
    """``url`` as a Markdown autolink when it is one reader would open, else nothing."""
    if url is None or refusal(url) is not None:
        return ""
    return f"<{clean(url)}>"


def article_markdown(article: Article) -> str:
    """The article as Markdown: the title, provider · date · link, the
    excerpt (quoted), the body, and the related links as a numbered list
    (their numbers are the ones reader's keys use)."""
    parts = [f"# {clean(article.title) or '(untitled)'}"]
    provider = clean(article.provider.label()) if article.provider is not None else ""
    date = absolute(article.published_at) if article.published_at is not None else ""
    about = " · ".join(x for x in (provider, date, _link(article.url)) if x)
    if about:
        parts.append(about)
    if article.excerpt and clean(article.excerpt):
        parts.append(f"> {clean(article.excerpt)}")
    body = clean_block(article.body).strip()
    if body:
        parts.append(body)
    if article.related:
        lines = ["## Related", ""]
        for number, item in enumerate(article.related, 1):
            details = [clean(item.provider.label()) if item.provider is not None else ""]
            if item.published_at is not None:
                details.append(absolute(item.published_at)[:10])
            details.append(_link(item.url))
            line = " · ".join(d for d in [clean(item.title) or "(untitled)", *details] if d)
            lines.append(f"{number}. {line}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


# -- running the command --------------------------------------------------------------------


def ended(name: str, code: int) -> str:
    """How a command that did not succeed ended: 'glow failed with exit status 1'."""
    if code < 0:
        try:
            return f"{name} was stopped by {signal.Signals(-code).name}"
        except ValueError:
            return f"{name} was stopped by signal {-code}"
    return f"{name} failed with exit status {code}"


def run_command(argv: list[str] | tuple[str, ...], data: bytes, *, name: str | None = None, timeout: float | None = None) -> str | None:
    """Run ``argv`` with ``data`` on its stdin, out of sight; None when it
    succeeded, else one line saying what went wrong (with the first line it
    wrote to stderr).

    Nothing it prints reaches the screen. It runs in its own session (no
    terminal signals; a clipboard tool that stays behind to serve the text
    outlives the terminal), and its stderr goes to a file, not a pipe: a
    process it leaves behind would hold a pipe open, and reading it would
    wait for that process to end.
    """
    name = name or argv[0]
    try:
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True, close_fds=True
            )
            try:
                process.communicate(data, timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                return f"{name} did not finish within {timeout:g} s"
            if process.returncode == 0:
                return None
            errors.seek(0)
            said = _first_line(errors.read(4096))
            return ended(name, process.returncode) + (f": {said}" if said else "")
    except FileNotFoundError:
        return f"{name} was not found"
    except (OSError, ValueError) as exc:  # not executable, a NUL byte in an argument...
        return f"{name} could not be started: {getattr(exc, 'strerror', None) or exc}"


def _first_line(data: bytes) -> str:
    for line in data.decode("utf-8", errors="replace").splitlines():
        if clean(line):
            return clean(line)[:160]
    return ""


class _Interrupts:
    """SIGINT's handler while a command has the terminal: nothing happens in
    reader (the command, in the same process group, gets its own), except
    while reader itself asks for Enter."""

    def __init__(self) -> None:
        self.raising = False

    def __call__(self, number: int, frame: object) -> None:
        if self.raising:
            raise KeyboardInterrupt


@contextmanager
def _ctrl_c_is_the_commands() -> Iterator[_Interrupts]:
    """Ctrl-C on the terminal signals the whole foreground process group:
    the command and reader. Left alone, reader would quit (or raise
    KeyboardInterrupt) once the command ends. A Python handler, unlike
    SIG_IGN, is reset to the default in the command when it starts, and the
    wakeup fd is set aside so asyncio's loop never hears of the signal."""
    handler = _Interrupts()
    try:
        previous = signal.signal(signal.SIGINT, handler)
    except (ValueError, OSError):  # not the main thread: leave signals as they are
        yield handler
        return
    wakeup = signal.set_wakeup_fd(-1)
    try:
        yield handler
    finally:
        signal.set_wakeup_fd(wakeup)
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


def run_in_terminal(
    argv: list[str], data: bytes, *, wait: bool = True, keyboard: IO[str] | None = None, screen: IO[str] | None = None
) -> str | None:
    """Run ``argv`` on the terminal (the app suspended) with ``data`` on its
    stdin; None when it succeeded, else one line saying what went wrong.

    With ``wait`` (and a keyboard that is a terminal) reader then asks for
    Enter before it takes the screen back, so what the command printed can
    be read (mutt's wait_key); after a pager that is one more key. Never
    raises: the app's screen must come back whatever happened.
    """
    keyboard = keyboard if keyboard is not None else sys.__stdin__
    screen = screen if screen is not None else sys.__stderr__
    name = argv[0]
    with _ctrl_c_is_the_commands() as interrupts:
        try:
            process = subprocess.Popen(argv, stdin=subprocess.PIPE)
            process.communicate(data)
            error = None if process.returncode == 0 else ended(name, process.returncode)
        except FileNotFoundError:
            error = f"{name} was not found"
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            error = f"{name} could not be started: {getattr(exc, 'strerror', None) or exc}"
        if wait and keyboard is not None and screen is not None:
            try:
                interrupts.raising = True
                if keyboard.isatty():
                    said = f"{clean(error)}. " if error else ""
                    screen.write(f"\n[reader] {said}Press Enter to go back to reader. ")
                    screen.flush()
                    keyboard.readline()
            except (KeyboardInterrupt, OSError, ValueError):
                pass
            finally:
                interrupts.raising = False
    return error
