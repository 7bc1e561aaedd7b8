"""The article pane as a reader sees it: the story near the top (metadata
in a few lines, details in one), body links numbered and followable, back
to the same place in an article, the raw front matter exactly as written,
and the links screen (l)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widgets import Static

from conftest import SEEDS, write
from helpers_app import build, main_screen, pane, pane_text, pane_title, press, screen_lines, settle, shown, wait_until
from reader.config import Config
from reader.widgets.article_view import RelatedList

TOP_TITLE = "[Analysis] Why Cloud Bills, Not Chips, May Cap the Next Wave of AI Startups"
SMALLER_MODELS = "https://saltmarsh.example/2026/10/smaller-models-tame-costs"
IMAGE_URL = "https://miro.medium.com/max/730/0*K2hTcclvkZAbCzkZ-a-long-image-address-that-wraps.jpg"
REAL_NAME = "2019-12-26-data-science-vs-artificial-intelligence-eliminate-your-doubts.md"
REAL = f"""---
category: news
title: "Data Science vs Artificial Intelligence — Eliminate your Doubts"
excerpt: "While Data Science makes use of Artificial Intelligence in its operations, it does not completely represent AI."
publishedDateTime: 2019-12-26T00:00:00Z
webUrl: https://medium.com/quick-code/data-science-vs-artificial-intelligence-eliminate-your-doubts-912b3b2c805
ampWebUrl: https://medium.com/amp/p/912b3b2c805
cdnAmpWebUrl: https://medium-com.cdn.ampproject.org/c/s/medium.com/amp/p/912b3b2c805
type: article
quality: 167
heat: 167
published: true

provider:
  name: Medium
  domain: medium.com

topics:
  - AI
  - Machine Learning

images:
  - url: {IMAGE_URL}
    width: 730
    height: 365

secured: "eOM/njCZfkEsiMH2eG42kbbBaaWYDwykpUXzi+u1nKc37J81MASgYSMKTCc1BDoqk7VxllDHb9O74MKctKbZtKhWCM==;WqvfEs+wG7ab8z7t0pF/RA=="
---
"""


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture
def real(tmp_path: Path) -> Path:
    folder = tmp_path / "real"
    write(folder, REAL_NAME, REAL)
    return folder


def never() -> Config:
    return Config(mark_read="never")


# -- the pane's order: title, a few lines of metadata, the excerpt ------------------


async def test_a_real_article_shows_its_excerpt_under_three_lines_of_metadata(real: Path, tmp_path: Path) -> None:
    app = build(real, tmp_path, config=never())
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        view = pane(app)
        top = view.content_region.y
        excerpt = view.query_one("#article-excerpt", Static)
        meta = view.query_one("#article-meta", Static)
        assert meta.region.height <= 3
        # Title, a blank line, the metadata, a blank line: the excerpt is on the pane's 8th row at most.
        assert excerpt.region.y - top <= 7, (excerpt.region.y, top)
        lines = shown(meta).splitlines()
        assert lines[0] == "Medium (medium.com) · 2019-12-26 (6 years ago) · quality 167 · heat 167"
        assert lines[1] == "Topics AI, Machine Learning"
        details = lines[2]
        assert details.startswith("1 image · AMP · secured payload · article / news · file 2019-12-26-data-science")
        assert details.endswith("…-doubts.md")  # the name cut in its middle, to fit the line
        text = pane_text(app)
        assert IMAGE_URL[:30] not in text and "ampproject" not in text and "eOM/nj" not in text
        assert "While Data Science makes use of Artificial Intelligence" in text


async def test_the_metadata_does_not_move_when_the_file_has_been_read(real: Path, tmp_path: Path) -> None:
    """The list's row is shown first: its lines are those the article gets."""
    app = build(real, tmp_path, config=never())
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        view = pane(app)
        loaded = view.query_one("#article-excerpt", Static).region
        view.show_row(view.row)
        await pilot.pause()
        assert view.query_one("#article-excerpt", Static).region == loaded


@pytest.mark.parametrize("size", [(80, 24), (40, 12), (20, 6)])
async def test_small_screens_read_the_real_article(real: Path, tmp_path: Path, size: tuple[int, int]) -> None:
    app = build(real, tmp_path, config=never())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        assert pane_title(app).startswith("Data Science")
        if size[0] >= 40:
            assert any("While Data Science" in line for line in screen_lines(app)), screen_lines(app)
        for key in ("G", "g", "i", "escape", "escape"):
            await press(pilot, key)
        assert app.is_running


# -- body links ------------------------------------------------------------------------


