"""A live library: files added, changed or removed while the app runs show up."""

from __future__ import annotations

import os
import time
from pathlib import Path

from conftest import article, write
from helpers_app import build, settle, wait_until
from reader.widgets.article_list import ArticleList
from reader.widgets.article_view import ArticleView


def titles(app) -> list[str]:
    articles = app.screen.query_one(ArticleList)
    return [row.title for row in app.library.rows(list(articles.ids))]


async def watching(pilot) -> None:
    """Wait until the app watches its library's folders."""
    screen = pilot.app.screen
    await wait_until(pilot, lambda: screen.watcher is not None and screen.watcher.mode != "off", what="no watch")


def count_refreshes(app) -> list[int]:
    """A list that grows by one as each of the app's refreshes ends."""
    ended: list[int] = []
    refresh = app.library.refresh

    def counted(*args, **kwargs):
        try:
            return refresh(*args, **kwargs)
        finally:
            ended.append(1)

    app.library.refresh = counted
    return ended


async def test_added_changed_and_removed_files_show_up(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    for n in range(30):
        write(folder, f"a{n:02}.md", article(f"Story {n:02}", quality=n))
    app = build(folder, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.screen.query_one(ArticleList).count == 30)
        await watching(pilot)
        articles = app.screen.query_one(ArticleList)
        await pilot.press("j", "j", "j")
        chosen = articles.current_row.title
        line_before = articles.cursor - int(articles.scroll_offset.y)

        write(folder, "new.md", article("A fresh arrival", quality=99))
        await wait_until(pilot, lambda: "A fresh arrival" in titles(app))
        # The reader's place is kept: same article highlighted, on the same line.
        assert articles.current_row.title == chosen
        assert articles.cursor - int(articles.scroll_offset.y) == line_before

        write(folder, "a05.md", article("Story 05, corrected", quality=5))
        await wait_until(pilot, lambda: "Story 05, corrected" in titles(app))
        assert "Story 05" not in titles(app)

        os.unlink(folder / "a10.md")
        await wait_until(pilot, lambda: articles.count == 30)
        assert "Story 10" not in titles(app)


async def test_a_new_subfolder_is_watched_too(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    write(folder, "a.md", article("First", quality=1))
    app = build(folder, tmp_path)
    ended = count_refreshes(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await watching(pilot)
        await settle(pilot)
        before = len(ended)
        (folder / "later").mkdir()
        await wait_until(pilot, lambda: len(ended) > before, what="the new folder was not noticed")
        write(folder, "later/b.md", article("In a new folder", quality=2))
        await wait_until(pilot, lambda: "In a new folder" in titles(app))


async def test_the_library_folder_removed_while_running(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    write(folder, "a.md", article("Soon gone", quality=1))
    app = build(folder, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await watching(pilot)
        os.unlink(folder / "a.md")
        folder.rmdir()
        await wait_until(pilot, lambda: app.screen.query_one(ArticleList).count == 0)
        await pilot.press("j", "enter", "escape")
        view = app.screen.query_one(ArticleView)
        assert view.article is None and view.row is None
        assert "No&#160;articles" in app.export_screenshot()
        problems = [p.format() for p in app.library.problems()]
        assert any("no such file or folder" in p for p in problems)
        assert app.is_running


def test_the_watch_works_in_a_process_with_over_a_thousand_files_open(tmp_path: Path) -> None:
    """Descriptors numbered 1024 and up cannot be waited on with select():
    the watch died silently there once, and the app stopped following its
    library. Here the watch's own descriptor is numbered above 1100."""
    import resource
    import threading

    import pytest

    from reader.watch import Watcher

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1300:
        if hard != resource.RLIM_INFINITY and hard < 1300:
            pytest.skip("this process may not open 1300 files")
        resource.setrlimit(resource.RLIMIT_NOFILE, (1300, hard))
    folder = tmp_path / "news"
    write(folder, "a.md", article("First"))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    changed = threading.Event()
    watcher = Watcher([folder], changed.set, poll_every=30.0, settle=0.05)
    try:
        watcher.start()
        deadline = time.monotonic() + 5
        while watcher.mode == "off" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert watcher.mode != "off"
        write(folder, "b.md", article("Second"))
        assert changed.wait(5), "the new file was not noticed"
        changed.clear()
        write(folder, "c.md", article("Third"))
        assert changed.wait(5), "the watch did not go on"
    finally:
        watcher.stop()
        for fd in held:
            os.close(fd)
        if soft < 1300:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
