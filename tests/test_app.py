"""Pilot tests: press the keys a reader would press and check what they would see.

Every app here runs on a copy of the seed articles (or a small folder made
for the test), with its cache under tmp_path, a fixed `now`, and a fake
browser: a script that records the arguments it was started with, so a test
can tell exactly which URL reached the browser and that it came as ONE
argument.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from textual.command import CommandPalette
from textual.widgets import OptionList, Static

from conftest import SEEDS, article, write
from helpers_app import (
    NOW,
    SIZE,
    Browser,
    article_list,
    build,
    flat,
    list_titles,
    option_texts,
    pane,
    pane_follows,
    pane_text,
    pane_title,
    press,
    screen_lines,
    settle,
    shown,
    start,
    wait_until,
)
from reader.screens.help import HelpScreen
from reader.screens.main import MainScreen
from reader.screens.raw import RawScreen
from reader.store import Library
from reader.widgets.article_list import ArticleList
from reader.widgets.article_view import ArticleView, RelatedList
from reader.widgets.topics import TopicList

# The first seed article by quality, and the two related links it has: one
# to another article in the seeds, one to a site outside.
TOP_TITLE = "[Analysis] Why Cloud Bills, Not Chips, May Cap the Next Wave of AI Startups"
TOP_URL = "https://harborledger.example/2026/11/analysis-cloud-bills-cap-ai-startups"
RELATED_IN_LIBRARY = (
    "Chipmaker Quarterly Results Beat Forecasts as AI Accelerator Demand From Cloud Providers, "
    "Sovereign Data Centre Projects, and Enterprise On-Premise Deployments Continues to Outpace "
    "Available Manufacturing Capacity Across Every Major Region"
)
RELATED_OUTSIDE = "https://saltmarsh.example/2026/10/smaller-models-tame-costs"


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Browser:
    return Browser(tmp_path, monkeypatch)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---", 1)[0].removeprefix("---\n"))


def seed_meta() -> list[dict]:
    return [front_matter(p) for p in sorted(SEEDS.glob("*.md"))]


def said(notices) -> list[tuple[str, str, str]]:
    return [(n.severity, n.title, n.message) for n in notices]


# -- start --------------------------------------------------------------------------


async def test_start_lists_every_article_best_first(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        assert isinstance(app.focused, ArticleList)
        articles = article_list(app)
        metas = seed_meta()
        # One row a story: the asteroid probe's arrival is reported three times
        # (the best report stands for it), every other article is alone.
        told_again = {"Tiny Asteroid Probe Ends Three-Year Cruise and Starts Six-Month Mapping",
                      "Shoebox-Sized Probe Arrives at Near-Earth Asteroid After Three-Year Cruise"}
        assert len(metas) == 48 and articles.count == 46
        assert sorted(list_titles(app)) == sorted(m["title"] for m in metas if m["title"] not in told_again)
        qualities = [row.quality for row in app.library.rows(articles.ids)]
        known = [q for q in qualities if q is not None]
        assert known == sorted(known, reverse=True)
        assert qualities[len(known) :] == [None] * (len(qualities) - len(known))
        assert len(known) == sum(1 for m in metas if m.get("quality") is not None and m["title"] not in told_again)
        # The top row on screen is the best article, with its score.
        first_line = shown(articles).splitlines()[0]
        assert "160" in first_line and "[Analysis] Why Cloud" in first_line
        assert "All · 46" in flat(shown(app.screen.query_one("#list-header", Static)))


async def test_start_topic_sidebar_counts(seeds: Path, tmp_path: Path) -> None:
    counts: dict[str, int] = {}
    for meta in seed_meta():
        for topic in meta.get("topics") or []:
            counts[topic] = counts.get(topic, 0) + 1
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        shown_topics = option_texts(app.screen.query_one(TopicList))
        assert shown_topics[0] == "All 48"  # articles: the sidebar counts every report
        # Then the Unread and Starred views, then the topics ("unread/total" once some are read).
        assert shown_topics[1].startswith("Unread ") and shown_topics[2] == "Starred 0"
        totals = [(text.rsplit(" ", 1)[0], text.rsplit(" ", 1)[1].split("/")[-1]) for text in shown_topics[3:]]
        assert sorted(f"{name} {count}" for name, count in totals) == sorted(f"{name} {count}" for name, count in counts.items())
        # Most articles first.
        numbers = [int(count) for _, count in totals]
        assert numbers == sorted(numbers, reverse=True)


async def test_start_pane_shows_the_first_article(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        assert pane_title(app) == TOP_TITLE
        text = pane_text(app)
        assert "Harbor Ledger" in text
        assert "Topics AI, Policy" in text
        assert "Founders describe compute costs that grow faster than revenue" in text
        assert "The margin problem" in text  # the body's heading
        assert "Every new user is a small loss" in text  # and its text
        assert "Related (2)" in text
        related = flat(shown(pane(app).query_one(RelatedList)))
        assert related.startswith("1. Chipmaker Quarterly Results")
        assert "2. Startups Try Smaller Models to Tame Costs" in related
        # The secured payload is never shown, only that there is one (on the details line).
        assert "secured payload" in text


async def test_footer_offers_open_copy_and_raw_from_the_start(seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = build(seeds, tmp_path)
    ids = app.library.ids

    def slow_ids(*args, **kwargs):
        # As with a big library: the list fills after the footer was drawn
        # (without this the test races the footer and passes now and then).
        time.sleep(0.4)
        return ids(*args, **kwargs)

    monkeypatch.setattr(app.library, "ids", slow_ids)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)

        def footer_offers() -> bool:
            footer = screen_lines(app)[-1]
            return all(word in footer for word in ("Read", "Open", "Search", "Star"))

        await wait_until(pilot, footer_offers, timeout=5, what=screen_lines(app)[-1])


async def test_the_whole_cursor_row_is_highlighted(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        strip = article_list(app).render_line(0)
        backgrounds = {seg.style.bgcolor for seg in strip if seg.text.strip() and seg.style}
        assert len(backgrounds) == 1, backgrounds


# -- moving ------------------------------------------------------------------------


async def test_keys_move_the_cursor_and_the_pane_follows(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        titles = list_titles(app)
        articles = article_list(app)
        last = len(titles) - 1
        page = articles.size.height - 1
        half = articles.size.height // 2
        for key, expected in [
            ("j", 1),
            ("j", 2),
            ("k", 1),
            ("down", 2),
            ("up", 1),
            ("G", last),
            ("g", 0),
            ("ctrl+d", half),
            ("ctrl+d", 2 * half),
            ("ctrl+u", half),
            ("ctrl+u", 0),
            ("k", 0),  # stays on the first
            ("pagedown", page),
            ("end", last),
            ("pagedown", last),  # stops on the last
            ("j", last),
            ("pageup", last - page),
            ("g", 0),
            ("ctrl+b", 0),  # stops on the first
            ("ctrl+f", page),
            ("home", 0),
            ("end", last),
        ]:
            await pilot.press(key)
            assert articles.cursor == expected, key
            await pane_follows(pilot)  # once the cursor rests
            assert pane_title(app) == titles[expected], key
        await settle(pilot)
        assert pane_title(app) == titles[last]
        assert pane(app).article is not None and pane(app).article.title == titles[last]
        assert isinstance(app.focused, ArticleList)


async def test_keys_act_on_the_article_under_the_cursor_before_the_pane_catches_up(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.screens.main

    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        monkeypatch.setattr(reader.screens.main, "PANE_DELAY", 30.0)  # a pane that has not caught up yet
        first, second = app.library.rows(article_list(app).ids[:2])
        await pilot.press("j")
        assert pane_title(app) == first.title  # still showing the article the cursor left
        await pilot.press("y")
        assert app.clipboard == second.url
        assert pane_title(app) == second.title  # the key brought the pane along


async def test_a_late_body_load_does_not_replace_the_highlighted_article(seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reader.parse
    from reader.widgets import article_view

    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        first, second, third = app.library.rows(article_list(app).ids[:3])
        started, release, hold_third = threading.Event(), threading.Event(), threading.Event()
        parse_file = reader.parse.parse_file

        def slow_parse(path, *args, **kwargs):  # a slow disk, for two files
            if path == second.path:
                started.set()
                release.wait(5)
            elif path == third.path:
                hold_third.wait(5)
            return parse_file(path, *args, **kwargs)

        monkeypatch.setattr(reader.parse, "parse_file", slow_parse)
        read_article, second_read = article_view.read_article, threading.Event()

        def reading(library, path, row, full_texts=None):
            try:
                return read_article(library, path, row, full_texts)
            finally:
                if path == second.path:
                    second_read.set()

        monkeypatch.setattr(article_view, "read_article", reading)
        view = pane(app)
        show_row = view.show_row

        def show_row_then_finish_the_old_load(row) -> None:
            show_row(row)
            if row.id == third.id:  # the cursor is on the third: let the second's load end now
                release.set()
                assert second_read.wait(5)

        monkeypatch.setattr(view, "show_row", show_row_then_finish_the_old_load)
        try:
            await pilot.press("j")
            await wait_until(pilot, started.is_set)
            await pilot.press("j")
            assert article_list(app).cursor == 2
            # the pane moves on to the third (and lets the second's load end)
            await wait_until(pilot, lambda: view.row is not None and view.row.id == third.id)
            await pilot.press("y")
            assert app.clipboard == third.url
            assert pane_title(app) == third.title
        finally:
            release.set()
            hold_third.set()
            await settle(pilot)


async def test_the_cursor_row_stays_on_screen(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=(120, 20)) as pilot:
        await start(pilot)
        articles = article_list(app)
        titles = list_titles(app)
        await pilot.press("G")
        assert titles[-1][:20] in shown(articles).splitlines()[-1]
        await pilot.press("g")
        assert titles[0][:20] in shown(articles).splitlines()[0]


async def test_click_selects_a_row_and_double_click_reads(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        titles = list_titles(app)
        await pilot.click(ArticleList, offset=(10, 4))
        await settle(pilot)
        assert article_list(app).cursor == 4
        assert pane_title(app) == titles[4]
        assert app.screen.maximized is None
        await pilot.click(ArticleList, offset=(10, 6), times=2)
        await settle(pilot)
        assert article_list(app).cursor == 6
        assert pane_title(app) == titles[6]
        assert isinstance(app.screen.maximized, ArticleView)


async def test_tab_moves_focus_between_panes(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            seen.append(type(app.focused))
        assert seen == [ArticleView, RelatedList, TopicList, ArticleList]
        seen = []
        for _ in range(4):
            await pilot.press("shift+tab")
            seen.append(type(app.focused))
        assert seen == [TopicList, RelatedList, ArticleView, ArticleList]


# -- topics ------------------------------------------------------------------------


async def choose_topic(pilot, name: str) -> None:
    app = pilot.app
    await pilot.press("shift+tab")
    topics = app.screen.query_one(TopicList)
    assert app.focused is topics
    await pilot.press("g")
    texts = option_texts(topics)
    index = next(i for i, text in enumerate(texts) if text.rsplit(" ", 1)[0] == name)
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)


async def test_choosing_a_topic_filters_the_list(seeds: Path, tmp_path: Path) -> None:
    expected = sorted(m["title"] for m in seed_meta() if "Space" in (m.get("topics") or []))
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await choose_topic(pilot, "Space")
        articles = article_list(app)
        assert len(expected) == 7 and articles.count == 5  # three reports of one story: one row
        assert set(list_titles(app)) < set(expected)
        assert all("Space" in row.topics for row in app.library.rows(articles.ids))
        assert flat(shown(app.screen.query_one("#list-header", Static))).startswith("Space · 5")
        assert isinstance(app.focused, ArticleList)
        assert pane_title(app) == list_titles(app)[0]

        await choose_topic(pilot, "All")
        assert article_list(app).count == 46
        assert flat(shown(app.screen.query_one("#list-header", Static))).startswith("All · 46")


async def test_a_topic_named_like_the_unread_view_opens_that_topic(tmp_path: Path) -> None:
    """The sidebar's entries are values: a topic whose name is "\\0unread" (the
    string that used to stand for the Unread view) is a topic like any other."""
    folder = tmp_path / "news"
    write(folder, "odd.md", article("Oddly tagged", quality=20, topics=r'["\0unread"]'))
    write(folder, "plain.md", article("Plain", quality=10, topics="[Other]"))
    app = build(folder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        entries = [text.rsplit(" ", 1)[0] for text in option_texts(app.screen.query_one(TopicList))]
        assert entries[:3] == ["All", "Unread", "Starred"] and "unread" in entries[3:]
        await choose_topic(pilot, "unread")  # the topic, shown without its NUL
        assert list_titles(app) == ["Oddly tagged"]
        assert flat(shown(app.screen.query_one("#list-header", Static))).startswith("unread · 1")


# -- reading -------------------------------------------------------------------------


async def test_enter_reads_full_screen_and_escape_or_backspace_go_back(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        for back in ("escape", "backspace"):
            await pilot.press("enter")
            view = pane(app)
            assert app.screen.maximized is view
            assert app.focused is view
            assert pane_title(app) == TOP_TITLE
            await pilot.press(back)
            assert app.screen.maximized is None
            assert isinstance(app.focused, ArticleList)
            assert pane_title(app) == TOP_TITLE


async def test_keys_scroll_the_article_while_reading(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=(120, 24)) as pilot:
        await start(pilot)
        await pilot.press("enter")
        view = pane(app)
        await pilot.press("j", "j", "ctrl+d")
        assert view.scroll_y > 2
        assert article_list(app).cursor == 0  # the list did not move under the article
        await pilot.press("G")
        assert view.scroll_y == view.max_scroll_y > 0
        await pilot.press("g")
        assert view.scroll_y == 0


# -- related links ------------------------------------------------------------------


async def test_related_link_in_library_opens_inside_reader(seeds: Path, tmp_path: Path, browser: Browser) -> None:
    app = build(seeds, tmp_path, browser)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press(pilot, "1")
        assert pane_title(app) == RELATED_IN_LIBRARY
        assert "Revenue rose sharply again" in pane_text(app)
        assert isinstance(app.screen.maximized, ArticleView)
        assert pane(app).history == []  # followed from the list: back is the list
        await press(pilot, "escape")  # back where the link was followed: the list, its cursor and its pane
        assert app.screen.maximized is None
        assert isinstance(app.focused, ArticleList)
        assert article_list(app).cursor == 0
        assert pane_title(app) == TOP_TITLE
    browser.assert_not_started()


async def test_related_links_can_be_followed_two_deep(seeds: Path, tmp_path: Path, browser: Browser) -> None:
    # The 2nd article links (2) to the 1st, which links (1) to the Chipmaker one.
    app = build(seeds, tmp_path, browser)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press(pilot, "j")
        second = pane_title(app)
        assert second.startswith("Regional Regulators")
        await press(pilot, "2")  # from the list: read full screen
        assert pane_title(app) == TOP_TITLE
        await press(pilot, "1")  # from inside that article
        assert pane_title(app) == RELATED_IN_LIBRARY
        assert len(pane(app).history) == 1
        await press(pilot, "escape")  # back to the article the link was in
        assert pane_title(app) == TOP_TITLE
        assert isinstance(app.screen.maximized, ArticleView)
        await press(pilot, "backspace")  # back to the list, where the first link was followed
        assert app.screen.maximized is None
        assert article_list(app).cursor == 1
        assert pane_title(app) == second
    browser.assert_not_started()


async def test_related_link_outside_goes_to_the_browser(seeds: Path, tmp_path: Path, browser: Browser, notices) -> None:
    app = build(seeds, tmp_path, browser)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press(pilot, "2")
        assert browser.wait_for(1) == [[RELATED_OUTSIDE]]
        assert pane_title(app) == TOP_TITLE
        assert app.screen.maximized is None
        assert ("information", "Opened in the browser", RELATED_OUTSIDE) in said(notices)


async def test_enter_on_a_related_item_follows_it(seeds: Path, tmp_path: Path, browser: Browser) -> None:
    app = build(seeds, tmp_path, browser)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("tab", "tab")
        related = app.screen.query_one(RelatedList)
        assert app.focused is related
        await pilot.press("down", "down")  # the second item: outside the library
        assert related.highlighted == 1
        await press(pilot, "enter")
        assert browser.wait_for(1) == [[RELATED_OUTSIDE]]
        assert pane_title(app) == TOP_TITLE
        await pilot.press("up")
        assert related.highlighted == 0
        await press(pilot, "enter")  # the first: one of ours
        assert pane_title(app) == RELATED_IN_LIBRARY
        assert isinstance(app.screen.maximized, ArticleView)
        await press(pilot, "escape")
        assert pane_title(app) == TOP_TITLE
    assert len(browser.calls()) == 1


async def test_a_missing_related_number_only_says_so(seeds: Path, tmp_path: Path, browser: Browser, notices) -> None:
    app = build(seeds, tmp_path, browser)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press(pilot, "5")
        assert any(severity == "warning" and "5" in message for severity, _, message in said(notices))
        assert pane_title(app) == TOP_TITLE
        assert app.screen.maximized is None
        assert pane(app).history == []
        # An article with no related links at all.
        titles = list_titles(app)
        target = titles.index("Small Probe Reaches Near-Earth Asteroid After Three-Year Cruise")
        article_list(app).move_to(target)
        await settle(pilot)
        assert pane_title(app) == titles[target]
        await press(pilot, "1")
        assert any("no related links" in message for _, _, message in said(notices))
        assert pane_title(app) == titles[target]
    browser.assert_not_started()


async def test_related_items_in_the_library_are_marked(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        related = flat(shown(app.screen.query_one(RelatedList)))
        first, second = related.split(" 2. ", 1)
        assert "in library" in first
        assert "in library" not in second


# -- links: open and copy -----------------------------------------------------------


async def test_o_opens_the_web_url_else_the_original_url(tmp_path: Path, browser: Browser, notices) -> None:
    folder = tmp_path / "news"
    write(folder, "a.md", article("Both links", quality=90, webUrl="https://web.example/a", originalUrl="https://orig.example/a"))
    write(folder, "b.md", article("Original only", quality=80, originalUrl="https://orig.example/b"))
    write(folder, "c.md", article("No link", quality=70))
    app = build(folder, tmp_path, browser)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press(pilot, "o")
        assert browser.wait_for(1) == [["https://web.example/a"]]
        await press(pilot, "j", "o")
        assert browser.wait_for(2)[1] == ["https://orig.example/b"]
        await press(pilot, "j", "o")
        assert any(severity == "error" and "no link" in message for severity, _, message in said(notices))
    assert len(browser.launched) == 2  # the third had no link: no browser


@pytest.mark.parametrize(
    "url",
    [
        "https://x.example/a;touch${IFS}pwned",
        "https://x.example/$(touch${IFS}pwned)",
        "https://x.example/`touch${IFS}pwned`",
        "https://x.example/a&&touch${IFS}pwned|tee${IFS}pwned2>pwned3",
        "https://x.example/a'\"$HOME\"'",
    ],
)
async def test_o_hands_shell_syntax_over_as_one_plain_argument(tmp_path: Path, browser: Browser, monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)  # where a shell would have made its files
    folder = tmp_path / "news"
    write(folder, "a.md", article("Shell", webUrl=json.dumps(url)))
    app = build(folder, tmp_path, browser)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press(pilot, "o")
        assert browser.wait_for(1) == [[url]]
    assert browser.launched == [[str(browser.script), url]]  # no shell between: nothing else ran
    assert list(work.iterdir()) == []
    assert not [p for p in tmp_path.rglob("pwned*")]


async def test_o_refuses_links_that_are_not_http(tmp_path: Path, browser: Browser, notices) -> None:
    refused = [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "file:///etc/passwd",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "www.example.com/no-scheme",
        "//example.com/scheme-relative",
        "https://",
    ]
    folder = tmp_path / "news"
    for n, url in enumerate(refused):
        write(folder, f"{n}.md", article(f"Link {n}", quality=90 - n, webUrl=json.dumps(url)))
    app = build(folder, tmp_path, browser)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        for n, url in enumerate(refused):
            await pane_follows(pilot)  # once the cursor rests
            assert pane_title(app) == f"Link {n}"
            before = len(said(notices))
            await pilot.press("o")
            new = said(notices)[before:]
            assert [severity for severity, _, _ in new] == ["error"], url
            assert "refused" in new[0][2], url
            await pilot.press("j")
    browser.assert_not_started()


async def test_y_copies_the_link(seeds: Path, tmp_path: Path, browser: Browser, notices, monkeypatch: pytest.MonkeyPatch) -> None:
    # No clipboard tool here: the link goes to the terminal's clipboard, and the notice says only that.
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    app = build(seeds, tmp_path, browser)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press(pilot, "y")
        assert app.clipboard == TOP_URL
        assert any(title == "Link sent to the terminal's clipboard (OSC 52)" for _, title, _ in said(notices))
        assert not any(title == "Link copied" for _, title, _ in said(notices))
    browser.assert_not_started()


# -- raw, help, quit ------------------------------------------------------------------


async def test_i_shows_the_raw_fields_without_the_secured_payload(seeds: Path, tmp_path: Path) -> None:
    payload = front_matter(seeds / "2026-11-05-analysis-cloud-bills-cap-ai-startups.md")["secured"]
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press(pilot, "i")  # read in a worker
        assert isinstance(app.screen, RawScreen)
        raw = shown(app.screen.query_one("#raw-text", Static))
        # As the file has it, quotes and all (test_pane checks it line for line).
        assert f'title: "{TOP_TITLE}"' in raw
        assert 'webUrl: "' + TOP_URL + '"' in raw
        assert "quality: 160" in raw
        assert "topics:" in raw and "- AI" in raw
        assert re.search(r"secured: <encrypted payload, \d+ characters, not shown>", raw)
        everything = "".join(shown(w) for w in app.screen.query(Static)) + app.export_screenshot()
        compact = re.sub(r"\s+", "", everything)
        for piece in (payload[:32], payload[-32:], payload.split(";")[1]):
            assert piece not in compact
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_help_lists_the_keys_and_escape_closes_it(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = flat("\n".join(shown(w) for w in app.screen.query(Static)))
        for key in ("j / k", "g / G", "ctrl+d / ctrl+u", "tab / shift+tab", "Enter", "Esc / Backspace", "1 … 9", "o", "y", "i", "t", "ctrl+p", "q"):
            assert key in text, key
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.is_running


async def test_q_closes_the_help_as_it_says(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, MainScreen)


async def test_q_quits_with_status_zero(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running
    assert app.return_code == 0


# -- command palette ----------------------------------------------------------------


async def palette_choose(pilot, typed: str, wanted: str) -> None:
    """Open the palette, type, wait for an option starting with ``wanted`` and choose it."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*typed)
    results = app.screen.query_one("CommandList", OptionList)

    def found() -> int | None:
        return next((i for i, text in enumerate(option_texts(results)) if text.startswith(wanted)), None)

    await wait_until(pilot, lambda: found() is not None, timeout=10, what=f"{wanted!r} not offered")
    results.highlighted = found()
    await pilot.press("enter")
    await settle(pilot)


