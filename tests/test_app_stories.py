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


async def test_a_search_or_a_topic_chosen_inside_a_story_leaves_it(tmp_path):
    from reader.view import Topic
    from reader.widgets.topics import TopicList

    app = build(library(tmp_path), tmp_path, watch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        await wait_until(pilot, lambda: len(titles(app)) == 3)
        await press(pilot, "slash", *"glimmer", "enter")
        await wait_until(pilot, lambda: titles(app) == ["Glimmer opens a lab in Oslo"], what="the search stayed inside the story")
        assert not header(app).startswith("Story")
        await press(pilot, "escape")  # the search cleared: the whole list, not the story
        await wait_until(pilot, lambda: len(titles(app)) == 2)
        await press(pilot, "enter")
        await wait_until(pilot, lambda: len(titles(app)) == 3)
        main_screen(app).query_one(TopicList).post_message(TopicList.Chosen(Topic("Nothing here")))
        await wait_until(pilot, lambda: not header(app).startswith("Story"), what="the topic stayed inside the story")


async def test_a_story_shown_stays_when_an_earlier_report_arrives(tmp_path):
    folder = library(tmp_path)
    app = build(folder, tmp_path, watch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        await wait_until(pilot, lambda: len(titles(app)) == 3)
        write(folder, "0.md", story_file("Acme recalls 40,000 e-scooters after battery fires", "2024-05-01T20:00:00Z", "AP",
                                          "https://ap.example/0", "Acme recalls 40,000 e-scooters over battery fires in Ohio.", 50))
        main_screen(app)._refresh()  # the story's id (its first report's) changes
        await wait_until(pilot, lambda: len(titles(app)) == 4, what="the story emptied when its id changed")


async def test_mark_all_read_on_a_list_of_stories_marks_every_member(tmp_path):
    app = build(library(tmp_path), tmp_path, watch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "A")
        await pilot.press("enter")
        await settle(pilot)
        assert all(m.read for _, m in listed(app))
        await press(pilot, "enter")
        await wait_until(pilot, lambda: len(titles(app)) == 3)
        assert all(m.read for _, m in listed(app))


async def test_opening_a_story_rows_link_marks_its_head_and_the_row_stays_unread(tmp_path, monkeypatch):
    from helpers_app import Browser

    browser = Browser(tmp_path, monkeypatch)
    app = build(library(tmp_path), tmp_path, browser=browser, watch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "o")
        await settle(pilot)
        articles = article_list(app)
        assert articles.marks_of(articles.ids[0]).read is False  # two members unread still
        assert listed(app)[0][1].read is False
        await press(pilot, "enter")
        await wait_until(pilot, lambda: len(titles(app)) == 3)
        assert [m.read for _, m in listed(app)] == [True, False, False]


async def test_a_search_ranked_by_relevance_lists_stories_whole(tmp_path, monkeypatch):
    import reader.screens.loading as loading

    monkeypatch.setattr(loading, "FIRST_ROWS", 7)  # the first rows come before the rest
    folder = library(tmp_path)
    for i in range(6):
        write(folder, f"z{i}.md", story_file(f"Battery {i} fires at plant w{i}", f"2024-04-0{1 + i}T08:00:00Z", "Q", f"https://q.example/{i}", "battery fires battery fires"))
    app = build(folder, tmp_path, watch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"battery fires", "enter")
        await wait_until(pilot, lambda: article_list(app).complete, what="the list never completed")
        assert article_list(app).count == len(article_list(app).ids) == 7  # six plants and one recall story


def test_the_pane_gives_the_storys_heat_beside_its_heads_and_its_size():
    from reader.render import pane_meta

    line = lambda heat, story: pane_meta("Wire", "", None, 60, heat, True, [], None, story)[0].plain  # noqa: E731
    assert "heat 40 (story 95) · 3 sources" in line(40, (3, 95.0))
    assert "story heat 95 · 3 sources" in line(None, (3, 95.0))
    assert "sources" not in line(40, None) and "story" not in line(40, None)
