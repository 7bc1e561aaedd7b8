"""Snapshot tests: the screens a reader sees, at fixed sizes, on the seed articles.

Run `pytest tests/test_snapshots.py --snapshot-update` to accept new
snapshots, and only after looking at them (the report, or the SVG files under
tests/__snapshots__/).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SEEDS
from helpers_app import build, settle
from reader.config import Config


@pytest.fixture
def app(tmp_path: Path):
    """The app on a copy of the seeds; its cache, like the copy, under tmp_path."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    # Marking read on show recounts the sidebar half a second later: keep the
    # counts still, so a snapshot does not depend on when it is taken.
    built = build(folder, tmp_path, browser=None, config=Config(mark_read="never", browser="true %s"))
    yield built
    built.library.close()


def no_machine_details(svg: str, tmp_path: Path) -> None:
    assert str(tmp_path) not in svg
    assert "/tmp" not in svg and str(Path.home()) not in svg
    assert "pytest-of" not in svg


def check(snap_compare, app, tmp_path: Path, size: tuple[int, int], *steps: str) -> None:
    """Each step is keys separated by spaces, pressed together, then waited for."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        for step in steps:
            await pilot.press(*step.split())
            await settle(pilot)
        # Let layout settle: a scrollbar coming or going lays the panes out once more.
        await pilot.pause()
        await settle(pilot)
        no_machine_details(pilot.app.export_screenshot(), tmp_path)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_main_view(snap_compare, app, tmp_path: Path) -> None:
    check(snap_compare, app, tmp_path, (120, 40))


def test_topic_chosen(snap_compare, app, tmp_path: Path) -> None:
    # Topics: All, AI, Policy, Cybersecurity, AI Hardware, Energy, Open Source, Robotics, Space...
    check(snap_compare, app, tmp_path, (120, 40), "shift+tab " + "down " * 8 + "enter")


def test_reading_an_article_with_related_links(snap_compare, app, tmp_path: Path) -> None:
    # The second article has three related links, two of them in the library.
    check(snap_compare, app, tmp_path, (120, 40), "j", "enter", "end")


def test_help(snap_compare, app, tmp_path: Path) -> None:
    check(snap_compare, app, tmp_path, (120, 40), "question_mark")


def test_narrow_80x24(snap_compare, app, tmp_path: Path) -> None:
    check(snap_compare, app, tmp_path, (80, 24))


def test_tiny_20x6(snap_compare, app, tmp_path: Path) -> None:
    check(snap_compare, app, tmp_path, (20, 6))