async def test_palette_offers_topics(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await palette_choose(pilot, "space", "Topic: Space (7)")
        assert isinstance(app.screen, MainScreen)
        assert article_list(app).count == 5
        assert all("Space" in row.topics for row in app.library.rows(article_list(app).ids))
        assert flat(shown(app.screen.query_one("#list-header", Static))).startswith("Space · 5")


async def test_palette_finds_an_article_by_title(seeds: Path, tmp_path: Path) -> None:
    title = "Robot Lawnmowers Get Smarter About Hedgehogs"
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await palette_choose(pilot, "hedgehog", title)
        assert isinstance(app.screen, MainScreen)
        assert pane_title(app) == title
        assert app.is_running


async def test_palette_lists_the_app_actions(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await palette_choose(pilot, "keys", "Keys: every key")
        assert isinstance(app.screen, HelpScreen)


async def test_palette_keys_count_no_topics_and_ask_by_name(seeds: Path, tmp_path: Path) -> None:
    """The topics come from the sidebar (a full count of topics per key took
    0.2-0.4 s at 100k articles); titles are searched with named arguments."""
    from reader.config import Config

    app = build(seeds, tmp_path, config=Config(mark_read="never"))  # no recount of the sidebar meanwhile
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        library = app.library
        counted, searched = [], []
        topics, search = library.topics, library.search
        library.topics = lambda *args, **kwargs: counted.append((args, kwargs)) or topics(*args, **kwargs)
        library.search = lambda *args, **kwargs: searched.append((args, kwargs)) or search(*args, **kwargs)
        await pilot.press("ctrl+p", *"space")
        results = app.screen.query_one("CommandList", OptionList)
        await wait_until(pilot, lambda: any(text.startswith("Topic: Space (7)") for text in option_texts(results)))
        assert searched  # titles, for the keys typed
        assert counted == []
        assert all(len(args) == 1 and kwargs == {"limit": 20, "prefix_last": True} for args, kwargs in searched)


# -- text from files is data ----------------------------------------------------------

EVIL_TITLE = "[bold red]x[/] [link=https://evil.example]y[/link]"
# YAML double-quoted escapes: \e is ESC, \a is BEL, \x9b is the C1 CSI.
EVIL_FIELDS = dict(
    quality=99,
    excerpt=r'"calm\e[2Jwiped \x9b31m red \u202eexe.txt \e]0;pwned\a done"',
    webUrl="https://evil.example/a",
    provider=r'{name: "Prov\e]0;pwned\aider [i]x[/i]", domain: evil.example}',
    topics=r'["Top\e[31mic [b]y[/b]", "Plain"]',
    related=r'[{title: "Rel\e]8;;https://evil.example\e\\link\u202e [u]z[/u]", webUrl: "https://evil.example/r"}]',
    body="Body \x1b[2J text \x9b1m with \u202e bidi and [bold]markup[/bold] and \x07 bell.",
)
UNSAFE = ("\x1b", "\x9b", "\x07", "\u202e", "\x00", "&#27;", "&#x1b;", "&#155;", "&#x9b;")


async def test_text_from_files_is_shown_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    write(folder, "evil.md", article(EVIL_TITLE, **EVIL_FIELDS))
    write(folder, "plain.md", article("Plain article", quality=10))
    app = build(folder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        assert pane_title(app) == EVIL_TITLE
        svg = app.export_screenshot()
        for char in UNSAFE:
            assert char not in svg, repr(char)
        screen = "\n".join(screen_lines(app))
        assert "[bold red]x[/]" in screen  # in the list and the pane
        assert "[link=https://evil.example]y[/link]" in screen
        assert "[i]x[/i]" in screen  # the provider
        assert "[b]y[/b]" in screen  # the topic, in the sidebar and the pane
        assert "[bold]markup[/bold]" in screen  # the body
        assert "[u]z[/u]" in screen  # the related title
        assert "calmwiped" in screen and "done" in screen  # the text around the controls stays
        assert "pwned" not in screen  # a window title is dropped with its command
        # Reading, raw view, help and the palette: still no control characters.
        for keys in (["enter"], ["escape", "i"], ["escape", "ctrl+p", *"bold"]):
            await press(pilot, *keys)
            if isinstance(app.screen, CommandPalette):  # its search runs in tasks of its own
                await wait_until(pilot, lambda: any("[bold red]x[/]" in line for line in screen_lines(app)))
            svg = app.export_screenshot()
            for char in UNSAFE:
                assert char not in svg, (keys, repr(char))
        assert isinstance(app.screen, CommandPalette)


# -- sizes ---------------------------------------------------------------------------


async def test_80x24_stacks_the_panes_and_t_shows_the_topics(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        articles, view, topics = article_list(app), pane(app), app.screen.query_one(TopicList)
        assert not topics.display or topics.region.area == 0
        assert articles.region.width > 60 and view.region.width > 60
        assert articles.region.bottom <= view.region.y  # the list above the article
        assert articles.region.height >= 5 and view.region.height >= 5
        assert pane_title(app) == TOP_TITLE
        await pilot.press("j")
        await pane_follows(pilot)
        assert pane_title(app) == list_titles(app)[1]

        await pilot.press("t")
        # The topics take the list's place (only 4 rows of them, under the article's 17).
        assert topics.region.height >= 4 and topics.region.width > 60
        assert articles.region.area == 0
        assert app.focused is topics
        await pilot.press("down", "down", "down", "down")  # past Unread and Starred
        await pilot.press("enter")  # choosing hides the topics again
        await settle(pilot)
        assert articles.region.height > 0 and topics.region.area == 0
        assert article_list(app).count == 9  # Policy
        await pilot.press("t", "t")
        assert topics.region.area == 0
        assert app.focused is articles

        await pilot.press("enter")
        assert app.screen.maximized is view
        assert view.region.height >= 20
        await pilot.press("escape")
        assert app.screen.maximized is None
        assert app.is_running


@pytest.mark.parametrize("size", [(20, 6), (10, 3)])
async def test_tiny_terminals_do_not_crash(seeds: Path, tmp_path: Path, browser: Browser, size: tuple[int, int]) -> None:
    app = build(seeds, tmp_path, browser)
    async with app.run_test(size=size) as pilot:
        await start(pilot)
        await pilot.press("j", "G", "ctrl+u", "enter")
        await settle(pilot)
        await pilot.press("j", "ctrl+d", "1", "escape", "escape", "t", "tab", "t", "question_mark", "escape", "i", "escape", "shift+tab", "escape", "k")
        await settle(pilot)
        app.export_screenshot()
        assert app.is_running
        assert isinstance(app.screen, MainScreen)


async def test_tiny_terminal_shows_the_list_then_the_article(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=(20, 6)) as pilot:
        await start(pilot)
        articles, view = article_list(app), pane(app)
        assert articles.region.area > 0
        assert view.region.area == 0
        await press(pilot, "enter")
        assert view.region.area > 0
        assert app.focused is view
        await press(pilot, "escape")
        assert articles.region.area > 0 and view.region.area == 0
        assert app.focused is articles


async def test_resizing_while_pressing_keys(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        steps = [((80, 24), "j"), ((50, 14), "enter"), ((20, 6), "k"), ((10, 3), "escape"), ((1, 1), "t"), ((20, 6), "t"), ((49, 13), "ctrl+d"), ((120, 40), "g")]
        for size, key in steps:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.press(key)
        await pilot.press("escape", "escape", "j")
        await settle(pilot)
        assert app.is_running
        assert app.screen.maximized is None
        articles, view = article_list(app), pane(app)
        assert articles.region.width > 20 and view.region.width > 20
        assert pane_title(app) == list_titles(app)[articles.cursor] == list_titles(app)[1]
        app.export_screenshot()


async def test_shrinking_while_reading_keeps_the_article(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await press(pilot, "enter")
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert pane(app).region.area > 0
        assert TOP_TITLE[:20] in "\n".join(screen_lines(app))


async def test_growing_while_reading_keeps_the_article(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=(20, 6)) as pilot:
        await start(pilot)
        await press(pilot, "enter")
        for size in [(80, 24), (120, 40)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert pane(app).region.area > 0, size
            assert pane_title(app) == TOP_TITLE
        await press(pilot, "escape")
        assert isinstance(app.focused, ArticleList)
        assert article_list(app).region.area > 0


# -- bad files -----------------------------------------------------------------------


async def test_a_broken_file_does_not_hide_the_good_ones(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    write(folder, "good-1.md", article("Good one", quality=50))
    write(folder, "broken.md", "---\ntitle: [unclosed\nquality: : :\n---\nbody\n")
    write(folder, "good-2.md", article("Good two", quality=40))
    write(folder, "empty.md", "")
    write(folder, "binary.md", b"\xff\xfe\x00\x01garbage")
    app = build(folder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        assert list_titles(app) == ["Good one", "Good two"]
        assert pane_title(app) == "Good one"
        await press(pilot, "j", "enter")
        assert pane_title(app) == "Good two"
        assert app.is_running


async def test_a_file_deleted_after_indexing(tmp_path: Path, browser: Browser, notices) -> None:
    folder = tmp_path / "news"
    write(folder, "a.md", article("Stays", quality=50))
    gone = write(folder, "b.md", article("Goes away", quality=40, webUrl="https://gone.example/b"))
    # Not watching the folder: the file must vanish under the app's feet.
    app = build(folder, tmp_path, browser, watch=False)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        gone.unlink()
        await press(pilot, "j")
        assert "can no longer be read" in pane_text(app)
        await press(pilot, "enter")
        await press(pilot, "1")
        assert any("no related links" in message for _, _, message in said(notices))
        await press(pilot, "i")
        assert isinstance(app.screen, RawScreen)
        assert "cannot be read" in shown(app.screen.query_one("#raw-text", Static))
        await press(pilot, "escape")
        await press(pilot, "escape", "k")
        assert pane_title(app) == "Stays"
        assert app.is_running


# -- the first run -------------------------------------------------------------------


def many_articles(folder: Path, total: int) -> None:
    folder.mkdir()
    for n in range(total):
        (folder / f"{n:04d}.md").write_text(article(f"Generated article {n:04d}", quality=n % 100, topics=f"[T{n % 7}]", body=f"Body {n}."), encoding="utf-8")


async def test_first_run_fills_the_list_and_keys_work_meanwhile(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    total = 600
    many_articles(folder, total)
    # Hold the index refresh at its first progress report, so the keys below
    # are certainly pressed while it runs. One worker: parsed in-process
    # (the worker-process path is the next test).
    gate = threading.Event()
    library = Library([folder], cache_dir=tmp_path / "cache", workers=1)
    refresh = library.refresh

    def held_refresh(progress=None, cancelled=None):
        def report(done: int, todo: int) -> None:
            if progress is not None:
                progress(done, todo)
            if done == 0 and todo:
                gate.wait(30)

        return refresh(progress=report, cancelled=cancelled)

    library.refresh = held_refresh
    app = build(folder, tmp_path, library=library)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            # until the refresh is held at its first report
            await wait_until(pilot, lambda: screen.query_one("#progress").display)
            assert any(w.is_running and w.group == "refresh" for w in app.workers)
            assert "indexing" in flat(shown(screen.query_one("#list-header", Static)))
            assert "Indexing articles" in shown(article_list(app))
            assert screen.query_one("#progress").display
            await pilot.press("j", "k", "G", "g", "enter", "escape", "t", "t", "o", "1", "i")
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert app.screen is screen
            gate.set()
            await settle(pilot)
            assert article_list(app).count == total
            assert "indexing" not in flat(shown(screen.query_one("#list-header", Static)))
            assert not screen.query_one("#progress").display
            assert pane_title(app) in {f"Generated article {n:04d}" for n in range(99, total, 100)}  # quality 99
            assert option_texts(screen.query_one(TopicList))[0] == f"All {total}"
            await pilot.press("G")
            assert article_list(app).cursor == total - 1
    finally:
        gate.set()
        library.close()


FIRST_RUN = """
import asyncio, sys
from datetime import datetime, timezone
from reader.app import make_app
from reader.store import Library

async def main():
    library = Library([sys.argv[1]], cache_dir=sys.argv[2], workers=2)
    app = make_app([sys.argv[1]], now=datetime(2026, 11, 25, 12, tzinfo=timezone.utc), library=library)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(600):  # until the index is built and listed (a minute at most)
            await pilot.pause(0.1)
            if not app.screen.indexing and app.screen.query_one("ArticleList").count:
                break
        print("count", app.screen.query_one("ArticleList").count)

asyncio.run(main())
"""


def test_first_run_with_worker_processes(tmp_path: Path) -> None:
    # In a fresh interpreter: the bug only shows while multiprocessing's
    # resource tracker is not yet running, which other tests may have started.
    folder = tmp_path / "many"
    many_articles(folder, 600)
    done = subprocess.run(
        [sys.executable, "-c", FIRST_RUN, str(folder), str(tmp_path / "cache")],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "count 600" in done.stdout


async def test_second_run_uses_the_cache(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
    app.library.close()
    (seeds / "2026-11-05-analysis-cloud-bills-cap-ai-startups.md").unlink()
    again = build(seeds, tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await start(pilot)
        assert article_list(again).count == 45
        assert pane_title(again) != TOP_TITLE


# -- dates -----------------------------------------------------------------------------


async def test_pane_dates_use_the_apps_now(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    when = (NOW - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    write(folder, "a.md", article("Three hours old", publishedDateTime=when))
    app = build(folder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        assert "3h" in shown(article_list(app))
        assert "(3 hours ago)" in pane_text(app)


async def test_a_list_read_while_the_app_started_is_in_its_first_frame(seeds: Path, tmp_path: Path) -> None:
    """`reader` reads the first list while Textual loads (Library.prefetch);
    the screen shows it at once, without a worker, then counts the sidebar."""
    from reader.config import Config, apply_config
    from reader.query import Query

    with Library([seeds], cache_dir=tmp_path / "cache") as warm:
        warm.refresh()
    library = Library([seeds], cache_dir=tmp_path / "cache")
    first = apply_config(Query(), Config())
    library.prefetch(first, sort=first.sort, grouped=Config().group_stories)
    from reader.messages import ListLoaded

    app = build(seeds, tmp_path, library=library, watch=False)
    posted: list[object] = []
    async with app.run_test(size=SIZE, message_hook=posted.append) as pilot:
        articles = article_list(app)
        await start(pilot)
        assert articles.count == 46
        assert not [m for m in posted if isinstance(m, ListLoaded)]  # no worker was asked for it
        assert option_texts(app.screen.query_one(TopicList))[0] == "All 48"
        assert "160" in shown(articles).splitlines()[0]