async def test_body_links_are_numbered_in_the_text_and_listed_after_it(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path, config=never())
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert pane_title(app) == TOP_TITLE
        text = pane_text(app)
        assert "smaller, distilled models[1] or on-premise hardware" in text
        assert f"Links [1] {SMALLER_MODELS}" in text
        assert f"({SMALLER_MODELS})" not in text
        assert pane(app).body_links() == [SMALLER_MODELS]
        # The related links keep their own numbers (keys 1-9).
        assert pane(app).related_link(2) == (SMALLER_MODELS, None)


async def test_every_link_gets_a_number_once_and_refused_ones_say_so(tmp_path: Path) -> None:
    folder = tmp_path / "links"
    body = (
        "See [the report](https://a.example/report) and [mail us](mailto:desk@a.example).\n\n"
        "- again [the same report](https://a.example/report), then <https://b.example/x>\n"
        "- [a `coded` name](https://c.example/)\n"
    )
    write(folder, "a.md", f'---\ntitle: "Linked"\nrelated:\n  - title: "Next"\n    webUrl: https://next.example/\n---\n{body}')
    app = build(folder, tmp_path, config=never())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        view = pane(app)
        assert view.body_links() == ["https://a.example/report", "mailto:desk@a.example", "https://b.example/x", "https://c.example/"]
        text = pane_text(app)
        assert "the report[1] and mail us[2]" in text
        assert "the same report[1]" in text and "https://b.example/x[3]" in text and "a coded name[4]" in text
        assert "[2] mailto:desk@a.example (not opened: only http and https)" in text
        assert view.link_entries() == [
            ("the report", "https://a.example/report"),
            ("mail us", "mailto:desk@a.example"),
            ("https://b.example/x", "https://b.example/x"),
            ("a coded name", "https://c.example/"),
            ("related 1: Next", "https://next.example/"),
        ]


async def test_the_links_screen_follows_opens_or_copies_the_link_chosen(tmp_path: Path) -> None:
    from reader.screens.links import LinksScreen

    entries = [(f"link {n}", f"https://l.example/{n}") for n in range(1, 13)] + [("bad", "javascript:alert(1)")]
    folder = tmp_path / "one"
    write(folder, "a.md", '---\ntitle: "One"\n---\n')
    app = build(folder, tmp_path, config=never())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        results: list = []

        async def choose(*keys: str):
            app.push_screen(LinksScreen(entries), results.append)
            await settle(pilot)
            assert isinstance(app.screen, LinksScreen)
            screen = app.screen
            await press(pilot, *keys)
            return screen

        await choose("j", "j", "k", "enter")
        assert results[-1] == ("follow", "https://l.example/2")
        await choose("7", "o")
        assert results[-1] == ("browser", "https://l.example/7")
        await choose("1", "2", "y")  # two digits typed together: link 12
        assert results[-1] == ("copy", "https://l.example/12")
        screen = await choose("1", "3")
        assert "refused to open a javascript: link" in " ".join(shown(screen.query_one("#links-list")).split())
        await press(pilot, "enter")
        assert results[-1] == ("follow", "javascript:alert(1)")  # the lead's follow refuses it
        await choose("G", "escape")
        assert results[-1] is None
        assert main_screen(app) is app.screen


@pytest.mark.parametrize("size", [(120, 35), (40, 12), (20, 6)])
async def test_the_links_screen_of_an_article_at_any_size(seeds: Path, tmp_path: Path, size: tuple[int, int]) -> None:
    from reader.screens.links import LinksScreen

    app = build(seeds, tmp_path, config=never())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        results: list = []
        app.push_screen(LinksScreen(pane(app).link_entries()), results.append)
        await settle(pilot)
        words = " ".join(shown(app.screen.query_one("#links-list")).split())
        if size[0] >= 40:
            assert words.startswith("[1] smaller, distilled")
        if size[0] >= 80:
            assert "[1] smaller, distilled models" in words and "[2] related 1: Chipmaker" in words
        await press(pilot, "j", "enter")
        assert results == [("follow", "https://harborledger.example/2026/02/chipmaker-results-beat-forecasts")]
    empty = tmp_path / "empty"
    write(empty, "a.md", '---\ntitle: "Nothing to follow"\n---\n')
    app = build(empty, tmp_path / "e", config=never())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        results = []
        app.push_screen(LinksScreen(pane(app).link_entries()), results.append)
        await settle(pilot)
        await press(pilot, "enter", "o", "escape")
        assert results == [None]


# -- back to the same place -----------------------------------------------------------------


