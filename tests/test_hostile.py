"""The command line and the app on a library built to hurt (hostile_corpus.py).

What a user would notice: every readable file listed, every bad one named
by `reader check`, nothing from a file ever driving the terminal (plain or
coloured output, on screen in the app), only http(s) links opened, and a
URL full of shell syntax handed to the browser as one argument.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hostile_corpus import BAD, FORBIDDEN, HUGE_BODY_BYTES, REFUSED_URLS, SHELL_URL, write_corpus
from reader.cli import main
from helpers_app import Browser, article_list, build, pane, pane_follows, pane_text, pane_title, press, settle, shown, wait_until

SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colours Rich itself writes to a terminal


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("hostile") / "library")


@pytest.fixture(autouse=True)
def console(monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.setenv("LINES", "50")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.chdir(tmp_path)


def run(capsys, *args: object) -> tuple[int, str, str]:
    code = main([os.fspath(a) if isinstance(a, Path) else str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_inert(text: str, where: str) -> None:
    """Nothing a terminal would obey: only the SGR colours Rich adds itself."""
    plain = SGR.sub("", text)
    for char in FORBIDDEN:
        assert char not in plain, (where, repr(char), plain[max(0, plain.find(char) - 40) : plain.find(char) + 40])
    assert "\x1b]8" not in text, where  # no hyperlink the screen did not show


def listed(capsys, corpus: Path) -> list[dict]:
    code, out, _ = run(capsys, "list", corpus, "--format", "json")
    assert code == 0
    return json.loads(out)


def test_check_names_each_bad_file_and_reads_the_rest(capsys, corpus):
    code, out, err = run(capsys, "check", corpus)
    assert code == 1  # some files were skipped
    skipped = {os.path.basename(re.sub(r":\d+$", "", line.split(": skipped: ")[0])) for line in out.splitlines() if ": skipped: " in line}
    assert skipped == BAD
    assert "9 files skipped" in out or f"{len(BAD)} files skipped" in out
    assert "Traceback" not in out + err
    titles = {row["title"] for row in listed(capsys, corpus)}
    assert {"A huge body", "Links that must not open", "A link full of shell syntax", "Laughs", "Named with escapes"} <= titles
    assert "Name not in UTF-8" in titles


@pytest.mark.parametrize("colour", [False, True], ids=["pipe", "terminal"])
def test_no_command_lets_a_file_drive_the_terminal(capsys, corpus, monkeypatch, colour):
    if colour:
        monkeypatch.setenv("FORCE_COLOR", "1")  # Rich writes as to a colour terminal
    outputs = {}
    for args in (
        ["list", corpus],
        ["list", corpus, "--format", "csv"],
        ["list", corpus, "--format", "json"],
        ["list", corpus, "--format", "jsonl"],
        ["check", corpus],
        ["topics", corpus],
        ["topics", corpus, "--format", "json"],
    ):
        code, out, err = run(capsys, *args)
        assert code in (0, 1), args
        assert_inert(out + err, " ".join(map(str, args[:1] + args[2:])))
        outputs[" ".join(map(str, args[2:])) or args[0]] = out
    for row in listed(capsys, corpus):
        code, out, err = run(capsys, "show", row["id"], corpus)
        assert code == 0, row["path"]
        assert_inert(out + err, "show " + row["path"])
    # inert, yet the words around the controls are still there to read
    table = SGR.sub("", outputs["list"])
    assert "Escapes cleared titled red dcs bell back return" in table
    assert "pwned" not in table and "[2J" not in table  # each sequence goes whole, leaving no half behind
    assert "[bold red]Markup[/]" in table  # markup shows its brackets


def test_json_keeps_every_string_exactly(capsys, corpus):
    rows = {row["title"]: row for row in listed(capsys, corpus)}
    escapes = next(row for title, row in rows.items() if title.startswith("Escapes"))
    assert "\x1b[2J\x1b[H" in escapes["title"] and "\x9b31m" in escapes["title"]
    assert escapes["provider"]["name"] == "Esc\x1b[2J\x1b[HCorp"
    assert escapes["topics"] == ["Esc\x9b31mTopic", "Plain"]
    assert rows["A link full of shell syntax"]["url"] == SHELL_URL
    # a name that is not UTF-8 comes back as the same bytes
    odd = rows["Name not in UTF-8"]["path"]
    assert os.fsencode(odd).endswith(b"/caf\xe9-latin1-name.md")
    assert Path(odd).read_bytes().startswith(b"---")


def test_csv_cells_hold_no_controls_even_in_a_pipe(capsys, corpus):
    code, out, _ = run(capsys, "list", corpus, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    titles = [row["title"] for row in rows]
    assert any(t.startswith("Escapes") and "cleared" in t for t in titles)
    assert not any(ch in "".join(titles) for ch in FORBIDDEN)


def test_a_huge_body_is_shown_in_part_with_a_note(capsys, corpus):
    code, out, _ = run(capsys, "show", corpus / "huge-body.md")
    assert code == 0
    assert "shortened" in out and f"{HUGE_BODY_BYTES // 1_000_000}" in out.replace(",", "")[: len(out)]
    assert len(out) < HUGE_BODY_BYTES / 10  # in part


# -- the app -------------------------------------------------------------------------


async def show(pilot, app, title: str) -> None:
    """Put the cursor on the article called ``title`` and wait for its body."""
    articles = article_list(app)
    rows = app.library.rows(articles.ids)
    articles.move_to(next(i for i, r in enumerate(rows) if r.title == title))
    await wait_until(pilot, lambda: pane(app).article is not None and pane(app).article.title == title, what=title)

SVG_FORBIDDEN = ("&#27;", "&#x1b;", "&#155;", "&#x9b;", "&#7;", "&#x7;", "&#8238;", "&#x202e;", "\x1b", "\x9b", "\u202e", "\u2067")


def assert_screen_inert(app, where: str) -> None:
    svg = app.export_screenshot()
    for token in SVG_FORBIDDEN:
        assert token not in svg, (where, token)


async def test_the_app_shows_every_hostile_article_as_inert_text(corpus, tmp_path):
    app = build(corpus, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = article_list(app)
        count = articles.count
        assert count == len(listed_titles := [r.title for r in app.library.rows(articles.ids)])
        assert "Name not in UTF-8" in listed_titles and "A huge body" in listed_titles
        for index in range(count):
            if index:
                await pilot.press("j")
            await pane_follows(pilot)
            assert pane(app).article is not None, listed_titles[index]
            assert pane_title(app), listed_titles[index]
            assert_screen_inert(app, listed_titles[index])
        # the raw view and the help screen, on the worst article
        articles.move_to(listed_titles.index(next(t for t in listed_titles if t.startswith("Escapes"))))
        await settle(pilot)
        for key in ("i", "escape", "question_mark", "escape", "enter"):
            await press(pilot, key)
            assert_screen_inert(app, key)
        assert "Escapes cleared titled red" in pane_text(app) and "pwned" not in pane_text(app)


async def test_the_app_shows_a_huge_body_in_part(corpus, tmp_path):
    app = build(corpus, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = article_list(app)
        await show(pilot, app, "A huge body")
        await press(pilot, "enter", "G")  # read it, to the end: the note says what was left out
        assert "shortened" in pane_text(app)
        await press(pilot, "escape", "j")  # and the app still answers
        assert pane_title(app) != "A huge body"
        assert articles.cursor > 0


async def test_the_raw_view_of_a_billion_laughs_answers(corpus, tmp_path):
    app = build(corpus, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await show(pilot, app, "Laughs")
        await pilot.press("i")
        await wait_until(pilot, lambda: "Reading" not in shown(app.screen.query_one("#raw-text")))
        raw = shown(app.screen.query_one("#raw-text"))
        # The file's own text, the payload's value withheld whatever its form.
        assert re.search(r"secured: <encrypted payload, \d+ characters, not shown>", raw), raw[-2000:]
        assert len(raw) < 100_000  # the aliases are shown as aliases, never expanded
        await pilot.press("escape")
        assert app.is_running


async def test_only_http_links_open_and_shell_syntax_stays_one_argument(corpus, tmp_path, monkeypatch, notices):
    browser = Browser(tmp_path, monkeypatch)
    marker = Path("/tmp/reader-pwned")
    marker.unlink(missing_ok=True)
    app = build(corpus, tmp_path, browser)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await show(pilot, app, "Links that must not open")
        before = len(notices)
        await pilot.press("o")
        for number in range(1, len(REFUSED_URLS) + 1):
            await pilot.press(str(number))
        new = notices[before:]
        assert [n.severity for n in new] == ["error"] * (len(REFUSED_URLS) + 1)
        assert any("javascript" in n.message for n in new)
        browser.assert_not_started()

        await show(pilot, app, "A link full of shell syntax")
        await pilot.press("o")
        await pilot.press("1")
        calls = browser.wait_for(2)
        assert calls == [[SHELL_URL], [SHELL_URL + "&related"]]  # each whole URL, as one argument
    assert not marker.exists()


def test_an_unforeseen_error_is_one_line_and_a_crash_log(capsys, corpus, monkeypatch, tmp_path):
    import reader.store

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("READER_DEBUG", raising=False)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug reader did not foresee")

    monkeypatch.setattr(reader.store.Library, "refresh", broken)
    code, out, err = run(capsys, "list", corpus)
    assert code == 70
    assert "Traceback" not in out + err
    assert err.count("\n") == 1 and "a bug reader did not foresee" in err and "crash.log" in err
    log = tmp_path / "cache" / "reader" / "crash.log"
    assert "Traceback" in log.read_text(encoding="utf-8") and "broken" in log.read_text(encoding="utf-8")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\x1b\x9b\x9c\x9d\x90\x07\\[]();PX^_0123456789mJ \n\t\r\u202e\u2067\ud800a€世")), max_size=60))
def test_clean_leaves_nothing_a_terminal_obeys(text):
    from reader.text import clean, clean_block

    for shown in (clean(text), clean_block(text)):
        assert not any(ch in shown for ch in FORBIDDEN)
        assert not any("\ud800" <= ch <= "\udfff" for ch in shown)
        shown.encode("utf-8")  # writable to any UTF-8 terminal


def test_show_by_id_alone_finds_a_file_whose_name_is_not_utf8(capsys, corpus):
    odd = next(row for row in listed(capsys, corpus) if row["title"] == "Name not in UTF-8")
    code, out, err = run(capsys, "show", odd["id"])  # no library given: found in the caches
    assert code == 0, err
    assert "Name not in UTF-8" in out
    assert_inert(out + err, "show by id")
