"""Finding and keeping: the search bar, sorting, read and starred marks."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from conftest import SEEDS, article, write
from helpers_app import article_list, build, header, listed, main_screen, press, settle, wait_until
from reader.messages import ListCompleted
from reader.config import Config
from reader.query import parse_query
from reader.widgets.article_list import ArticleList


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def unwatched(folder: Path, tmp_path: Path):
    return build(folder, tmp_path, watch=False)


def shown_rows(app) -> list:
    return [row for row, _ in listed(app)]


def key(app, row) -> str:
    return main_screen(app).list_pane.mark_key(row)


async def test_search_follows_typing_and_keeps_the_last_good_result(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        total = len(shown_rows(app))
        await pilot.press("slash", *"quantum")
        await settle(pilot)
        found = shown_rows(app)
        assert 0 < len(found) < total
        assert all("quantum" in (r.title + " " + (r.excerpt or "") + " " + " ".join(r.topics)).lower() or r.has_body for r in found)
        # Half-typed, the quote is not closed yet: an error, then a result.
        await pilot.press(*' topic:"Quantum Computing"')
        await settle(pilot)
        assert 0 < len(shown_rows(app)) <= len(found)
        before = [r.id for r in shown_rows(app)]
        # A malformed qualifier arrives at once (as if pasted).
        app.screen.query_one("#search-input").insert_text_at_cursor(" quality:>>")
        await settle(pilot)
        error = app.screen.query_one("#search-error")
        assert error.display and "quality" in str(error.render())
        assert [r.id for r in shown_rows(app)] == before  # the last good result stays
        for _ in " quality:>>":
            await pilot.press("backspace")
        await pilot.press("enter")
        await settle(pilot)
        assert not error.display
        assert app.focused is app.screen.query_one(ArticleList)
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert len(shown_rows(app)) == total


async def test_keys_typed_in_one_burst_after_slash_reach_the_search_bar(seeds: Path, tmp_path: Path) -> None:
    from textual import events

    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sort_before = header(app)
        # As a terminal delivers a fast typist (or a paste into tmux): all the
        # keys queued at once, none handled before the next arrives.
        for key, char in [("slash", "/"), ("s", "s"), ("a", "a"), ("t", "t"), ("e", "e"), ("slash", "/"), ("x", "x")]:
            app.post_message(events.Key(key, char))  # as the driver hands them on
        await settle(pilot)
        assert app.screen.query_one("#search-input").value == "sate/x"  # a `/` in the bar is text
        assert "best match first" in header(app) and header(app) != sort_before  # `s` did not change the sort


async def test_search_history_is_kept_between_runs(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"satellite", "enter")
        await settle(pilot)
    app.state.close()
    again = unwatched(seeds, tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "up")
        assert again.screen.query_one("#search-input").value == "satellite"


async def test_s_cycles_the_sort_and_S_reverses_it(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "best first" in header(app)
        await pilot.press("s")
        await settle(pilot)
        assert "newest first" in header(app)
        dates = [r.published_at for r in shown_rows(app) if r.published_at is not None]
        assert dates == sorted(dates, reverse=True)
        assert shown_rows(app)[-1].published_at is None  # missing dates last
        await pilot.press("S")
        await settle(pilot)
        assert "oldest first" in header(app)
        dates = [r.published_at for r in shown_rows(app) if r.published_at is not None]
        assert dates == sorted(dates)
        assert shown_rows(app)[-1].published_at is None  # still last
        await pilot.press("s", "s")
        await settle(pilot)
        assert "by title" in header(app)


async def test_read_and_starred_marks_survive_a_restart_and_a_reindex(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "escape")
        _, first = listed(app)[0]
        assert first.read  # opened, so read
        await pilot.press("j")
        await settle(pilot)
        await pilot.press("f", "m", "m")  # star the second, mark it read, then unread again
        await settle(pilot)
        _, second = listed(app)[1]
        assert second.starred and not second.read
    app.state.close()
    shutil.rmtree(tmp_path / "cache")  # the cache holds no marks
    again = unwatched(seeds, tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        marks = [marks for _, marks in listed(again)]
        assert marks[0].read
        assert marks[1].starred and not marks[1].read
        again.screen.query_one(ArticleList).move_to(0)
        await pilot.press("n")
        await settle(pilot)
        assert again.screen.query_one(ArticleList).cursor == 1  # the next unread


async def test_a_moved_file_keeps_its_marks(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    write(folder, "a.md", article("Keep me", quality=9, webUrl="https://x.example/keep"))
    write(folder, "b.md", article("Other", quality=1))
    app = unwatched(folder, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
    app.state.close()
    (folder / "sub").mkdir()
    (folder / "a.md").rename(folder / "sub" / "renamed.md")
    again = unwatched(folder, tmp_path)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        [(kept, marks)] = [(r, m) for r, m in listed(again) if r.title == "Keep me"]
        assert marks.starred and kept.path.endswith("renamed.md")


def test_is_read_unread_and_starred_in_the_query_language(tmp_path: Path, capsys) -> None:
    import json

    from reader.cli import main
    from reader.state import State

    folder = tmp_path / "news"
    write(folder, "a.md", article("Seen", quality=3, webUrl="https://x.example/seen"))
    write(folder, "b.md", article("Fresh", quality=2, webUrl="https://x.example/fresh"))
    write(folder, "c.md", article("Loved", quality=1))  # no URL: keyed by its path
    with State() as state:
        state.mark_read(["https://x.example/seen"])
        state.set_starred("path:c.md")

    def titles(query: str) -> list[str]:
        assert main(["list", str(folder), query, "--format", "json"]) == 0
        return [row["title"] for row in json.loads(capsys.readouterr().out)]

    assert titles("is:read") == ["Seen"]
    assert titles("is:unread") == ["Fresh", "Loved"]
    assert titles("is:starred") == ["Loved"]
    assert titles("-is:starred is:unread") == ["Fresh"]


async def test_the_app_follows_the_config(seeds: Path, tmp_path: Path, xdg_dirs, notices) -> None:
    from reader.config import load_config

    folder = xdg_dirs["XDG_CONFIG_HOME"] / "reader"
    folder.mkdir()
    (folder / "config.toml").write_text(
        'sort = "date"\nmin_quality = 50\ntheme = "nord"\nmark_read = "never"\nbrowser = 12\n\n[keys]\nopen = "O"\n',
        encoding="utf-8",
    )
    app = build(seeds, tmp_path, watch=False, config=load_config())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rows = shown_rows(app)
        # The configured minimum is a quick filter, shown; unscored articles are kept.
        assert rows and all(r.quality is None or r.quality >= 50 for r in rows)
        assert any(r.quality is None for r in rows)
        assert "newest first" in header(app) and "[quality ≥ 50 or unscored; x clears]" in header(app)
        await pilot.press("plus")  # + tightens it from there
        await settle(pilot)
        assert "quality ≥ 60" in header(app)
        assert all(r.quality is None or r.quality >= 60 for r in shown_rows(app))
        await pilot.press("minus", "minus")
        await settle(pilot)
        assert "quality ≥ 40" in header(app)
        assert app.theme == "nord"
        assert app.state.all_read() == set()  # showing did not mark anything read
        # The bad value is named with its line, in a notification.
        assert any("config.toml:5" in n.message and "browser" in n.message for n in notices)
        # The key map applies: O opens, o no longer does.
        assert app.screen.check_action("open_link", ()) is True
        bindings = {b.binding.key for b in app.screen.active_bindings.values() if b.binding.action == "open_link"}
        assert bindings == {"O"}


async def test_quick_filters_show_and_clear_with_one_key(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        total = len(shown_rows(app))
        await pilot.press("plus", "plus", "plus", "plus", "plus")  # quality >= 50
        await settle(pilot)
        rows = shown_rows(app)
        assert rows and all(r.quality is None or r.quality >= 50 for r in rows)
        assert "quality ≥ 50 or unscored" in header(app)
        await pilot.press("U")  # the unscored ones hidden too
        await settle(pilot)
        assert all(r.quality is not None and r.quality >= 50 for r in shown_rows(app))
        assert "quality ≥ 50 (scored only)" in header(app)
        await pilot.press("U")
        await settle(pilot)
        await pilot.press("minus")
        await settle(pilot)
        assert "quality ≥ 40" in header(app)
        await pilot.press("u")
        await settle(pilot)
        assert all(r.published is not False for r in shown_rows(app))
        assert "published only" in header(app)
        await pilot.press("p")
        await settle(pilot)
        app.screen.query_one("#ask-input").value = "northwind"  # in place of the suggestion
        await pilot.press("enter")
        await settle(pilot)
        rows = shown_rows(app)
        assert rows and all("northwind" in (r.provider or "").lower() + (r.domain or "") for r in rows)
        await pilot.press("x")
        await settle(pilot)
        assert len(shown_rows(app)) == total
        assert "x clears" not in header(app)


async def test_a_backspace_while_a_search_runs_leaves_the_list_of_the_bar(seeds: Path, tmp_path: Path) -> None:
    """A slow search for "clo" must not land over the list of "cl" after a backspace."""
    import time as clock

    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        everything = list(app.screen.query_one(ArticleList).ids)
        library = app.library
        slow_done = threading.Event()

        def slowed(real):
            def slow(query=None, *args, **kwargs):
                if query is not None and "clo" in query.text:
                    clock.sleep(0.4)  # a big library's prefix search
                    try:
                        return real(query, *args, **kwargs)
                    finally:
                        slow_done.set()
                return real(query, *args, **kwargs)

            return slow

        library.ids = slowed(library.ids)  # the whole list
        library.first = slowed(library.first)  # a ranked list's first rows
        await pilot.press("slash", "c", "l", "o")
        await pilot.press("backspace")  # "cl": too short to search, the whole library again
        await wait_until(pilot, slow_done.is_set)  # the slow search ended, and tried to land
        await settle(pilot)
        assert app.screen.query_one("#search-input").value == "cl"
        assert list(app.screen.query_one(ArticleList).ids) == everything


async def test_m_pressed_as_the_cursor_lands_is_not_undone_by_the_dwell(seeds: Path, tmp_path: Path, monkeypatch) -> None:
    from reader.screens import main

    app = build(seeds, tmp_path, watch=False, config=Config(mark_read="dwell", mark_read_dwell=0.05))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        first = articles.current_row
        await wait_until(pilot, lambda: app.state.is_read(key(app, first)))  # shown at start: read after the dwell
        await press(pilot, "j")
        # The pane follows a moment after the cursor rests: long enough here
        # that m surely comes first (at 60 ms a slow machine sometimes let it follow).
        delay = main.PANE_DELAY
        monkeypatch.setattr(main, "PANE_DELAY", 30.0)
        await pilot.press("k")  # back onto it (the pane follows later)...
        view = main_screen(app).pane
        await wait_until(pilot, lambda: view.following is not None and view.following.id == first.id)
        assert not view.settled  # not shown yet
        await press(pilot, "m")  # ...and mark it unread at once
        await pilot.pause(0.2)  # past the dwell time
        await settle(pilot)
        assert not app.state.is_read(key(app, first))
        monkeypatch.setattr(main, "PANE_DELAY", delay)
        await press(pilot, "j")
        await press(pilot, "k")  # shown anew later: read after the dwell again
        await wait_until(pilot, lambda: app.state.is_read(key(app, first)))


async def test_m_handled_while_the_pane_says_the_article_is_shown_is_not_undone(seeds: Path, tmp_path: Path) -> None:
    """The pane has read the file and posted Shown; m is handled before the
    screen hears of it (an m pressed just as the body arrives): the user's
    mark stands, the dwell does not undo it."""
    from reader.widgets.article_view import ArticleView

    between: list[ArticleView.Shown] = []
    armed: list = []  # the row to press m on, once its Shown is on its way

    def hook(message) -> None:
        if isinstance(message, ArticleView.Shown) and armed and message.row is not None and message.row.id == armed[0].id and not between:
            between.append(message)  # (dispatched by the pane, not yet by the screen)
            main_screen(app).action_toggle_read()  # what m does

    app = build(seeds, tmp_path, watch=False, config=Config(mark_read="dwell", mark_read_dwell=0.05))
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await settle(pilot)
        first = article_list(app).current_row
        await wait_until(pilot, lambda: app.state.is_read(key(app, first)))  # shown at start: read after the dwell
        await press(pilot, "j")
        armed.append(first)
        await press(pilot, "k")
        assert len(between) == 1  # m came between the pane's Shown and the screen's
        await pilot.pause(0.2)  # past the dwell time
        await settle(pilot)
        assert not app.state.is_read(key(app, first))
        assert not article_list(app).marks_of(first.id).read  # nor drawn read


async def test_enter_searches_a_short_last_word_whole(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        total = len(shown_rows(app))
        await pilot.press("slash", "A", "I")
        await settle(pilot)
        assert len(shown_rows(app)) == total  # while typing, two letters are not searched yet
        await pilot.press("enter")
        await settle(pilot)
        found = shown_rows(app)
        assert 0 < len(found) < total
        # the whole word: "AI" in the text, not every word starting with "ai"
        rows = app.library.search(app.screen.current_query())
        assert [r.id for r in rows] == [r.id for r in found]
        assert app.library.count(parse_query("AI")) == len(found)


async def test_the_pane_waits_for_a_pause_in_the_typing_and_errors_show_over_the_list(seeds: Path, tmp_path: Path, monkeypatch) -> None:
    from reader.screens import main
    from reader.widgets.article_view import ArticleView
    from reader.widgets.search import SearchBar

    # A longer pause than the app's 0.4 s, so a slow machine typing the
    # keys below cannot outlast it (it did once in a loaded CI run).
    monkeypatch.setattr(main, "TYPING_PANE_DELAY", 1.5)
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ArticleView)
        shown_before = view.row
        await pilot.press("slash", *"quantum")
        await wait_until(pilot, lambda: article_list(app).current_row.id != shown_before.id)  # the list has followed the typing...
        top = article_list(app).current_row
        assert view.row.id == shown_before.id  # ...the pane not yet
        waited = await wait_until(pilot, lambda: view.row.id == top.id)  # a pause in the typing: the pane shows the top article
        assert waited > main.PANE_DELAY * 3  # it waited for the typing's pause, longer than for a cursor move
        bar = app.screen.query_one(SearchBar)
        articles = app.screen.query_one(ArticleList)
        place = articles.region
        assert bar.size.height == 1
        await pilot.press(*" quality:>>")
        await settle(pilot)
        error = app.screen.query_one("#search-error")
        assert error.display and error.size.height >= 3  # the message, the query, the marked text
        assert articles.region == place  # shown over the list: the list does not move
        assert error.region.y == bar.region.bottom  # right under the field
        for _ in " quality:>>":
            await pilot.press("backspace")
        await settle(pilot)
        assert not error.display
        assert bar.size.height == 1 and articles.region == place


def test_the_app_draws_up_to_240_frames_a_second_unless_told_otherwise() -> None:
    import os
    import subprocess
    import sys

    code = "import reader.app, textual.constants as c; print(c.MAX_FPS)"
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.strip() == "240"
    env["TEXTUAL_FPS"] = "30"
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.strip() == "30"


async def test_the_scrollbar_follows_the_lists_length_as_a_search_narrows_it(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    for n in range(100):
        write(lib, f"s{n:03}.md", article(f"{'Zebra' if n % 40 == 0 else 'Story'} {n:03}", quality=100 - n))
    app = unwatched(lib, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        assert articles.show_vertical_scrollbar
        await pilot.press("slash", *"zebra")
        await settle(pilot)
        assert [r.title for r in shown_rows(app)] == ["Zebra 000", "Zebra 040", "Zebra 080"]
        assert not articles.show_vertical_scrollbar  # three lines: nothing to scroll
        assert articles.max_scroll_y == 0
        await pilot.press("escape")
        await settle(pilot)
        assert articles.show_vertical_scrollbar
        articles.focus()
        await pilot.press("G")
        await settle(pilot)
        # the last article is on the last line: the scroll limit is the whole list's again
        assert articles.cursor == 99
        assert int(articles.scroll_offset.y) == articles.max_scroll_y == 100 - articles.size.height
        assert "Story 099" in articles.render_line(articles.size.height - 1).text


async def test_a_query_longer_than_the_bar_scrolls_to_show_what_is_typed(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(60, 30)) as pilot:
        await settle(pilot)
        typed = "quantum computing error correction topic:AI -provider:nobody quality:>=10"
        await pilot.press("slash", *typed)
        await settle(pilot)
        field = app.screen.query_one("#search-input")
        assert len(typed) > field.size.width
        assert field.scroll_x > 0
        assert "quality:>=10" in field.render_line(0).text


async def test_searched_words_are_marked_in_the_list_titles(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    write(lib, "a.md", article("Quantum leap, quantum gain", quality=90))
    write(lib, "b.md", article("Classical computing today", quality=80, body="quantum in the body only"))
    app = unwatched(lib, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"quantum")
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        lines = [articles.render_line(y) for y in range(2)]
        marked = [[seg.text for seg in line if seg.style and seg.style.underline] for line in lines]
        assert marked[0] == ["Quantum", "quantum"]  # both, whatever their case
        assert marked[1] == []  # the match is in the body: nothing in the title to mark
        assert "Quantum leap, quantum gain" in lines[0].text


async def test_list_lines_fit_the_width_with_long_and_wide_titles(tmp_path: Path) -> None:
    from rich.cells import cell_len

    lib = tmp_path / "lib"
    titles = [
        "A very long title " * 8,
        "量子コンピュータの誤り訂正が進む量子コンピュータの誤り訂正が進む量子コンピュータ",
        "Emoji 🚀🚀🚀 and combining e\u0301 marks " * 4,
        "Short",
    ]
    for n, title in enumerate(titles):
        write(lib, f"t{n}.md", article(title, quality=90 - n, provider='"深層学習ニュース社の長い名前です"'))
    for width in (120, 70, 44, 30):
        app = unwatched(lib, tmp_path)
        async with app.run_test(size=(width, 20)) as pilot:
            await settle(pilot)
            articles = app.screen.query_one(ArticleList)
            room = articles.scrollable_content_region.width
            for y in range(len(titles)):
                line = articles.render_line(y)
                assert cell_len(line.text) == room, (width, y)  # what the terminal is sent, not what the strip claims
            assert "…" in articles.render_line(0).text  # cut, and it shows
            assert "Short" in articles.render_line(3).text


async def test_enter_on_a_malformed_query_keeps_the_list_and_moves_the_message_off_it(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"quantum")
        await settle(pilot)
        found = [r.id for r in shown_rows(app)]
        assert found
        app.screen.query_one("#search-input").insert_text_at_cursor(" quality:>")  # at once, as if pasted
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        error = app.screen.query_one("#search-error")
        assert app.focused is articles
        assert [r.id for r in shown_rows(app)] == found  # the last good result stays
        assert error.display and "quality" in str(error.render())
        # out of the field, the message takes its own lines: the header and the cursor row show
        header_region = app.screen.query_one("#list-header").region
        assert header_region.y >= error.region.bottom
        assert articles.region.y >= error.region.bottom
        assert "·" in header(app)


async def test_enter_on_a_malformed_query_does_not_search_its_short_last_good_word(seeds: Path, tmp_path: Path) -> None:
    app = unwatched(seeds, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        everything = [r.id for r in shown_rows(app)]
        await pilot.press("slash", "a", "i")  # too short to search while typing: the list stays whole
        await settle(pilot)
        assert [r.id for r in shown_rows(app)] == everything
        app.screen.query_one("#search-input").insert_text_at_cursor(" since:yesterdayish")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#search-error").display
        assert [r.id for r in shown_rows(app)] == everything  # Enter did not search "ai" on its own


async def test_a_ranked_search_shows_its_best_matches_first_then_the_rest(tmp_path: Path, monkeypatch) -> None:
    from reader.screens import loading

    monkeypatch.setattr(loading, "FIRST_ROWS", 12)  # the first screen: twelve rows
    lib = tmp_path / "lib"
    for n in range(40):
        body = "zebra " * (n % 5 + 1) if n % 2 else "horse"
        # the best article (under the cursor as the search starts) does not match
        write(lib, f"s{n:02}.md", article(f"Story {n:02}", quality=n if n % 2 else n + 100, body=body))
    app = unwatched(lib, tmp_path)
    async with app.run_test(size=(120, 12)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        assert articles.size.height < 12
        shown: list[tuple[int, int]] = []
        set_ids = articles.set_ids

        def recording(ids, keep=None, length=None):
            shown.append((len(ids), articles.count if length is None else length))
            set_ids(ids, keep, length)

        articles.set_ids = recording
        await pilot.press("slash", *"zebra")
        await settle(pilot)
        # Each key ("zeb", "zebr", "zebra"): first the best twelve with the
        # whole list's length; the rest then joins them without a new list.
        assert shown == [(12, 20)] * 3
        assert articles.complete and articles.count == 20
        assert list(articles.ids) == list(app.library.ids(parse_query("zebra")))
        assert "20" in header(app)
        assert articles.cursor == 0 and articles.current_row.id == articles.ids[0]


async def test_A_marks_every_article_of_the_view_read_even_before_the_list_is_whole(tmp_path: Path, monkeypatch) -> None:
    from reader.screens import loading
    from reader.screens.ask import Confirm

    monkeypatch.setattr(loading, "FIRST_ROWS", 3)
    lib = tmp_path / "lib"
    for n in range(12):
        write(lib, f"s{n:02}.md", article(f"{'Zebra' if n < 8 else 'Horse'} {n:02}", quality=n + 50 if n < 8 else n))
    app = unwatched(lib, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zebra", "enter")
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        whole = articles.ids
        assert len(whole) == 8
        articles.set_ids(whole[:3], None, len(whole))  # as the screen shows it before the rest is ranked
        assert not articles.complete and articles.count == 8
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
        assert "8" in str(app.screen.query_one("Static").render())
        await pilot.press("y")
        await settle(pilot)
        marked = main_screen(app).list_pane.marked_rows(list(whole))
        assert len(marked) == 8 and all(marks.read for _, marks in marked)
        horses = [r for r in app.library.search(parse_query("horse"))]
        assert not any(app.state.is_read(key(app, r)) for r in horses)


async def test_the_rest_of_a_list_joins_it_without_moving_the_cursor(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    for n in range(60):
        write(lib, f"s{n:02}.md", article(f"Story {n:02}", quality=n))
    app = unwatched(lib, tmp_path)
    async with app.run_test(size=(120, 20)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        whole = articles.ids
        articles.set_ids(whole[:30], None, len(whole))
        articles.focus()
        await pilot.press("j", "j", "j")
        await settle(pilot)
        assert articles.count == 60 and articles.max_scroll_y == 60 - articles.size.height  # the whole list's scrollbar
        lines = [articles.render_line(y).text for y in range(articles.size.height)]
        assert not articles.finish(whole[5:])  # not this list's rest: nothing changes
        assert articles.finish(whole)
        assert articles.complete and articles.cursor == 3
        assert [articles.render_line(y).text for y in range(articles.size.height)] == lines
        articles.action_last()
        assert articles.current_row.title == "Story 00"


async def test_a_ranked_list_reloaded_keeps_an_article_far_down_under_the_cursor(tmp_path: Path, monkeypatch) -> None:
    from reader.screens import loading

    monkeypatch.setattr(loading, "FIRST_ROWS", 3)
    lib = tmp_path / "lib"
    for n in range(40):
        write(lib, f"s{n:02}.md", article(f"Story {n:02}", quality=n, body="zebra " * (n % 6 + 1)))
    app = unwatched(lib, tmp_path)
    async with app.run_test(size=(120, 20)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zebra", "enter")
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        articles.move_to(25)
        await settle(pilot)
        kept, line = articles.current_row.id, articles.cursor - int(articles.scroll_offset.y)
        app.screen.load_ids()  # what a change in the library does
        await settle(pilot)
        assert articles.complete and articles.current_row.id == kept and articles.cursor == 25
        assert articles.cursor - int(articles.scroll_offset.y) == line


async def test_the_rest_of_an_older_list_does_not_replace_a_newer_one(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    for n in range(20):
        write(lib, f"s{n:02}.md", article(f"{'Zebra' if n % 2 else 'Horse'} {n:02}", quality=n))
    app = unwatched(lib, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        articles = screen.query_one(ArticleList)
        everything = articles.ids
        articles.set_ids(everything[:4], None, len(everything))  # a first screen, its rest on the way
        stale = screen.list_pane.loads
        await pilot.press("slash", *"zebra", "enter")  # a newer list meanwhile
        await settle(pilot)
        zebras = list(articles.ids)
        assert len(zebras) == 10
        screen.list_pane.post_message(ListCompleted(stale, everything))  # the older list's rest arrives late
        await pilot.pause()
        assert list(articles.ids) == zebras and articles.count == 10
        assert not articles.finish(everything)  # a whole list takes no "rest"


async def test_a_slow_write_of_one_mark_does_not_take_back_a_newer_one(seeds: Path, tmp_path: Path, monkeypatch) -> None:
    """m then f on a slow disk: when m's write comes back, the star f put
    on the row stays; the end is what the user asked for."""
    import time
    from dataclasses import replace

    from reader import saving
    from reader.messages import MarksChanged

    real = saving.set_marks

    def slow(*args, **kwargs):
        time.sleep(0.3)  # a disk syncing
        return real(*args, **kwargs)

    monkeypatch.setattr(saving, "set_marks", slow)
    replies: dict[int, object] = {}  # each reply once (the hook sees it at every node it bubbles through)
    app = build(seeds, tmp_path, watch=False)
    app.config = replace(app.config, mark_read="never")
    async with app.run_test(size=(120, 40), message_hook=lambda m: replies.setdefault(id(m), m) if isinstance(m, MarksChanged) else None) as pilot:
        await settle(pilot)
        pane = main_screen(app).list_pane
        row = article_list(app).current_row
        before = pane.marks_of(row)
        await pilot.press("m", "f")
        await wait_until(pilot, lambda: len(replies) >= 1)
        await pilot.pause()
        await pilot.pause()
        assert len(replies) == 1  # the star's write is still on its way...
        assert pane.marks_of(row).starred  # ...and m's reply did not take the star away
        await wait_until(pilot, lambda: len(replies) >= 2)
        await settle(pilot)
        final = pane.marks_of(row)
        assert (final.read, final.starred) == (not before.read, True)
        assert app.state.is_starred(key(app, row)) and app.state.is_read(key(app, row)) == (not before.read)
