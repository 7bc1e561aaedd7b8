"""Triage: when articles are marked read, marks drawn at once, views that
stay put while the library changes, and the filters in the header."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SEEDS
from helpers_app import article_list, build, header, listed, main_screen, pane, press, settle, wait_until
from reader.config import Config


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def unwatched(folder: Path, tmp_path: Path, **kwargs):
    return build(folder, tmp_path, watch=False, **kwargs)


def key(app, row) -> str:
    return main_screen(app).list_pane.mark_key(row)


def read_titles(app) -> list[str]:
    return [row.title for row, marks in listed(app) if marks.read]


def line_of(app, row_id: int) -> str:
    """The list line of an article as drawn now (from the widget's own render)."""
    articles = article_list(app)
    index = list(articles.ids).index(row_id)
    return articles.render_line(index - int(articles.scroll_offset.y)).text


# -- when an article is marked read -------------------------------------------------------


async def test_moving_over_articles_marks_none_read_and_opening_one_does(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "j", "j", "k")
        assert read_titles(app) == []  # shown in the pane is not read
        second = article_list(app).current_row
        await press(pilot, "enter")  # opened full screen: read
        assert read_titles(app) == [second.title]


async def test_typing_a_search_marks_nothing_read(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path, config=Config(mark_read="dwell", mark_read_dwell=0.05))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "r", "o", "b", "o", "t")
        await settle(pilot)
        await pilot.pause(0.2)  # well past the dwell time
        await settle(pilot)
        assert read_titles(app) == []


async def test_dwell_marks_the_shown_article_read_after_its_time_and_m_sticks(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path, config=Config(mark_read="dwell", mark_read_dwell=0.3))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = article_list(app).current_row
        await wait_until(pilot, lambda: app.state.is_read(key(app, first)), what="the dwell never marked it")
        await press(pilot, "j")  # passed over quickly: the second is not read...
        second = article_list(app).current_row
        await press(pilot, "j")
        assert not app.state.is_read(key(app, second))
        await press(pilot, "k", "k")  # back on the first, read: m makes it unread
        await press(pilot, "m")
        assert not app.state.is_read(key(app, first))
        await pilot.pause(0.6)  # past the dwell time, still shown
        await settle(pilot)
        assert not app.state.is_read(key(app, first))  # m sticks


async def test_never_marks_nothing_read_even_when_opened(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path, config=Config(mark_read="never"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        await press(pilot, "escape")
        assert read_titles(app) == []
        await press(pilot, "m")  # by hand, it still works
        assert len(read_titles(app)) == 1


async def test_m_sticks_when_the_cursor_leaves_and_comes_back(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = article_list(app).current_row
        await press(pilot, "enter", "escape")  # read
        assert app.state.is_read(key(app, first))
        await press(pilot, "m")
        await press(pilot, "j", "k")
        assert not app.state.is_read(key(app, first))


async def test_a_star_is_drawn_and_taken_off_the_row_at_once(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        row = article_list(app).current_row
        await pilot.press("f")
        await pilot.pause()
        assert "★" in line_of(app, row.id)
        await pilot.press("f")
        await pilot.pause()
        assert "★" not in line_of(app, row.id)
        await settle(pilot)
        assert "★" not in line_of(app, row.id)
        assert not app.state.is_starred(key(app, row))


# -- hand-off keys ----------------------------------------------------------------------------


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from helpers_app import Browser

    return Browser(tmp_path, monkeypatch)


async def test_O_opens_the_link_marks_the_article_read_and_goes_to_the_next_unread(seeds: Path, tmp_path: Path, browser) -> None:
    app = build(seeds, tmp_path, browser, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = article_list(app)
        rows = [row for row, _ in listed(app)]
        await press(pilot, "j", "m", "k")  # the second read by hand: O skips it
        await press(pilot, "O")
        assert browser.wait_for(1) == [[rows[0].url]]
        assert app.state.is_read(key(app, rows[0]))
        assert articles.cursor == 2  # the next unread


async def test_pipe_sends_the_articles_markdown_to_the_configured_command(seeds: Path, tmp_path: Path) -> None:
    import sys

    out = tmp_path / "piped.md"
    command = f"{sys.executable} -c \"import sys; open(sys.argv[1], 'w').write(sys.stdin.read())\" {out}"
    app = unwatched(seeds, tmp_path, config=Config(pipe=command))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        title = pane(app).article.title
        await press(pilot, "|")
        await wait_until(pilot, lambda: out.exists() and out.read_text(encoding="utf-8").strip() != "")
        assert out.read_text(encoding="utf-8").startswith(f"# {title}")


# -- problems ----------------------------------------------------------------------------------


async def test_a_file_that_breaks_while_the_app_runs_is_told_counted_and_listed(seeds: Path, tmp_path: Path, notices) -> None:
    from reader.screens.problems import ProblemsScreen

    app = build(seeds, tmp_path)  # watching the folder
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "⚠" not in header(app)
        before = len(listed(app))
        victim = sorted(seeds.glob("*.md"))[3]
        victim.write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
        await wait_until(pilot, lambda: "⚠ 1 skipped (!)" in header(app), what="the header never counted the problem")
        await settle(pilot)
        assert len(listed(app)) == before - 1
        told = [n for n in notices if n.title == "A file could not be read"]
        assert len(told) == 1 and told[0].message.startswith(f"{victim.name}:")
        await press(pilot, "!")
        assert isinstance(app.screen, ProblemsScreen)
        text = str(app.screen.query_one("#problems-list").render())
        assert text.startswith(f"{victim.name}:2: skipped: ") or text.startswith(f"{victim.name}:")
        # Mended while the list is open: the list follows.
        victim.write_text("---\ntitle: Mended\n---\nbody\n", encoding="utf-8")
        await wait_until(pilot, lambda: "Every file was read" in str(app.screen.query_one("#problems-list").render()))
        await press(pilot, "q")  # closes the list, not the app
        assert not isinstance(app.screen, ProblemsScreen) and app.is_running
        await wait_until(pilot, lambda: "⚠" not in header(app))


@pytest.mark.parametrize("size", [(80, 24), (120, 35)])
async def test_the_footer_shows_the_help_key_at_80_columns(seeds: Path, tmp_path: Path, size) -> None:
    from helpers_app import screen_lines

    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert "? Keys" in footer and "q Quit" in footer
