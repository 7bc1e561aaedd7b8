"""What the app's tests share: the fixed time, building the app, waiting for
it to catch up (on conditions, never for a fixed time), reading what the
screen shows, and a fake browser.

conftest.py turns the cursor blink off for every test and gives the
`notices` fixture (every notification an app shows)."""

from __future__ import annotations

import asyncio
import html
import json
import re
import stat
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from textual.geometry import Region
from textual.widgets import OptionList, Static
from textual.worker import WorkerCancelled

NOW = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)
SIZE = (120, 40)
TIMEOUT = 30.0  # seconds before a wait fails the test (a loaded CI machine is slow, never this slow)


def build(folder: Path, tmp_path: Path, browser: "Browser | None" = None, **kwargs):
    """The app on ``folder``, its cache under ``tmp_path``, at NOW."""
    from reader.app import make_app

    kwargs.setdefault("now", NOW)
    app = make_app([folder], cache_dir=tmp_path / "cache", browser=browser.command if browser else None, **kwargs)
    # conftest's TEXTUAL_ANIMATIONS=none comes too late: textual.constants was
    # read when the snapshot plugin imported Textual. Scrolls would animate.
    app.animation_level = "none"
    return app


# -- waiting ----------------------------------------------------------------------------


async def wait_until(pilot, condition, timeout: float = TIMEOUT, what: str = "the app never got there") -> float:
    """Seconds until ``condition()`` holds; fails the test after ``timeout``."""
    started = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(what)
        await pilot.pause(0.01)


async def _workers_done(app) -> bool:
    """Wait for every worker still wanted; True if there were none.

    An exclusive worker replaced by a newer one is cancelled, and waiting on
    it raises WorkerCancelled; those are skipped, a failed one still raises.
    """
    live = [w for w in app.workers if not w.is_cancelled and not w.is_finished]
    if not live:
        return True
    try:
        await asyncio.gather(*(w.wait() for w in live))
    except WorkerCancelled:
        pass
    return False


def messages_on_their_way(app) -> bool:
    """Whether the app, a screen or a widget on one has messages not yet handled.

    Pilot.pause() waits only for the messages queued when it began: one a
    widget posts that bubbles up to the screen (the pane's Shown, which marks
    an article read; a list loaded) takes a hop per pause, and a slow
    machine can still be on the way when the pause's sleep ends."""
    nodes = [app, *(node for screen in app.screen_stack for node in screen.walk_children(with_self=True))]
    return any(node.message_queue_size for node in nodes)


def quiet(app) -> bool:
    """The main screen has nothing under way: no refresh, no search waiting
    to run, the article pane shows what the cursor rests on (its file read),
    and no message is still on its way to its handler."""
    from reader.screens.main import find_main
    from reader.widgets.search import SearchBar

    main = find_main(app)
    if messages_on_their_way(app):
        return False
    return main is None or (not main.indexing and main.pane.settled and not main.query_one(SearchBar).waiting)


async def settle(pilot) -> None:
    """Wait until the app has caught up: every worker done, no refresh
    running, the pane showing the article under the cursor, twice running
    (a finished worker may have started the next)."""
    app = pilot.app
    deadline = time.monotonic() + TIMEOUT
    calm = 0
    while calm < 2:
        if time.monotonic() > deadline:
            raise AssertionError("the app never settled")
        if not await _workers_done(app):
            calm = 0
            continue
        await pilot.pause(0.01)
        calm = calm + 1 if quiet(app) and await _workers_done(app) else 0


async def start(pilot) -> None:
    """The first screen: the index refreshed, the list shown, the first body loaded."""
    await settle(pilot)


async def press(pilot, *keys: str) -> None:
    """Press the keys, then wait for the app to catch up."""
    await pilot.press(*keys)
    await settle(pilot)


async def pane_follows(pilot) -> None:
    """Wait for the article pane to show the article under the cursor."""
    await wait_until(pilot, lambda: quiet(pilot.app), what="the pane never caught up")


# -- what the screen shows ------------------------------------------------------------------


def shown(widget) -> str:
    """The lines a widget renders (all of them, also those scrolled out of view)."""
    width, height = widget.outer_size
    if width <= 0 or height <= 0:
        return ""
    return "\n".join(strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height)))


def flat(text: str) -> str:
    return " ".join(text.split())


def main_screen(app):
    from reader.screens.main import find_main

    return find_main(app)


def pane(app):
    return main_screen(app).pane


def pane_title(app) -> str:
    return flat(shown(pane(app).query_one("#article-title", Static)))


def pane_text(app) -> str:
    """Everything the article pane shows, top to bottom, as one line of words."""
    return flat("\n".join(shown(child) for child in pane(app).children if child.display))


def article_list(app):
    return main_screen(app).articles


def list_titles(app) -> list[str]:
    return [row.title for row in app.library.rows(article_list(app).ids)]


def listed(app) -> list:
    """The list's rows, in order, each with its marks: [(row, marks)]."""
    return main_screen(app).list_pane.marked_rows(list(article_list(app).ids))


def header(app) -> str:
    """The list's header line, whole (also what the pane's width cuts off)."""
    return str(main_screen(app).query_one("#list-header", Static).render())


SVG_TEXT = re.compile(r'<text class="([^"]+)" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>')


def screen_lines(app) -> list[str]:
    """The screen as text, read back from Textual's SVG screenshot."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for cls, x, y, text in SVG_TEXT.findall(app.export_screenshot()):
        if cls.endswith("-title"):
            continue
        rows.setdefault(float(y), []).append((float(x), html.unescape(text).replace("\xa0", " ")))
    return ["".join(t for _, t in sorted(parts)) for _, parts in sorted(rows.items())]


def option_texts(options: OptionList) -> list[str]:
    return [flat(str(options.get_option_at_index(i).prompt)) for i in range(options.option_count)]


# -- a fake browser -------------------------------------------------------------------------


class Browser:
    """A fake browser: each start appends its argv[1:] as one JSON line to a
    log. ``launched`` holds the argv of every browser the app started (it
    starts them at once, on its own thread, so the list is complete when
    the key that did it has been handled)."""

    def __init__(self, folder: Path, monkeypatch) -> None:
        import reader.app

        self.log = folder / "browser.log"
        self.script = folder / "fake-browser"
        self.script.write_text(
            f"#!{sys.executable}\n"
            "import json, sys\n"
            f"with open({str(self.log)!r}, 'a', encoding='utf-8') as out:\n"
            "    out.write(json.dumps(sys.argv[1:]) + '\\n')\n",
            encoding="utf-8",
        )
        self.script.chmod(self.script.stat().st_mode | stat.S_IXUSR)
        self.launched: list[list[str]] = []
        real = reader.app.launch

        def launch(command):
            self.launched.append(list(command.argv))
            return real(command)

        monkeypatch.setattr(reader.app, "launch", launch)

    @property
    def command(self) -> str:
        return f"{self.script} %s"

    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines() if line]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[list[str]]:
        """The calls, once there are ``count`` of them (the browser runs detached)."""
        deadline = time.monotonic() + timeout
        while len(self.calls()) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.calls()

    def assert_not_started(self) -> None:
        assert self.launched == []
        assert self.calls() == []
