"""Stories in the app: one row a story with its other sources counted,
Enter opens the story's members, Esc comes back, m marks every member,
v shows one row an article (and the config remembers)."""

from __future__ import annotations

from pathlib import Path

from conftest import write
from helpers_app import article_list, build, header, listed, main_screen, press, settle, wait_until
from reader.config import Config, load_config
from test_stories import story_file, write_recall


def library(tmp_path: Path) -> Path:
    write_recall(tmp_path)  # three reports of one recall (qualities 60, 80, 40)
    write(tmp_path / "lib", "other.md", story_file("Glimmer opens a lab in Oslo", "2024-05-02T09:00:00Z", "Wired", "https://wired.example/x", quality=70))
    return tmp_path / "lib"


def titles(app) -> list[str]:
    return [row.title for row, _ in listed(app)]


def line(app, index: int) -> str:
    articles = article_list(app)
    return articles.render_line(index - int(articles.scroll_offset.y)).text


async def test_the_list_shows_one_row_a_story_with_its_other_sources(tmp_path):
    app = build(library(tmp_path), tmp_path, watch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert titles(app) == ["Acme pulls 40,000 scooters after battery fire reports", "Glimmer opens a lab in Oslo"]
        assert "+2" in line(app, 0) and "+" not in line(app, 1).split("Oslo")[0][-3:]
        await press(pilot, "enter")  # the story: its members, head first
        await wait_until(pilot, lambda: len(titles(app)) == 3, what="the story's members never listed")
        assert [r.provider for r, _ in listed(app)] == ["Reuters", "The Verge", "BBC"]
        assert header(app).startswith("Story · 3 sources · Esc: back · Acme pulls")
        await press(pilot, "j", "enter")  # a member reads like any article, and only it becomes read
        await settle(pilot)
        assert main_screen(app).pane.row.provider == "The Verge"
        assert [m.read for _, m in listed(app)] == [False, True, False]
        await press(pilot, "escape", "escape")  # out of the article, out of the story
        await wait_until(pilot, lambda: len(titles(app)) == 2, what="Esc never left the story")
        assert article_list(app).current_row.title.startswith("Acme pulls")  # back on the story's row
        assert listed(app)[0][1].read is False  # unread while any member is


async def test_m_on_a_story_row_marks_every_member_and_right_opens_it(tmp_path):
    app = build(library(tmp_path), tmp_path, watch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "m")
        await settle(pilot)
        assert listed(app)[0][1].read is True
        await press(pilot, "right")
        await wait_until(pilot, lambda: len(titles(app)) == 3, what="→ never opened the story")
        assert all(m.read for _, m in listed(app))
        await press(pilot, "escape")
        await wait_until(pilot, lambda: len(titles(app)) == 2)
        await press(pilot, "m")  # all read: m makes every member unread again
        await settle(pilot)
        await press(pilot, "right")
        await wait_until(pilot, lambda: len(titles(app)) == 3)
        assert not any(m.read for _, m in listed(app))


async def test_v_lists_every_article_and_the_config_remembers(tmp_path, xdg_dirs):
    folder = library(tmp_path)
    app = build(folder, tmp_path, watch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "v")
        await wait_until(pilot, lambda: len(titles(app)) == 4, what="v never listed every article")
        assert "+2" not in line(app, 0)
        await press(pilot, "enter")  # an article alone now: Enter reads it
        await settle(pilot)
        assert main_screen(app).reading
    config = load_config()
    assert config.group_stories is False
    again = build(folder, tmp_path, watch=False, config=config)
    async with again.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert len(titles(again)) == 4
        await press(pilot, "v")
        await wait_until(pilot, lambda: len(titles(again)) == 2)
    assert load_config().group_stories is True
