"""Shared fixtures: every test gets its own XDG folders, so none touches the
real home; no cursor blinks; `notices` records what apps notify. The app's
helpers (build, settle, wait_until, ...) are in helpers_app.py."""

from __future__ import annotations

import faulthandler
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPUS = ROOT.parent / "shared" / "corpus" / "everyday-ai"
# An article of our own in the shape of the user's example (with three related
# articles and a secured payload); the user's file itself is read when present.
EXAMPLE = ROOT / "tests" / "fixtures" / "example.md"
SHARED_EXAMPLE = ROOT.parent / "shared" / "format" / "example-article.md"


# No test here takes more than a minute. One that hangs (a deadlock, say) ends
# the run with every thread's stack, instead of stalling CI until it is killed.
HUNG_AFTER = 300.0


_TERMINAL: list = []  # the run's own stderr, which pytest's capture does not swallow


def pytest_configure(config: pytest.Config) -> None:
    # Called while pytest's capture is paused: fd 2 is still the real stderr.
    _TERMINAL.append(os.fdopen(os.dup(2), "w"))


@pytest.fixture(autouse=True)
def hang_watchdog():
    faulthandler.dump_traceback_later(HUNG_AFTER, exit=True, file=_TERMINAL[0] if _TERMINAL else sys.__stderr__)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(autouse=True)
def xdg_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    dirs = {}
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        folder = tmp_path / "xdg" / name.lower()
        folder.mkdir(parents=True)
        monkeypatch.setenv(name, str(folder))
        dirs[name] = folder
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    # Textual read the variable when it was first imported; set what it read.
    monkeypatch.setattr("textual.constants.TEXTUAL_ANIMATIONS", "none", raising=False)
    return dirs


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor redraws the screen twice a second: no test waits on that."""
    from textual.widgets import Input

    created = Input.__init__

    def init(self, *args, **kwargs) -> None:
        created(self, *args, **kwargs)
        self.cursor_blink = False

    monkeypatch.setattr(Input, "__init__", init)


@dataclass(frozen=True)
class Notice:
    severity: str
    title: str
    message: str


@pytest.fixture
def notices(monkeypatch: pytest.MonkeyPatch) -> list[Notice]:
    """Every notification the apps of this test show, in order."""
    from textual.app import App

    shown: list[Notice] = []
    notify = App.notify

    def recording(self, message, **kwargs) -> None:
        shown.append(Notice(kwargs.get("severity", "information"), kwargs.get("title", ""), str(message)))
        notify(self, message, **kwargs)

    monkeypatch.setattr(App, "notify", recording)
    return shown


@pytest.fixture
def cache_dir(xdg_dirs: dict[str, Path]) -> Path:
    return xdg_dirs["XDG_CACHE_HOME"] / "reader"


def write(folder: Path, name: str, text: str | bytes) -> Path:
    """Write one article file (parents made) and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def article(title: str = "A title", **fields: object) -> str:
    """A small valid article; extra fields are written as YAML lines verbatim."""
    lines = ["---", f'title: "{title}"']
    for key, value in fields.items():
        if key == "body":
            continue
        lines.append(f"{key}: {value}")
    lines.append("---")
    lines.append(str(fields.get("body", "")))
    return "\n".join(lines) + "\n"


@pytest.fixture
def wide_console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A wide, fixed console in a folder of our own, so the command line's
    tables do not wrap (test_cli.py, test_cli_stories.py)."""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("LINES", "50")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
