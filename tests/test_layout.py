"""The main screen's layout at the sizes people have (120x35, 80x24, 40x12,
20x6), the sidebar's width and counts, and the help overlay.

Each test says what a reader would see: how many cells a title gets, what a
sidebar line says, where the search field is."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from conftest import article, write
from helpers_app import article_list, build, flat, main_screen, option_texts, press, screen_lines, settle, shown, wait_until
from reader.config import Config
from reader.layout import classes
from reader.screens.help import HelpScreen
from reader.widgets.search import SearchInput
from reader.widgets.topics import TopicList

LONG_TITLE = "Researchers Show a Language Model Can Summarise Clinical Notes Without Leaking Any Patient Names"
TOPICS = ["AI", "Natural Language Processing", "Computer Vision", "Machine Learning"]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """Articles like the real ones: long titles, long topic names, a provider each."""
    folder = tmp_path / "library"
    for n in range(12):
        topics = "\n".join(f"  - {t}" for t in (TOPICS[: 1 + n % 4]))
        write(
            folder,
            f"{n:02d}.md",
            article(
                (LONG_TITLE if n == 0 else f"Article {n} about what the week brought, told at some length for a list"),
                quality=90 - n,
                heat=40 + n,
                webUrl=f"https://news.example/{n}",
                publishedDateTime="2026-11-20T10:00:00Z",
                provider=f"\n  name: The Plain Dealer\n  domain: cleveland.example\ntopics:\n{topics}",
            ),
        )
    return folder


def first_line(app) -> str:
    return shown(article_list(app)).splitlines()[0]


def sidebar_lines(app) -> list[str]:
    return option_texts(main_screen(app).query_one(TopicList))


# -- size classes ----------------------------------------------------------------


def test_size_classes() -> None:
    assert {k for k, on in classes(200, 50).items() if on} == {"-wide"}
    assert {k for k, on in classes(120, 35).items() if on} == {"-medium"}
    assert {k for k, on in classes(100, 30).items() if on} == {"-medium"}
    assert {k for k, on in classes(80, 24).items() if on} == {"-narrow"}
    assert {k for k, on in classes(40, 12).items() if on} == {"-narrow", "-tiny"}
    assert {k for k, on in classes(120, 12).items() if on} == {"-medium", "-tiny"}


# -- 120 columns: the sidebar left, the list above the article -------------------


async def test_at_120_columns_a_title_gets_55_cells_beside_provider_and_date(library: Path, tmp_path: Path) -> None:
    app = build(library, tmp_path, config=Config(mark_read="never"))
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.has_class("-medium")
        line = first_line(app)
        title_cells = line.index("The Plain Dealer") - len("▌ 90 ") - 1
        assert title_cells >= 55, line
        assert line[5:].startswith(LONG_TITLE[:54]), line
        assert line.endswith(" 5d")  # the date column too (five days before NOW)
        # The sidebar is beside the list, the article under the list.
        topics, pane = screen.query_one(TopicList), screen.pane
        assert topics.region.right <= article_list(app).region.x
        assert pane.region.y >= article_list(app).region.bottom
        assert pane.region.x == article_list(app).region.x


async def test_the_sidebar_takes_the_width_its_names_need_up_to_a_cap(library: Path, tmp_path: Path) -> None:
    from reader.widgets.topics import CAP

    app = build(library, tmp_path, config=Config(mark_read="never"))
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        topics = main_screen(app).query_one(TopicList)
        await wait_until(pilot, lambda: len(sidebar_lines(app)) > 3)
        await settle(pilot)
        assert topics.outer_size.width <= min(CAP, 0.3 * 120)
        drawn = [line.rstrip("▕ ") for line in shown(topics).splitlines()]  # without the border
        # No name is cut: the long one wraps onto a second line instead, its
        # count at the right edge of the second line.
        assert "…" not in "".join(drawn)
        at = next(i for i, line in enumerate(drawn) if line.strip().startswith("Natural Language"))
        assert drawn[at + 1].strip().startswith("Processing") and drawn[at + 1].endswith(" 9")
        assert any(line.strip().startswith("Computer Vision") for line in drawn)
        # Every count ends at the same column.
        numbers = [line for line in drawn if line.strip()[-1:].isdigit()]
        assert len({len(line) for line in numbers}) == 1, drawn
    # With short names only, the sidebar is narrower than the cap.
    small = tmp_path / "small"
    write(small, "a.md", article("One", quality=5, topics="\n  - AI"))
    app = build(small, tmp_path / "b", config=Config(mark_read="never"))
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: any(line.startswith("AI") for line in sidebar_lines(app)))
        await settle(pilot)
        assert main_screen(app).query_one(TopicList).outer_size.width < 20


# -- the sidebar's counts ------------------------------------------------------------------


def test_counts_are_bare_until_an_article_is_read_then_unread_over_total_everywhere() -> None:
    from reader.view import Starred, Unread
    from reader.widgets.topics import counts

    topics = [("AI", 5, None), ("Computer Vision", 2, None)]
    # No state file: totals.
    assert counts(7, topics, None) == ("7", ["5", "2"])
    # Nothing read: a bare number is the total and the unread count at once.
    assert counts(7, topics, {"ai": 5, "computer vision": 2}, [(Unread(), 7), (Starred(), 0)]) == ("7", ["5", "2"])
    # One topic read through: it says 0/2, and every other topic says u/t too.
    assert counts(7, topics, {"ai": 5}, [(Unread(), 5), (Starred(), 0)]) == ("5/7", ["5/5", "0/2"])
    # Without the Unread view's count the topics still tell.
    assert counts(7, topics, {"ai": 4, "computer vision": 2}) == ("7", ["4/5", "2/2"])


async def test_a_topic_read_through_shows_0_of_its_total(library: Path, tmp_path: Path) -> None:
    app = build(library, tmp_path, config=Config(mark_read="never"))
    # Computer Vision is on articles 2, 3, 6, 7, 10 and 11; read them all.
    app.state.mark_read([f"https://news.example/{n}" for n in (2, 3, 6, 7, 10, 11)])
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: any("Vision" in line for line in sidebar_lines(app)))
        lines = sidebar_lines(app)
        assert "Computer Vision 0/6" in lines, lines
        assert "All 6/12" in lines, lines
        assert "AI 6/12" in lines, lines
        assert "Machine Learning 0/3" in lines, lines
        assert any(line.startswith("Natural Language") and line.endswith(" 3/9") for line in lines), lines


async def test_counts_are_bare_totals_while_nothing_is_read(library: Path, tmp_path: Path) -> None:
    app = build(library, tmp_path, config=Config(mark_read="never"))
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: any("Vision" in line for line in sidebar_lines(app)))
        lines = sidebar_lines(app)
        assert "Computer Vision 6" in lines and "All 12" in lines, lines


# -- small terminals ---------------------------------------------------------------


async def test_at_40x12_the_search_typed_after_t_shows(library: Path, tmp_path: Path) -> None:
    app = build(library, tmp_path, config=Config(mark_read="never"))
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        assert isinstance(app.focused, TopicList)
        await pilot.press("slash", *"plain")
        await settle(pilot)
        field = app.focused
        assert isinstance(field, SearchInput) and field.value == "plain"
        assert field.region.height == 1 and field.region.width > 0  # on screen, not laid out at nothing
        assert any("plain" in line for line in screen_lines(app)), screen_lines(app)
        # The results show under it.
        assert any("Plain Dealer" in line or "Article" in line for line in screen_lines(app)[1:])


@pytest.mark.parametrize("size", [(120, 35), (80, 24), (40, 12), (20, 6)])
async def test_every_size_shows_the_list_and_survives_its_keys(library: Path, tmp_path: Path, size: tuple[int, int]) -> None:
    app = build(library, tmp_path, config=Config(mark_read="never"))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert "Researchers" in "".join(screen_lines(app)) or size[0] < 30
        for keys in ("j", "t", "t", "enter", "G", "escape", "question_mark", "G", "escape", "i", "escape"):
            await press(pilot, keys)
        assert app.is_running


async def test_resizing_through_every_layout(library: Path, tmp_path: Path) -> None:
    app = build(library, tmp_path, config=Config(mark_read="never"))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        for size in [(170, 40), (169, 40), (120, 35), (100, 30), (99, 30), (80, 24), (40, 12), (20, 6), (1, 1), (120, 12), (200, 50)]:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            await press(pilot, "t")
            await press(pilot, "t")
        assert main_screen(app).has_class("-wide")
        assert first_line(app).startswith("▌ 90 " + LONG_TITLE[:55])


# -- the help overlay ------------------------------------------------------------------


async def test_help_scrolls_with_the_usual_keys(library: Path, tmp_path: Path) -> None:
    app = build(library, tmp_path, config=Config(mark_read="never"))
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one("#help-box")
        assert box.max_scroll_y > 10
        for key, where in [
            ("G", lambda: box.scroll_y == box.max_scroll_y),
            ("g", lambda: box.scroll_y == 0),
            ("end", lambda: box.scroll_y == box.max_scroll_y),
            ("home", lambda: box.scroll_y == 0),
            ("j", lambda: box.scroll_y == 1),
            ("k", lambda: box.scroll_y == 0),
            ("ctrl+d", lambda: box.scroll_y >= 4),
            ("ctrl+u", lambda: box.scroll_y == 0),
            ("pagedown", lambda: box.scroll_y >= 8),
            ("pageup", lambda: box.scroll_y == 0),
        ]:
            await press(pilot, key)
            assert where(), (key, box.scroll_y)


async def test_help_at_40_columns_shows_what_each_key_does(library: Path, tmp_path: Path) -> None:
    app = build(library, tmp_path, config=Config(mark_read="never"))
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        keys = app.screen.query(Static)[1]  # the keys (between the title and the foot)
        text = flat(shown(keys))
        assert "open the article's link in the browser" in text
        assert "show / hide the topic list" in text
        # Every line fits the box: nothing is cut at its right edge.
        assert all(len(line) <= keys.size.width for line in shown(keys).splitlines())
        await press(pilot, "G")
        box = app.screen.query_one("#help-box")
        assert box.scroll_y == box.max_scroll_y > 0