async def test_back_returns_to_where_the_article_was_scrolled(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path, config=never())
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        view = pane(app)
        await press(pilot, "G")
        bottom = view.scroll_y
        assert bottom > 5
        await press(pilot, "1")  # the first related article is in the library
        assert pane_title(app).startswith("Chipmaker Quarterly Results")
        assert view.scroll_y == 0
        await press(pilot, "escape")
        assert pane_title(app) == TOP_TITLE
        await wait_until(pilot, lambda: view.scroll_y == bottom, timeout=5, what=f"scrolled to {view.scroll_y}, not {bottom}")
        heading = view.query_one("#related-heading", Static)
        assert view.region.contains_region(heading.region)  # the Related section is in sight


async def test_back_returns_to_the_related_link_followed(seeds: Path, tmp_path: Path) -> None:
    app = build(seeds, tmp_path, config=never())
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        view = pane(app)
        related = view.query_one(RelatedList)
        related.focus()
        await press(pilot, "j")  # the first related link highlighted (and scrolled to)
        at = view.scroll_y
        assert related.highlighted == 0 and at > 0
        await press(pilot, "enter")
        assert pane_title(app).startswith("Chipmaker Quarterly Results")
        await press(pilot, "escape")
        assert pane_title(app) == TOP_TITLE
        await wait_until(pilot, lambda: view.scroll_y == at, timeout=5, what=f"scrolled to {view.scroll_y}, not {at}")
        assert related.highlighted == 0


# -- i: the front matter as written ------------------------------------------------------


RAW = """---
title: "A plain title"
publishedDateTime: 2026-11-21T15:30:00Z
excerpt: >-
  An excerpt folded
  over two lines.
quality: 55   # a comment stays
secured: |
  c2VjcmV0IHBheWxvYWQgbGluZSBvbmU=
  c2VjcmV0IHBheWxvYWQgbGluZSB0d28=
topics:
  - AI
---
The body.
"""


async def test_i_shows_the_front_matter_exactly_as_written_highlighted(tmp_path: Path) -> None:
    from reader.screens.raw import RawScreen

    folder = tmp_path / "raw"
    write(folder, "a.md", RAW)
    app = build(folder, tmp_path, config=never())
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        assert isinstance(app.screen, RawScreen)
        static = app.screen.query_one("#raw-text", Static)
        await wait_until(pilot, lambda: "Reading" not in shown(static))
        lines = [line.rstrip() for line in shown(static).splitlines()]
        assert lines == [  # numbered as in the file
            '   2 title: "A plain title"',
            "   3 publishedDateTime: 2026-11-21T15:30:00Z",
            "   4 excerpt: >-",
            "   5   An excerpt folded",
            "   6   over two lines.",
            "   7 quality: 55   # a comment stays",
            "   8 secured: <encrypted payload, 64 characters, not shown>",
            "   9 topics:",
            "  10   - AI",
        ]
        strips = static.render_lines(Region(0, 0, static.size.width, static.size.height))
        colours = {segment.style.color for strip in strips for segment in strip if segment.text.strip() and segment.style}
        assert len(colours) >= 3  # keys, strings, numbers: highlighted as YAML


async def test_i_on_a_file_gone_says_why_in_one_line(tmp_path: Path) -> None:
    from reader.screens.raw import RawScreen

    folder = tmp_path / "gone"
    path = write(folder, "a.md", RAW)
    app = build(folder, tmp_path, config=never(), watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        path.unlink()
        await press(pilot, "i")
        assert isinstance(app.screen, RawScreen)
        static = app.screen.query_one("#raw-text", Static)
        await wait_until(pilot, lambda: "Reading" not in shown(static))
        assert shown(static).strip().splitlines() == ["This file cannot be read now: the file is gone"]


def test_raw_text_has_no_control_characters_and_withholds_every_form_of_secured(tmp_path: Path) -> None:
    from reader.screens.raw import Unreadable, raw_front_matter

    path = write(tmp_path, "a.md", '---\ntitle: "x"\n# \x1b[2J\x1b]0;owned\x07 a comment\nsecured: \'abc\'\'def\'  # note\n---\n')
    text, first = raw_front_matter(str(path))
    assert first == 2
    assert "\x1b" not in text and "\x07" not in text
    assert "secured: <encrypted payload, 8 characters, not shown>  # note" in text
    for value, size in [('"a;b=="', 5), ("plain text\n  on two lines", 22), (">-\n  folded\n  more", 10)]:
        path.write_text(f"---\ntitle: x\nsecured: {value}\nafter: 1\n---\n", encoding="utf-8")
        assert raw_front_matter(str(path))[0] == f"title: x\nsecured: <encrypted payload, {size} characters, not shown>\nafter: 1\n"
    path.write_text("\n\n---\ntitle: x\n---\n", encoding="utf-8")
    assert raw_front_matter(str(path)) == ("title: x\n", 4)  # the line numbers are the file's
    path.write_text("no front matter here\n", encoding="utf-8")
    with pytest.raises(Unreadable):
        raw_front_matter(str(path))
