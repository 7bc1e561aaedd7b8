"""Work off the screen's thread, in the running app: one refresh at a time
(a change noticed during one brings exactly one more; a cancelled one
stops), and writes to the state file in the order they were asked for."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

from textual.app import App

from conftest import article, write
from helpers_app import build, settle, start, wait_until
from reader.messages import FilesChanged, StoreFailed
from reader.saving import StateWriter
from reader.state import State
from reader.store import CacheDamaged, RefreshStats


def small_library(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    for n in range(3):
        write(folder, f"{n}.md", article(f"Story {n}", quality=n))
    return folder


def held_refreshes(app, hold_first: threading.Event | None = None):
    """The app's library.refresh, recording each call's ``cancelled``; the
    first call waits for ``hold_first`` (looking at cancelled() meanwhile,
    as a refresh does between batches) and ends cancelled if it was."""
    calls: list = []
    refresh = app.library.refresh

    def held(progress=None, cancelled=None):
        calls.append(cancelled)
        if len(calls) == 1 and hold_first is not None:
            while not hold_first.wait(0.01):
                if cancelled is not None and cancelled():
                    return RefreshStats(cancelled=True)
        return refresh(progress=progress, cancelled=cancelled)

    app.library.refresh = held
    return calls


async def test_changes_noticed_during_a_refresh_bring_exactly_one_more(tmp_path: Path) -> None:
    app = build(small_library(tmp_path), tmp_path, watch=False)
    async with app.run_test() as pilot:
        await start(pilot)
        release = threading.Event()
        calls = held_refreshes(app, release)
        for _ in range(3):
            app.screen.post_message(FilesChanged())  # as the folder watch says, three times
        await wait_until(pilot, lambda: len(calls) == 1)
        await pilot.pause()
        assert len(calls) == 1 and app.screen.indexing  # one at a time: the others wait
        release.set()
        await settle(pilot)
        assert len(calls) == 2  # then exactly one more
        assert not app.screen.indexing


async def test_a_rebuild_stops_the_refresh_running_and_follows_it(tmp_path: Path) -> None:
    app = build(small_library(tmp_path), tmp_path, watch=False)
    async with app.run_test() as pilot:
        await start(pilot)
        never = threading.Event()
        calls = held_refreshes(app, never)
        forgotten: list[str] = []
        forget = app.library.forget_cache
        app.library.forget_cache = lambda why: forgotten.append(why) or forget(why)
        app.screen.post_message(FilesChanged())
        await wait_until(pilot, lambda: len(calls) == 1)
        app.screen.post_message(StoreFailed(CacheDamaged("the cache is damaged")))
        await wait_until(pilot, lambda: calls[0]() is True)  # the running one is told to stop...
        await settle(pilot)  # ...and does (it would wait forever otherwise)
        assert len(calls) == 2 and forgotten == ["the cache is damaged"]
        assert app.screen.articles.count == 3


async def test_a_refresh_running_when_the_app_ends_is_stopped(tmp_path: Path) -> None:
    app = build(small_library(tmp_path), tmp_path, watch=False)
    never = threading.Event()
    async with app.run_test() as pilot:
        await start(pilot)
        calls = held_refreshes(app, never)
        app.screen.post_message(FilesChanged())
        await wait_until(pilot, lambda: len(calls) == 1)
    assert calls[0]() is True


class Host(App[None]):
    """An app to run a StateWriter's workers in."""


async def test_state_writes_land_in_the_order_asked(tmp_path: Path) -> None:
    landed: list[int] = []
    with State(tmp_path / "state.sqlite3") as state:
        app = Host()
        async with app.run_test() as pilot:
            writer = StateWriter(state, app)

            def work(n: int, state: State) -> None:
                time.sleep(random.random() / 100)  # as a disk takes its time, more or less
                state.set_starred("key", n % 2 == 0)
                landed.append(n)

            for n in range(30):
                writer.write(lambda state, n=n: work(n, state))
            await wait_until(pilot, lambda: len(landed) == 30)
            assert writer.wait(5)
        assert landed == list(range(30))
        assert not state.is_starred("key")  # the last one asked (29: unstar) is the one that holds
