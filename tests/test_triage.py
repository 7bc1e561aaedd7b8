"""Triage: when articles are marked read, marks drawn at once, views that
stay put while the library changes, and the filters in the header."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SEEDS
from helpers_app import article_list, build, header, listed, main_screen, pane, press, settle, wait_until
from reader.config import Config
from reader.view import Topic


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


# -- views that stay put ---------------------------------------------------------------------


def numbered(folder: Path, count: int) -> list[Path]:
    from conftest import article, write

    return [
        write(folder, f"{n:02d}.md", article(f"Article {n:02d}", quality=90 - n, webUrl=f"https://news.example/{n}", body=f"Body of {n}."))
        for n in range(count)
    ]


async def test_the_article_read_full_screen_stays_while_files_change(tmp_path: Path, browser) -> None:
    from conftest import article, write

    folder = tmp_path / "news"
    numbered(folder, 30)
    app = build(folder, tmp_path, browser)  # watching
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "j", "j", "j")
        articles = article_list(app)
        line = articles.cursor - int(articles.scroll_offset.y)
        await press(pilot, "enter")
        reading = pane(app).row
        assert reading.title == "Article 03"
        # A new best article arrives, another changes: the list under the reader moves.
        write(folder, "new.md", article("Brand new", quality=99, webUrl="https://news.example/new"))
        write(folder, "05.md", article("Article 05 again", quality=20, webUrl="https://news.example/5"))
        await wait_until(pilot, lambda: "Brand new" in [row.title for row, _ in listed(app)], what="the list never refreshed")
        await settle(pilot)
        assert pane(app).row.title == "Article 03" and main_screen(app).reading
        await press(pilot, "o")
        assert browser.wait_for(1) == [["https://news.example/3"]]
        await press(pilot, "escape")
        assert article_list(app).current_row.title == "Article 03"  # the cursor on it, in the new list...
        assert articles.cursor - int(articles.scroll_offset.y) == line  # ...on the screen line it was on
        assert pane(app).row.title == "Article 03"


async def test_deleting_the_highlighted_file_moves_the_cursor_to_its_neighbour(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    files = numbered(folder, 30)
    app = build(folder, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, *["j"] * 12)
        articles = article_list(app)
        line = articles.cursor - int(articles.scroll_offset.y)
        assert articles.current_row.title == "Article 12"
        files[12].unlink()
        await wait_until(pilot, lambda: len(articles.ids) == 29, what="the deletion was never seen")
        await settle(pilot)
        assert articles.current_row.title == "Article 13"
        assert articles.cursor - int(articles.scroll_offset.y) == line  # on the same screen line
        assert pane(app).row.title == "Article 13"


async def test_a_new_view_starts_at_its_top(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    numbered(folder, 60)
    app = unwatched(folder, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = article_list(app)
        await press(pilot, "G")
        assert articles.cursor == 59
        for keys in (("slash", "a", "r", "t", "i", "c", "l", "e", "enter"), ("escape",), ("s",), ("plus",), ("x",)):
            await press(pilot, "G")
            await press(pilot, *keys)
            assert articles.cursor == 0 and int(articles.scroll_offset.y) == 0, keys


async def test_escape_in_the_list_steps_back_one_layer_at_a_time(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        total = len(listed(app))
        screen = main_screen(app)
        await press(pilot, "shift+tab")  # the topics
        await press(pilot, "end", "enter")  # the last topic
        topic = screen.view.choice
        assert isinstance(topic, Topic)
        await press(pilot, "plus")
        await press(pilot, "slash", "r", "o", "b", "o", "t", "enter")
        assert screen.view.search.text == "robot" and screen.view.filters.min_quality == 10
        await press(pilot, "escape")
        assert screen.view.search.text == "" and screen.view.filters.min_quality == 10 and screen.view.choice == topic
        assert app.screen.query_one("#search-input").value == ""
        await press(pilot, "escape")
        assert screen.view.filters.min_quality is None and screen.view.choice == topic
        await press(pilot, "escape")
        assert header(app).startswith("All · ") and len(listed(app)) == total
        await press(pilot, "escape")  # nothing left to step back from: nothing happens
        assert app.is_running and len(listed(app)) == total


async def test_hash_hides_the_read_articles_and_the_header_says_so(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        total = len(listed(app))
        await press(pilot, "m", "j", "m")  # two read by hand
        await press(pilot, "#")
        assert len(listed(app)) == total - 2 and not read_titles(app)
        assert "unread only" in header(app)
        await press(pilot, "#")
        assert len(listed(app)) == total and "unread only" not in header(app)


async def test_A_names_the_view_it_marks_read(seeds: Path, tmp_path: Path) -> None:
    from reader.screens.ask import Confirm

    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"quality:>=80 sort:date", "enter")
        count = len(listed(app))
        await press(pilot, "A")
        assert isinstance(app.screen, Confirm)
        noun = "article" if count == 1 else "articles"
        assert app.screen.question == f"Mark {count} {noun} matching 'quality:>=80 sort:date' read?"
        await press(pilot, "n")


def test_the_mark_all_question_names_topic_search_filters_and_number() -> None:
    from reader.query import parse_query
    from reader.view import Filters, Topic, View
    from reader.widgets.list_pane import mark_all_question

    view = View(choice=Topic("Computer Vision"), search=parse_query("quality:>=80"))
    assert mark_all_question(view, 1) == "Mark 1 article in 'Computer Vision' matching 'quality:>=80' read?"
    assert mark_all_question(View(filters=Filters(hide_read=True)), 1234) == "Mark 1,234 articles with unread only read?"


async def test_w_saves_the_whole_view_and_the_saved_entry_counts_what_the_screen_did(seeds: Path, tmp_path: Path) -> None:
    from reader.widgets.topics import TopicList

    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await press(pilot, "shift+tab")
        topics = app.screen.query_one(TopicList)
        ai = next(i for i, entry in enumerate(topics.entries) if getattr(entry, "name", None) == "AI")
        topics.highlighted = ai
        await press(pilot, "enter", "slash", *"chip", "enter", "plus", "plus", "s", "S")  # oldest first
        on_screen = len(listed(app))
        assert 0 < on_screen
        await press(pilot, "w")
        app.screen.query_one("#ask-input").value = "AI chips"
        await press(pilot, "enter")
        await wait_until(pilot, lambda: any(getattr(e, "name", None) == "AI chips" for e in topics.entries))
        saved = next(e for e in topics.entries if getattr(e, "name", None) == "AI chips")
        assert saved.text == "topic:AI chip* quality:>=20,none sort:-date"  # chip matched as a prefix on screen
        order = [row.id for row, _ in listed(app)]
        await press(pilot, "escape", "escape", "escape")  # back to All
        assert len(listed(app)) > on_screen
        await press(pilot, "shift+tab")
        topics.highlighted = topics.entries.index(saved)
        await press(pilot, "enter")
        assert [row.id for row, _ in listed(app)] == order  # the same articles, in the same order
        label = next(str(topics.get_option_at_index(i).prompt) for i, e in enumerate(topics.entries) if e == saved)
        assert label.split()[-1] == str(on_screen)
        assert screen.view.choice == saved


async def test_l_lists_the_links_and_a_body_link_opens_by_its_number(seeds: Path, tmp_path: Path, browser, monkeypatch) -> None:
    from reader.screens.links import LinksScreen

    app = build(seeds, tmp_path, browser, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        body = pane(app).body_links()
        assert body  # the first sample article has a link in its body
        await press(pilot, "l")
        assert isinstance(app.screen, LinksScreen)
        await press(pilot, "1", "o")  # link [1], in the browser
        assert browser.wait_for(1) == [[body[0]]]
        assert not isinstance(app.screen, LinksScreen)
        await press(pilot, "l")
        await press(pilot, "q")  # closes the list, not the app
        assert app.is_running and not isinstance(app.screen, LinksScreen)


# -- found in review -----------------------------------------------------------------------


def linked(folder: Path, count: int = 30) -> None:
    """``numbered`` articles, Article 03 with a related link to Article 10."""
    from conftest import article, write

    numbered(folder, count)
    related = '\nrelated:\n  - title: "Article 10"\n    webUrl: "https://news.example/10"'
    write(folder, "03.md", article("Article 03", quality=87, webUrl="https://news.example/3", body="Body of 3.") .replace("---\nBody", related.lstrip("\n") + "\n---\nBody", 1))


async def test_after_a_link_followed_from_the_list_and_a_refresh_back_is_the_list_where_it_was(tmp_path: Path) -> None:
    from conftest import article, write

    folder = tmp_path / "news"
    linked(folder)
    app = build(folder, tmp_path)  # watching
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "j", "j", "j")
        assert article_list(app).current_row.title == "Article 03"
        await press(pilot, "1")
        assert pane(app).row.title == "Article 10" and main_screen(app).reading
        write(folder, "new.md", article("Brand new", quality=99, webUrl="https://news.example/new"))
        await wait_until(pilot, lambda: "Brand new" in [row.title for row, _ in listed(app)], what="the list never refreshed")
        await settle(pilot)
        assert pane(app).row.title == "Article 10"
        await press(pilot, "escape")
        assert not main_screen(app).reading
        assert article_list(app).current_row.title == "Article 03"
        assert pane(app).row.title == "Article 03"


def test_the_cursor_keeps_its_article_when_the_one_to_keep_has_gone() -> None:
    from array import array

    from reader.widgets.article_list import _neighbour

    old = array("q", [1, 2, 3, 4, 5])
    assert _neighbour(old, 2, array("q", [1, 2, 3, 5])) == 2  # the cursor's own article, still there
    assert _neighbour(old, 2, array("q", [1, 2, 4, 5])) == 2  # gone: the next one
    assert _neighbour(old, 4, array("q", [1, 2, 3])) == 2  # the last gone: the one before
    assert _neighbour(old, 1, array("q", [])) == 0


async def test_n_while_reading_full_screen_reads_the_next_unread_in_its_place(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    numbered(folder, 10)
    app = unwatched(folder, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "j", "m", "k")  # Article 01 read by hand
        await press(pilot, "enter")
        await press(pilot, "n")
        assert main_screen(app).reading and pane(app).row.title == "Article 02"
        assert app.state.is_read(key(app, pane(app).row))  # opened in place: read
        await press(pilot, "escape")
        assert article_list(app).current_row.title == "Article 02" and pane(app).row.title == "Article 02"


async def test_dwell_marks_nothing_while_the_pane_is_out_of_sight(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path, config=Config(mark_read="dwell", mark_read_dwell=0.05))
    async with app.run_test(size=(40, 12)) as pilot:  # a tiny terminal: the list alone
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert read_titles(app) == []


async def test_the_header_says_oldest_first_for_a_query_sorted_the_other_way(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"sort:-date", "enter")
        assert "oldest first" in header(app)
        dates = [row.published_at for row, _ in listed(app) if row.published_at is not None]
        assert dates == sorted(dates)
        await press(pilot, "S")  # turned back
        assert "newest first" in header(app)


async def test_a_new_view_starts_at_its_top_even_when_a_refresh_reload_comes_first(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    numbered(folder, 60)
    app = unwatched(folder, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "G")
        await pilot.press("s")  # a new view...
        main_screen(app).load_ids()  # ...and a refresh's reload asked before its list landed
        await settle(pilot)
        articles = article_list(app)
        assert articles.cursor == 0 and int(articles.scroll_offset.y) == 0
        await press(pilot, "G")
        main_screen(app).load_ids()  # a reload alone keeps the cursor
        await settle(pilot)
        assert articles.cursor == 59


def test_the_problems_counted_at_start_are_not_told_as_new() -> None:
    from reader.model import Problem
    from reader.screens.problems import ProblemsTracker

    tracker = ProblemsTracker()
    broken = Problem("/lib/bad.md", "not valid YAML", line=2, skipped=True)
    assert tracker.update([broken]) == []  # (pressing ! early counts too: the first count tells nothing)
    assert tracker.words() == "1 skipped"
    assert tracker.update([broken]) == []
    worse = Problem("/lib/worse.md", "not valid YAML", line=1, skipped=True)
    assert tracker.update([broken, worse, Problem("/lib/x.md", "quality is not a number")]) == [worse]
    assert tracker.words() == "2 skipped, 1 warning"


async def test_a_quick_filter_keeps_the_last_word_a_prefix(tmp_path: Path) -> None:
    from conftest import article, write

    folder = tmp_path / "news"
    write(folder, "a.md", article("Face detection gets better", quality=50))
    write(folder, "b.md", article("Facebook changes its feed", quality=60))
    write(folder, "c.md", article("Faceless accounts removed"))
    write(folder, "d.md", article("Facebook trains a model", quality=5))
    app = unwatched(folder, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"face", "enter")
        assert len(listed(app)) == 4  # face as a prefix
        await press(pilot, "plus", "plus")  # quality >= 20, unscored kept
        assert sorted(row.title for row, _ in listed(app)) == ["Face detection gets better", "Facebook changes its feed", "Faceless accounts removed"]
