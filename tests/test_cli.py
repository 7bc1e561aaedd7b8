"""The `reader` command line: list, show, check, topics, run in-process (and twice for real)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE, SEEDS, article, write
from reader import cli
from reader.cli import main

UNSAFE = ["\x1b", "\x07", "\x9b", "\u202e"]


# Every test here runs with a wide, fixed console in a folder of its own (conftest).
pytestmark = pytest.mark.usefixtures("wide_console")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lib(tmp_path) -> Path:
    """Four articles: the example file and three small ones."""
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "example.md").write_bytes(EXAMPLE.read_bytes())
    write(
        folder,
        "mowers.md",
        article(
            "Robot Mowers Spare Hedgehogs",
            excerpt='"Night-time lawns are safer now"',
            publishedDateTime="2024-05-01T08:00:00Z",
            originalUrl="https://example.org/mowers",
            quality=80.5,
            heat=1200,
            published="true",
            provider="{name: Garden Weekly, domain: gardenweekly.example}",
            topics="[Robotics]",
            images='[{url: "https://example.org/m.jpg", width: 640, height: 480}]',
            body="Hedgehogs sleep through the **night**.",
        ),
    )
    write(
        folder,
        "pointer.md",
        article(
            "Chip Roundup",
            quality=50,
            topics='["AI Hardware"]',
            related=(
                '[{title: "The chip firm story", '
                'webUrl: "https://www.extremetech.com/computing/chip-startup-plans-share-sale"}, '
                '{title: "Somewhere else", webUrl: "https://elsewhere.example/story", quality: 7}]'
            ),
            body="A roundup of chip news.",
        ),
    )
    write(folder, "quiet.md", article("Quiet Unscored Note", body="A zebra crossing."))
    return folder


def rows_json(capsys, *args: str) -> list[dict]:
    code, out, err = run(capsys, "list", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


# -- list ---------------------------------------------------------------------------


def test_list_table_shows_titles_and_a_count(capsys, lib):
    code, out, err = run(capsys, "list", lib)
    assert code == 0
    assert err == ""
    for title in ("Robot Mowers Spare Hedgehogs", "Chip Roundup", "Quiet Unscored Note", "Chip Start-up Courting"):
        assert title in out
    assert "4 of 4 articles" in out
    # quality order, best first, unscored last
    assert out.index("Robot Mowers") < out.index("Chip Roundup") < out.index("Chip Start-up Courting") < out.index("Quiet Unscored")


def test_list_query_after_paths(capsys, lib):
    code, out, _ = run(capsys, "list", lib, "topic:robotics")
    assert code == 0
    assert "Robot Mowers Spare Hedgehogs" in out
    assert "Chip Roundup" not in out
    assert "1 of 1 articles" in out


def test_list_query_of_several_words(capsys, lib):
    code, out, _ = run(capsys, "list", lib, "hedgehogs", "night")
    assert code == 0
    assert "Robot Mowers" in out and "1 of 1 articles" in out


def test_list_sort_reverse_and_limit(capsys, lib):
    by_title = [r["title"] for r in rows_json(capsys, lib, "--sort", "title")]
    assert by_title == sorted(by_title, key=str.lower)
    assert [r["title"] for r in rows_json(capsys, lib, "--sort", "title", "--reverse")] == by_title[::-1]
    by_date = [r["title"] for r in rows_json(capsys, lib, "--sort", "date")]
    assert by_date[:2] == ["Robot Mowers Spare Hedgehogs", EXAMPLE_TITLE]
    code, out, _ = run(capsys, "list", lib, "--limit", "2")
    assert code == 0 and "2 of 4 articles" in out
    assert "Quiet Unscored" not in out


def test_options_may_come_anywhere(capsys, lib):
    # lowest quality first; the unscored article stays last
    assert [r["title"] for r in rows_json(capsys, "--limit=1", lib, "--reverse")] == [EXAMPLE_TITLE]


EXAMPLE_TITLE = "Chip Start-up Courting Data Centres Plans Share Sale Next Spring"
KEYS = {
    "id", "path", "title", "excerpt", "url", "original_url", "published_at", "quality", "heat",
    "published", "type", "category", "provider", "topics", "images", "related", "has_secured", "story", "story_size",
}


def test_json_has_the_documented_keys_and_the_file_values(capsys, lib):
    rows = {r["title"]: r for r in rows_json(capsys, lib)}
    assert all(set(r) == KEYS for r in rows.values())
    example = rows[EXAMPLE_TITLE]
    assert example["path"] == str(lib / "example.md")
    assert example["excerpt"].startswith("The company says its accelerators have become the default alternative")
    url = "https://www.extremetech.com/computing/chip-startup-plans-share-sale"
    assert example["url"] == example["original_url"] == url
    assert example["published_at"] == "2023-07-18T18:30:00Z"
    assert example["quality"] == 34 and type(example["quality"]) is int
    assert example["heat"] is None  # -1 in the file means no heat
    assert example["published"] is False
    assert (example["type"], example["category"]) == ("article", "news")
    assert example["provider"] == {"name": "ExtremeTech", "domain": "extremetech.com"}
    assert example["topics"] == ["AI Hardware", "AI"]
    assert example["images"] == []
    assert example["has_secured"] is True
    first = example["related"][0]
    assert set(first) == {"title", "url", "provider", "quality", "published_at", "excerpt"}
    assert first["title"].startswith("Investors weigh export rules")
    assert first["url"].startswith("https://www.scmp.com/tech/tech-trends/article/3228372/")
    assert first["provider"] == {"name": "scmp.com", "domain": "scmp.com"}
    assert first["quality"] == 82 and type(first["quality"]) is int
    assert first["published_at"] == "2023-07-20T23:00:00Z"
    assert [r["quality"] for r in example["related"]] == [82, 32, 2]


def test_json_values_of_a_small_article(capsys, lib):
    rows = {r["title"]: r for r in rows_json(capsys, lib)}
    mowers = rows["Robot Mowers Spare Hedgehogs"]
    assert mowers["url"] == mowers["original_url"] == "https://example.org/mowers"
    assert mowers["quality"] == 80.5
    assert mowers["heat"] == 1200 and type(mowers["heat"]) is int
    assert mowers["published"] is True
    assert mowers["images"] == [{"url": "https://example.org/m.jpg", "width": 640, "height": 480}]
    assert mowers["excerpt"] == "Night-time lawns are safer now"
    quiet = rows["Quiet Unscored Note"]
    for key in ("excerpt", "url", "original_url", "published_at", "quality", "heat", "published", "type", "category", "provider"):
        assert quiet[key] is None, key
    assert (quiet["topics"], quiet["images"], quiet["related"], quiet["has_secured"]) == ([], [], [], False)
    related = rows["Chip Roundup"]["related"]
    assert related[1] == {
        "title": "Somewhere else",
        "url": "https://elsewhere.example/story",
        "provider": None,
        "quality": 7,
        "published_at": None,
        "excerpt": None,
    }


def test_jsonl_gives_one_object_per_line(capsys, lib):
    code, out, _ = run(capsys, "list", lib, "--format", "jsonl")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 4
    objects = [json.loads(line) for line in lines]
    assert all(set(o) == KEYS for o in objects)
    assert objects == rows_json(capsys, lib)


def test_csv_has_a_header_and_a_row_per_article(capsys, lib):
    code, out, _ = run(capsys, "list", lib, "--format", "csv")
    assert code == 0
    records = list(csv.DictReader(io.StringIO(out)))
    assert len(records) == 4
    assert {"id", "title", "url", "quality"} <= set(records[0])
    by_title = {r["title"]: r for r in records}
    assert by_title[EXAMPLE_TITLE]["quality"] == "34"
    assert by_title["Quiet Unscored Note"]["quality"] == ""
    assert by_title["Robot Mowers Spare Hedgehogs"]["url"] == "https://example.org/mowers"


def test_negated_qualifier_is_a_query_term_not_an_option(capsys, lib):
    titles = [r["title"] for r in rows_json(capsys, lib, "-topic:AI")]
    assert EXAMPLE_TITLE not in titles
    assert sorted(titles) == ["Chip Roundup", "Quiet Unscored Note", "Robot Mowers Spare Hedgehogs"]
    assert [r["title"] for r in rows_json(capsys, lib, "-hedgehogs", "-zebra", "-chip")] == []
    assert [r["title"] for r in rows_json(capsys, lib, "-provider:extremetech", "-topic:robotics")] == [
        "Chip Roundup",
        "Quiet Unscored Note",
    ]


def test_multi_word_qualifier_from_the_shell(capsys, lib):
    # `reader list lib topic:"AI Hardware"` reaches argv as the single word topic:AI Hardware
    assert [r["title"] for r in rows_json(capsys, lib, "topic:AI Hardware")] == ["Chip Roundup", EXAMPLE_TITLE]


def test_multi_word_qualifier_quoted_for_reader(capsys, lib):
    assert [r["title"] for r in rows_json(capsys, lib, 'topic:"ai hardware"')] == ["Chip Roundup", EXAMPLE_TITLE]


def test_malformed_query_exits_2_with_a_pointer(capsys, lib):
    code, out, err = run(capsys, "list", lib, "quality:>>3")
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith("reader: ") and "quality" in lines[0]
    assert lines[1].strip() == "quality:>>3"
    assert set(lines[2].strip()) == {"^"}
    assert "Traceback" not in err


@pytest.mark.parametrize("query", ['"unclosed', "colour:red", "since:someday", "is:maybe", "sort:-x"])
def test_other_malformed_queries_exit_2(capsys, lib, query):
    code, out, err = run(capsys, "list", lib, query)
    assert code == 2 and out == ""
    assert err.startswith("reader: ") and "^" in err


def test_unknown_option_exits_2(capsys, lib):
    code, out, err = run(capsys, "list", lib, "--bogus")
    assert code == 2 and out == ""
    assert "--bogus" in err and "Traceback" not in err
    assert run(capsys, "list", lib, "--sort", "size")[0] == 2
    assert run(capsys, "list", lib, "--limit", "many")[0] == 2
    assert run(capsys, "list", lib, "--format", "xml")[0] == 2


def test_missing_path_exits_2(capsys, tmp_path):
    code, out, err = run(capsys, "list", tmp_path / "nowhere")
    assert code == 2 and out == ""
    assert "nowhere" in err
    code, _, err = run(capsys, "list", "missing.md")
    assert code == 2 and "missing.md" in err
    assert run(capsys, "check", tmp_path / "nowhere")[0] == 2
    assert run(capsys, "topics", tmp_path / "nowhere")[0] == 2


def test_missing_second_path_exits_2(capsys, lib):
    code, _, err = run(capsys, "list", lib, lib.parent / "typo" / "notes.md")
    assert code == 2
    assert "notes.md" in err


# -- show ------------------------------------------------------------------------------


def test_show_by_id_from_list(capsys, lib):
    [example] = rows_json(capsys, lib, "provider:extremetech")
    code, out, err = run(capsys, "show", example["id"])
    assert code == 0, err
    assert EXAMPLE_TITLE in out
    assert "ExtremeTech" in out and "extremetech.com" in out
    assert "AI Hardware" in out
    assert "default alternative for buyers" in out
    assert "1. Investors weigh export rules" in out
    assert "3. Lawmakers debate limits on foreign self-driving tests" in out
    assert "encrypted payload" in out
    assert "Mu4uWfbEF3dfliHd2fDncojDJ0BrZ0HO4yXS+M+yLcPH3FicbOAa4Y3FZPLZbZZQqhleVnRonWp/S0x3RpPHQiaLZEeA2E83L1bwfEQABV7aleeB4F7b/NsTFg/k58a6SPundJWVg+OxW8a8cCRaLjXqTj/FCyRShu+ihVt68CNgpX80daDaBT423c4YAmhobjCHj5jUSh0k176bfW+5UQBK8gWTPj7ZJoRxK2REOXCl6R0/;mdmbU+8qlyrmmNlTvRXJrg=="[:40] not in out
    assert "Mu4uWfbEF3dfliHd2fDncojDJ0BrZ0HO4yXS+M+yLcPH3FicbOAa4Y3FZPLZbZZQqhleVnRonWp/S0x3RpPHQiaLZEeA2E83L1bwfEQABV7aleeB4F7b/NsTFg/k58a6SPundJWVg+OxW8a8cCRaLjXqTj/FCyRShu+ihVt68CNgpX80daDaBT423c4YAmhobjCHj5jUSh0k176bfW+5UQBK8gWTPj7ZJoRxK2REOXCl6R0/;mdmbU+8qlyrmmNlTvRXJrg==".split(";")[1][:12] not in out


def test_show_by_path(capsys, lib):
    code, out, _ = run(capsys, "show", lib / "mowers.md")
    assert code == 0
    assert "Robot Mowers Spare Hedgehogs" in out
    assert "Garden Weekly" in out and "Robotics" in out
    assert "Hedgehogs sleep through the night" in out  # the body, markdown rendered
    assert "**" not in out


def test_show_by_relative_path(capsys, lib, monkeypatch):
    monkeypatch.chdir(lib)
    code, out, _ = run(capsys, "show", "quiet.md")
    assert code == 0 and "Quiet Unscored Note" in out and "zebra crossing" in out


def test_show_marks_related_articles_in_the_library(capsys, lib):
    run(capsys, "list", lib)  # index the folder
    code, out, _ = run(capsys, "show", lib / "pointer.md")
    assert code == 0
    lines = out.splitlines()
    [inside] = [line for line in lines if "The chip firm story" in line]
    [outside] = [line for line in lines if "Somewhere else" in line]
    assert inside.lstrip().startswith("1.") and "[in library]" in inside
    assert outside.lstrip().startswith("2.") and "[in library]" not in outside


def test_show_id_with_library_paths(capsys, lib):
    [row] = rows_json(capsys, lib, "zebra")
    code, out, _ = run(capsys, "show", row["id"], lib)
    assert code == 0 and "Quiet Unscored Note" in out


def test_show_unknown_id_exits_2(capsys, lib):
    code, out, err = run(capsys, "show", "0123456789ab", lib)
    assert code == 2 and out == ""
    assert "0123456789ab" in err and "Traceback" not in err


# -- check -----------------------------------------------------------------------------


def test_check_clean_folder(capsys, lib):
    code, out, _ = run(capsys, "check", lib)
    assert code == 0
    assert out.strip().splitlines() == ["4 articles read, 0 files skipped, 0 warnings"]


def test_check_reports_each_problem_on_a_line(capsys, tmp_path):
    folder = tmp_path / "work" / "mixed"
    write(folder, "good.md", article("Good"))
    write(folder, "warned.md", article("Warned", quality="lots"))
    write(folder, "broken.md", "no front matter\n")
    code, out, _ = run(capsys, "check", "mixed")
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("mixed/broken.md:1: skipped: ")
    assert lines[1].startswith("mixed/warned.md:3: warning: ") and "quality" in lines[1]
    assert lines[2] == "2 articles read, 1 file skipped, 1 warning"


def test_check_warnings_alone_exit_0(capsys, tmp_path):
    folder = tmp_path / "lib"
    write(folder, "warned.md", article("Warned", quality="lots", published="maybe"))
    code, out, _ = run(capsys, "check", folder)
    assert code == 0
    assert out.strip().splitlines()[-1] == "1 article read, 0 files skipped, 2 warnings"


# -- topics ----------------------------------------------------------------------------


def test_topics_table(capsys, lib):
    code, out, _ = run(capsys, "topics", lib)
    assert code == 0
    lines = [" ".join(line.split()) for line in out.strip().splitlines()]
    assert lines == ["Topic Articles Mean quality", "AI Hardware 2 42.0", "AI 1 34.0", "Robotics 1 80.5"]


def test_topics_json(capsys, lib):
    code, out, _ = run(capsys, "topics", lib, "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {"topic": "AI Hardware", "articles": 2, "mean_quality": 42.0},
        {"topic": "AI", "articles": 1, "mean_quality": 34.0},
        {"topic": "Robotics", "articles": 1, "mean_quality": 80.5},
    ]
    code, out, _ = run(capsys, "topics", lib, "quality:>40", "--format", "json")
    assert [t["topic"] for t in json.loads(out)] == ["AI Hardware", "Robotics"]


# -- text from files is data -------------------------------------------------------------

HOSTILE_TITLE = "\x1b[2J\x1b]0;pwned\x07 \x9b31m evil \u202egnp.exe"


@pytest.fixture
def hostile(tmp_path) -> Path:
    folder = tmp_path / "hostile"
    write(folder, "markup.md", article("[bold red]x[/] and [link=https://evil.example]y[/link]", quality=90))
    write(
        folder,
        "controls.md",
        article(
            "\\e[2J\\e]0;pwned\\a \\x9b31m evil \\u202egnp.exe",
            quality=80,
            excerpt='"ex \\e[31mcerpt"',
            provider='{name: "Bad \\e[5mCorp", domain: "bad\\u202e.example"}',
            topics='["\\e[1mTopic"]',
            related='[{title: "rel \\x9b2J title", webUrl: "https://r.example/\\e[0m"}]',
            body="Body \x1b[31mred\x1b[0m and \x9b2J and \u202e reversed",
        ),
    )
    return folder


def assert_inert(text: str) -> None:
    for char in UNSAFE:
        assert char not in text, repr(char)


def test_markup_in_a_title_is_shown_as_typed(capsys, hostile):
    code, out, _ = run(capsys, "list", hostile)
    assert code == 0
    assert "[bold red]x[/] and [link=https://evil.example]y[/link]" in out
    code, out, _ = run(capsys, "show", hostile / "markup.md")
    assert "[bold red]x[/] and [link=https://evil.example]y[/link]" in out


def test_controls_never_reach_the_table(capsys, hostile):
    code, out, err = run(capsys, "list", hostile)
    assert code == 0
    assert_inert(out)
    assert_inert(err)
    assert "evil" in out and "gnp.exe" in out
    assert "pwned" not in out and "[2J" not in out  # each escape sequence goes whole


def test_controls_never_reach_show(capsys, hostile):
    code, out, err = run(capsys, "show", hostile / "controls.md")
    assert code == 0
    assert_inert(out)
    assert_inert(err)
    assert "evil" in out and "Corp" in out and "cerpt" in out and "reversed" in out and "rel" in out


def test_controls_never_reach_topics_or_check(capsys, hostile):
    for command in ("topics", "check"):
        code, out, err = run(capsys, command, hostile)
        assert code == 0
        assert_inert(out + err)


def test_control_characters_in_a_file_name(capsys, tmp_path):
    folder = tmp_path / "names"
    write(folder, "\x1b[2Jgood\u202e.md", article("Good name"))
    write(folder, "\x1b]0;pwned\x07bad.md", "no front matter\n")
    code, out, err = run(capsys, "check", folder)
    assert code == 1
    assert_inert(out + err)
    assert "bad.md" in out and "pwned" not in out
    code, out, _ = run(capsys, "list", folder, "--format", "json")
    assert_inert(out)
    assert json.loads(out)[0]["path"] == str(folder / "\x1b[2Jgood\u202e.md")


def test_json_keeps_the_exact_strings_but_escapes_them(capsys, hostile):
    for fmt in ("json", "jsonl"):
        code, out, _ = run(capsys, "list", hostile, "--format", fmt)
        assert code == 0
        assert_inert(out)
        rows = [json.loads(line) for line in out.splitlines()] if fmt == "jsonl" else json.loads(out)
        row = {r["quality"]: r for r in rows}[80]
        assert row["title"] == HOSTILE_TITLE
        assert row["excerpt"] == "ex \x1b[31mcerpt"
        assert row["provider"] == {"name": "Bad \x1b[5mCorp", "domain": "bad\u202e.example"}
        assert row["topics"] == ["\x1b[1mTopic"]
        assert row["related"][0]["title"] == "rel \x9b2J title"
    code, out, _ = run(capsys, "topics", hostile, "--format", "json")
    assert_inert(out)
    assert json.loads(out)[0]["topic"] == "\x1b[1mTopic"


# -- the default library ---------------------------------------------------------------------


def seed_count() -> int:
    return sum(1 for p in SEEDS.iterdir() if p.suffix in (".md", ".markdown") and not p.name.startswith("."))


def test_no_path_uses_the_library_in_the_config(capsys, xdg_dirs, lib):
    config = xdg_dirs["XDG_CONFIG_HOME"] / "reader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f"library = [{json.dumps(str(lib))}]\n")
    code, out, err = run(capsys, "list")
    assert code == 0 and err == ""
    assert "Robot Mowers Spare Hedgehogs" in out and "4 of 4 articles" in out


def test_no_path_and_no_config_lists_the_seeds(capsys):
    rows = rows_json(capsys)
    assert len(rows) == seed_count() >= 40
    assert all(Path(r["path"]).parent == SEEDS for r in rows)
    code, out, _ = run(capsys, "list", "--limit", "1")
    assert f"1 of {seed_count()} articles" in out


def test_broken_config_is_named_and_seeds_are_listed(capsys, xdg_dirs):
    config = xdg_dirs["XDG_CONFIG_HOME"] / "reader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("library = [unclosed\n")
    code, out, err = run(capsys, "list", "--limit", "1")
    assert code == 0
    assert f"1 of {seed_count()} articles" in out
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("reader: ") and str(config) in lines[0]


# -- progress --------------------------------------------------------------------------------


def test_progress_is_silent_when_stderr_is_not_a_terminal(capsys):
    from reader.cli.opening import DelayedProgress

    progress = DelayedProgress("Indexing articles")
    progress.started -= 10  # as if indexing had run for ten seconds
    for done in range(0, 100, 10):
        progress(done, 100)
    progress.close()
    assert progress.bar is None
    assert capsys.readouterr().err == ""


# -- the real command ------------------------------------------------------------------------


def reader_command() -> list[str]:
    script = Path(sys.executable).with_name("reader")
    return [str(script)] if script.exists() else [sys.executable, "-m", "reader"]


def test_console_script_lists_and_reports_errors(lib, tmp_path):
    for i in range(150):  # a library a little larger than the fixture
        write(lib, f"bulk/b{i:03}.md", article(f"Bulk {i}", quality=i % 7))
    ok = subprocess.run([*reader_command(), "list", str(lib), "--format", "jsonl"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0
    assert ok.stderr == ""  # no progress bar, no notices when stderr is a pipe
    assert len(ok.stdout.splitlines()) == 154

    bad = subprocess.run([*reader_command(), "list", str(lib), "quality:>>"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.startswith("reader: ") and "^" in bad.stderr
    assert "Traceback" not in bad.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["list", "--format", "json"], id="json"),
        pytest.param(["list"], id="table"),
        pytest.param(["show", "PATH"], id="show"),
    ],
)
def test_closed_pipe_is_not_an_error(lib, args):
    args = [str(lib / "example.md") if a == "PATH" else a for a in args]
    if args[0] == "list":
        args.insert(1, str(lib))
    proc = subprocess.Popen([*reader_command(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # like `| head` that has already exited
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err


# -- one line an article on a pipe; no trailing spaces; the help as it is ------------------

LONG_TITLE = "A Very Long Title " + " ".join(f"word{i}" for i in range(30)) + " The End"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def long_lib(lib) -> Path:
    write(
        lib,
        "long.md",
        article(
            LONG_TITLE,
            quality=70,
            publishedDateTime="2023-07-01T00:00:00Z",
            provider="{name: A Provider With A Name Far Longer Than Twenty Cells}",
            body="Words " * 200 + "\n\n```\ncode line\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        ),
    )
    return lib


def test_list_to_a_pipe_prints_one_whole_line_an_article(capsys, long_lib, monkeypatch):
    monkeypatch.delenv("COLUMNS")  # no width asked for: nothing is cut
    code, out, _ = run(capsys, "list", long_lib)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 1 + 5 + 1  # header, an article a line, the count
    assert lines[0].split() == ["ID", "Q", "Heat", "Date", "Provider", "Title"]
    assert lines[-1] == "5 of 5 articles"
    [long] = [line for line in lines if "A Very Long Title" in line]
    assert long.endswith(LONG_TITLE)
    assert "A Provider With A N…  A Very" in long  # the provider column stays 20 cells wide
    assert "Jul 2023" in long
    # the title column starts at the same place on every line
    column = lines[0].index("Title")
    titles = {line[column:] for line in lines[1:-1]}
    assert titles == {LONG_TITLE, "Chip Roundup", "Quiet Unscored Note", "Robot Mowers Spare Hedgehogs", EXAMPLE_TITLE}
    assert all(line == line.rstrip() for line in lines)


def test_list_to_a_pipe_is_cut_at_columns_when_set(capsys, long_lib, monkeypatch):
    monkeypatch.setenv("COLUMNS", "72")
    code, out, _ = run(capsys, "list", long_lib)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 7
    assert all(len(line) <= 72 for line in lines)
    [long] = [line for line in lines if "A Very Long" in line]
    assert len(long) == 72 and long.endswith("…")
    assert "Chip Roundup" in out  # short enough to fit


def test_list_through_a_real_pipe(long_lib):
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    proc = subprocess.run([*reader_command(), "list", str(long_lib)], capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0 and proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert len(lines) == 7
    assert any(line.endswith(LONG_TITLE) for line in lines)
    assert "Date" in lines[0] and "Age" not in lines[0]


def test_list_on_a_terminal_wraps_titles_under_date(capsys, long_lib, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    code, out, _ = run(capsys, "list", long_lib)
    assert code == 0
    out = ANSI.sub("", out)
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "Q", "Heat", "Date", "Provider", "Title"]
    assert len(lines) > 7  # the long title wraps on a terminal
    assert all(len(line) <= 80 and line == line.rstrip() for line in lines)
    assert {"word0", "word29", "End"} <= set(out.split())


def assert_no_trailing_spaces(out: str) -> None:
    lines = ANSI.sub("", out).splitlines()
    assert lines
    padded = [line for line in lines if line != line.rstrip()]
    assert padded == []


@pytest.mark.parametrize("name", ["long.md", "example.md", "mowers.md", "pointer.md"])
def test_show_has_no_trailing_spaces_on_a_pipe(capsys, long_lib, name):
    code, out, _ = run(capsys, "show", long_lib / name)
    assert code == 0
    assert_no_trailing_spaces(out)


def test_show_has_no_trailing_spaces_in_colour(capsys, long_lib, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, "show", long_lib / "example.md")
    assert code == 0
    assert "\x1b[" in out  # coloured, as on a terminal
    assert_no_trailing_spaces(out)


def test_show_keeps_the_article_whole(capsys, long_lib):
    code, out, _ = run(capsys, "show", long_lib / "long.md")
    assert code == 0
    assert LONG_TITLE.split()[-1] in out
    assert "code line" in out
    assert out.count("Words") == 200


HELP_LINES = [
    "reader [PATH...] [--version]",
    "reader list [PATH...] [QUERY] [--sort quality|date|heat|title|sources|relevance] [--reverse] [--limit N] [--stories] [--format table|json|jsonl|csv]",
    "reader check [PATH...]",
    "reader topics [PATH...] [QUERY] [--format table|json]",
    "reader show ID|PATH [LIBRARY...] [--full] [--format text|json]",
    "reader fetch [PATH|QUERY...] [--jobs N] [--refresh]",
    "reader config",
    "reader state export FILE",
    "reader state import FILE",
]


def help_synopses(out: str) -> list[str]:
    return [line.removeprefix("usage:").strip() for line in out.splitlines() if line.removeprefix("usage:").strip().startswith("reader")]


def test_help_lists_every_command_with_its_options(capsys):
    code, out, err = run(capsys, "--help")
    assert code == 0 and err == ""
    assert help_synopses(out) == HELP_LINES
    assert run(capsys, "-h")[1] == out


@pytest.mark.parametrize(
    "command",
    [["list"], ["check"], ["topics"], ["show"], ["config"], ["state", "export"], ["state", "import"], []],
    ids=lambda c: " ".join(c) or "app",
)
def test_help_says_what_each_command_really_takes(capsys, command):
    """Every option in a command's own --help (argparse's) is in `reader --help`, with its values."""
    if command:
        code, own, _ = run(capsys, *command, "--help")
        assert code == 0
    else:
        own = cli.app_parser().format_help()
    synopses = help_synopses(run(capsys, "--help")[1])
    [line] = [s for s in synopses if s.split()[: len(command) + 1] == ["reader", *command]] if command else synopses[:1]
    section = own.split("options:", 1)[1]
    options = re.findall(r"^  (?:-\w, )?(--[\w-]+)(?: \{([^}]*)\}| (\w+))?", section, re.M)
    assert ("--help", "", "") in options
    for name, choices, value in options:
        if name == "--help":
            continue
        shown = f"[{name} {choices.replace(',', '|')}]" if choices else f"[{name} {value}]" if value else f"[{name}]"
        assert shown in line
    assert line.count("[--") == len(options) - 1


def test_help_and_version_end_the_command_quietly(capsys):
    code, out, err = run(capsys, "--version")
    assert code == 0 and out.startswith("reader ") and err == ""
    code, out, _ = run(capsys, "list", "--help")
    assert code == 0 and "--format {table,json,jsonl,csv}" in out and "COLUMNS" in out
