"""The TOML config (every key, its default, each kind of bad value) and the
`reader config`, `reader state export|import` and config-aware `reader list`
commands."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from conftest import article, write
from reader.cli import main
from reader.config import (
    Config,
    apply_config,
    config_path,
    load_config,
    seeds_dir,
    textual_theme_names,
)
from reader.query import Query, Term, parse_query
from reader.state import State, default_path


@pytest.fixture(autouse=True)
def wide_terminal(tmp_path, monkeypatch):
    """A wide console in a folder of our own, so lines do not wrap."""
    monkeypatch.setenv("COLUMNS", "300")
    monkeypatch.delenv("BROWSER", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)


def write_config(xdg_dirs: dict[str, Path], content: str | bytes) -> Path:
    path = xdg_dirs["XDG_CONFIG_HOME"] / "reader" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def run(capsys, *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


# -- defaults and good values ----------------------------------------------------------


def test_every_key_has_its_default_without_a_file():
    config = load_config()
    assert not config_path().exists()
    assert config.problems == []
    assert config.library == []
    assert config.browser is None
    assert config.theme is None
    assert config.sort == "quality"
    assert config.min_quality is None
    assert config.mark_read == "open"
    assert config.mark_read_dwell == 3
    assert config.hide_unscored is False
    assert config.pipe is None
    assert config.keys == {}


def test_an_empty_file_gives_the_defaults_too(xdg_dirs):
    write_config(xdg_dirs, "# nothing yet\n")
    assert load_config() == Config(path=config_path())


GOOD = """\
# my reader settings
library = ["articles", "~/news", "/srv/feeds"]
browser = "firefox --new-tab %s"
theme = "nord"
sort = "date"
min_quality = 40
hide_unscored = true
mark_read = "dwell"
mark_read_dwell = 1.5
pipe = "glow -"
full_text = "auto"
full_text_cache_mb = 200

[keys]
open = "O"
"list.down" = "j, down"
"""


def test_every_key_is_read_from_the_file(xdg_dirs, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = write_config(xdg_dirs, GOOD)
    config = load_config()
    assert config.problems == []
    assert config.library == [path.parent / "articles", tmp_path / "home" / "news", Path("/srv/feeds")]
    assert config.browser == "firefox --new-tab %s"
    assert config.theme == "nord"
    assert config.sort == "date"
    assert config.min_quality == 40
    assert config.hide_unscored is True
    assert config.mark_read == "dwell"
    assert config.mark_read_dwell == 1.5
    assert config.pipe == "glow -"
    assert config.full_text == "auto" and config.full_text_cache_mb == 200
    assert config.keys == {"open": "O", "list.down": "j,down"}  # spaces taken out for App.set_keymap


def test_one_library_path_and_a_url_placeholder(xdg_dirs):
    path = write_config(xdg_dirs, 'library = "lib"\nbrowser = "lynx {url}"\nsort = "Title"\nmin_quality = 12.5\n')
    config = load_config()
    assert config.problems == []
    assert config.library == [path.parent / "lib"]
    assert config.browser == "lynx {url}"
    assert config.sort == "title"
    assert config.min_quality == 12.5


def test_dotted_binding_ids_without_quotes_are_kept_whole(xdg_dirs):
    # In TOML `list.down = "j"` is a nested table; it still means binding "list.down".
    write_config(xdg_dirs, '[keys]\nlist.down = "j"\nlist.up = "k,up"\n')
    assert load_config().keys == {"list.down": "j", "list.up": "k,up"}


def test_keys_as_an_inline_table_or_dotted_at_the_top(xdg_dirs):
    write_config(xdg_dirs, 'keys.open = "O"\n')
    assert load_config().keys == {"open": "O"}
    write_config(xdg_dirs, 'keys = { open = "O", quit = "ctrl+q" }\n')
    assert load_config().keys == {"open": "O", "quit": "ctrl+q"}


def test_xdg_config_home_is_honoured(xdg_dirs, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(elsewhere))
    assert config_path() == elsewhere / "reader" / "config.toml"
    (elsewhere / "reader").mkdir(parents=True)
    (elsewhere / "reader" / "config.toml").write_text('sort = "heat"\n')
    write_config(xdg_dirs, 'sort = "title"\n')  # the old folder is no longer read
    assert load_config().sort == "heat"


def test_textual_theme_names_are_known_without_importing_textual():
    names = textual_theme_names()
    assert names is not None
    assert {"textual-dark", "textual-light", "nord", "gruvbox"} <= names


# -- bad values: named with their line, default used, the rest applies ----------------------

# Each case puts one bad line in GOOD in place of that key's good line.
BAD = [
    ("library = 3", "library", "must be a path or a list of paths, found 3", []),
    ('library = ["a", 2]', "library", "must be a path or a list of paths, found a list", []),
    ('library = ""', "library", 'must be a path or a list of paths, found ""', []),
    ("browser = 42", "browser", 'must be a command like "firefox %s", found 42', None),
    ('browser = "  "', "browser", 'must be a command like "firefox %s", found an empty string', None),
    ("browser = \"firefox 'oops\"", "browser", "cannot be split into words (no closing quotation)", None),
    ('theme = "no-such-theme"', "theme", "must be one of Textual's themes (", None),
    ("theme = 7", "theme", "must be the name of a Textual theme, found 7", None),
    ('sort = "newest"', "sort", 'must be one of quality, date, heat, title, sources, found "newest"', "quality"),
    ("sort = 1", "sort", "must be one of quality, date, heat, title, sources, found 1", "quality"),
    ("min_quality = -1", "min_quality", "must be a number of 0 or more, found -1", None),
    ('min_quality = "high"', "min_quality", 'must be a number of 0 or more, found "high"', None),
    ("min_quality = true", "min_quality", "must be a number of 0 or more, found true", None),
    ("min_quality = nan", "min_quality", "must be a number of 0 or more, found nan", None),
    ('hide_unscored = "yes"', "hide_unscored", 'must be true or false, found "yes"', False),
    ('mark_read = "yes"', "mark_read", 'must be one of open, dwell, never, found "yes"', "open"),
    ("mark_read_dwell = -1", "mark_read_dwell", "must be a number of seconds above 0 (at most 3600), found -1", 3.0),
    ("pipe = 3", "pipe", 'must be a command like "glow -", found 3', None),
    ('full_text = "always"', "full_text", 'must be one of key, auto, found "always"', "key"),
    ("full_text_cache_mb = 0", "full_text_cache_mb", "must be a whole number of megabytes from 1, found 0", 500),
]


@pytest.mark.parametrize("line, key, message, default", BAD, ids=[b[0] for b in BAD])
def test_a_bad_value_is_named_with_its_line_and_the_default_used(xdg_dirs, line, key, message, default):
    lines = GOOD.splitlines()
    number = next(i for i, text in enumerate(lines) if text.startswith(key + " "))
    lines[number] = line
    path = write_config(xdg_dirs, "\n".join(lines) + "\n")
    config = load_config()
    assert len(config.problems) == 1
    problem = config.problems[0]
    assert problem.startswith(f"{path}:{number + 1}: key '{key}' {message}")
    assert problem.endswith("; using the default")
    assert "\n" not in problem
    assert getattr(config, key) == default
    # Every other key still comes from the file.
    good = load_config_from_text(GOOD, path)
    for other in ("library", "browser", "theme", "sort", "min_quality", "hide_unscored", "mark_read", "mark_read_dwell", "pipe", "keys"):
        if other != key:
            assert getattr(config, other) == getattr(good, other), other


def load_config_from_text(text: str, path: Path) -> Config:
    saved = path.read_bytes()
    path.write_text(text)
    try:
        return load_config()
    finally:
        path.write_bytes(saved)


def test_a_bad_binding_names_its_own_line_and_the_others_apply(xdg_dirs):
    path = write_config(
        xdg_dirs,
        'sort = "heat"\n\n[keys]\nopen = "O"\nquit = 3\n"list.down" = "j,,down"\nlist.up = "k"\n',
    )
    config = load_config()
    assert config.problems == [
        f"{path}:5: key 'keys.quit' must be a string of keys like \"ctrl+o\" or \"j,down\", found 3; using the default",
        f"{path}:6: key 'keys.\"list.down\"' must be keys separated by commas, like \"j,down\", found \"j,,down\"; using the default",
    ]
    assert config.keys == {"open": "O", "list.up": "k"}
    assert config.sort == "heat"


def test_keys_that_is_not_a_table_is_named(xdg_dirs):
    path = write_config(xdg_dirs, 'sort = "date"\nkeys = "O"\n')
    config = load_config()
    assert config.problems == [
        f"{path}:2: key 'keys' must be a table of binding id = \"keys\" lines, found \"O\"; using the default"
    ]
    assert config.keys == {} and config.sort == "date"


def test_an_unknown_key_is_named_and_ignored(xdg_dirs):
    path = write_config(xdg_dirs, 'sort = "date"\n\n  colour = "red"\n[display]\nwide = true\n')
    config = load_config()
    assert len(config.problems) == 2
    assert config.problems[0].startswith(f"{path}:3: key 'colour' is not a setting reader knows (known: library, browser,")
    assert config.problems[0].endswith("; ignored")
    assert config.problems[1].startswith(f"{path}:4: key 'display' is not a setting reader knows")
    assert config.sort == "date"


def test_several_bad_values_give_one_line_each(xdg_dirs):
    path = write_config(xdg_dirs, 'sort = "x"\nmin_quality = -2\ntheme = "nord"\nmark_read = "no"\n')
    config = load_config()
    assert [p.split(": key ")[0] for p in config.problems] == [f"{path}:1", f"{path}:2", f"{path}:4"]
    assert config.theme == "nord"


def test_a_toml_syntax_error_gives_one_line_and_all_defaults(xdg_dirs):
    path = write_config(xdg_dirs, 'sort = "date"\ntheme = nord\nmin_quality = 5\n')
    config = load_config()
    assert config.problems == [f"{path}:2: not valid TOML: invalid value at column 9; using all the defaults"]
    assert config.sort == "quality" and config.theme is None and config.min_quality is None


def test_a_file_cut_short_names_its_last_line(xdg_dirs):
    path = write_config(xdg_dirs, 'sort = "date"\nlibrary = ["a",\n')
    (problem,) = load_config().problems
    assert problem.startswith(f"{path}:2: not valid TOML: ")
    assert problem.endswith("; using all the defaults")


def test_a_file_that_is_not_utf8_gives_one_line_and_all_defaults(xdg_dirs):
    path = write_config(xdg_dirs, b'sort = "date"\ntheme = "caf\xe9"\n')
    config = load_config()
    assert config.problems == [f"{path}:2: not UTF-8 text (byte 26); using all the defaults"]
    assert config.sort == "quality"


def test_a_byte_order_mark_is_allowed(xdg_dirs):
    write_config(xdg_dirs, '\ufeffsort = "date"\n'.encode())
    config = load_config()
    assert config.problems == [] and config.sort == "date"


def test_an_unreadable_config_gives_one_line_and_all_defaults(xdg_dirs):
    path = config_path()
    path.mkdir(parents=True)  # a folder where the file should be: reading it fails
    config = load_config()
    assert config.problems == [f"{path}: cannot be read (it is a folder); using all the defaults"]
    assert config.sort == "quality"


def test_values_from_the_file_are_escaped_in_problems(xdg_dirs):
    write_config(xdg_dirs, 'sort = "\\u001b[31mred"\n')
    (problem,) = load_config().problems
    assert "\x1b" not in problem and "\\u001b[31mred" in problem


# -- the settings printed back ----------------------------------------------------------------


def test_to_toml_lines_read_back_as_the_same_settings(xdg_dirs):
    write_config(xdg_dirs, GOOD)
    config = load_config()
    text = "\n".join(config.to_toml_lines())
    data = tomllib.loads(text)
    assert data == {
        "library": [str(p) for p in config.library],
        "browser": "firefox --new-tab %s",
        "theme": "nord",
        "sort": "date",
        "min_quality": 40,
        "hide_unscored": True,
        "mark_read": "dwell",
        "mark_read_dwell": 1.5,
        "pipe": "glow -",
        "full_text": "auto",
        "full_text_cache_mb": 200,
        "group_stories": True,
        "story_window_days": 3,
        "keys": {"open": "O", "list.down": "j,down"},
    }
    write_config(xdg_dirs, text)
    again = load_config()
    assert again.problems == []
    assert (again.library, again.browser, again.theme, again.sort, again.min_quality, again.mark_read, again.pipe, again.keys) == (
        config.library, config.browser, config.theme, config.sort, config.min_quality, config.mark_read, config.pipe, config.keys,
    )


def test_to_toml_lines_say_what_applies_when_unset():
    lines = Config().to_toml_lines()
    assert tomllib.loads("\n".join(lines)) == {"sort": "quality", "hide_unscored": False, "mark_read": "open", "mark_read_dwell": 3, "full_text": "key", "full_text_cache_mb": 500, "group_stories": True, "story_window_days": 3}
    text = "\n".join(lines)
    assert "$BROWSER" in text and str(seeds_dir()) in text and "no minimum" in text


# -- config defaults for a query -------------------------------------------------------------


def test_apply_config_adds_the_sort_and_minimum_without_changing_the_query():
    query = parse_query("topic:AI")
    result = apply_config(query, Config(sort="date", min_quality=60))
    assert result.sort == "date"
    # articles with no score kept (the query language's quality:>=60,none)
    assert result.terms[-1] == Term("quality", 60.0, False, ">=?", len("topic:AI"), len("topic:AI"))
    strict = apply_config(query, Config(min_quality=60, hide_unscored=True))
    assert strict.terms[-1] == Term("quality", 60.0, False, ">=", len("topic:AI"), len("topic:AI"))
    assert query.sort is None and len(query.terms) == 1  # the original is untouched


def test_apply_config_leaves_what_the_query_says():
    assert apply_config(parse_query("sort:heat"), Config(sort="date")).sort == "heat"
    assert apply_config(parse_query("chips"), Config(sort="date")).sort is None  # relevance
    own = apply_config(parse_query("quality:<30"), Config(min_quality=60))
    assert [(t.op, t.value) for t in own.terms] == [("<", 30.0)]
    assert apply_config(parse_query(""), Config()) == Query(text="", terms=(), sort="quality")


# -- reader config ------------------------------------------------------------------------------


def test_reader_config_prints_paths_and_defaults(capsys, xdg_dirs):
    code, out, err = run(capsys, "config")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"# config file:  {config_path()} (not found; the defaults apply)"
    assert lines[1] == f"# data file:    {default_path()} (not made yet)"
    assert lines[2] == f"# cache folder: {xdg_dirs['XDG_CACHE_HOME'] / 'reader'} (not made yet)"
    assert 'sort = "quality"' in lines
    assert 'mark_read = "open"' in lines


def test_reader_config_prints_the_settings_and_problems(capsys, xdg_dirs):
    path = write_config(xdg_dirs, GOOD.replace('sort = "date"', 'sort = "newest"'))
    code, out, err = run(capsys, "config")
    assert code == 0
    assert f"# config file:  {path} (exists)" in out
    for line in ('browser = "firefox --new-tab %s"', 'theme = "nord"', 'sort = "quality"', "min_quality = 40",
                 'mark_read = "dwell"', "[keys]", 'open = "O"', '"list.down" = "j,down"'):
        assert line in out.splitlines(), line
    assert err.splitlines() == [f"reader: {path}:5: key 'sort' must be one of quality, date, heat, title, sources, found \"newest\"; using the default"]


def test_reader_config_with_broken_toml_still_exits_0(capsys, xdg_dirs):
    path = write_config(xdg_dirs, "sort = \n")
    code, out, err = run(capsys, "config")
    assert code == 0
    assert 'sort = "quality"' in out
    (line,) = err.splitlines()
    assert line.startswith(f"reader: {path}:1: not valid TOML") and "Traceback" not in err


def test_reader_config_takes_no_arguments(capsys):
    code, out, err = run(capsys, "config", "extra")
    assert code == 2 and out == ""
    assert err.startswith("reader: ") and len(err.splitlines()) == 1


def test_usage_names_the_new_commands(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "reader config" in out and "reader state export FILE" in out and "reader state import FILE" in out


# -- reader state export / import ---------------------------------------------------------------


def test_state_export_then_import_into_a_fresh_data_folder(capsys, tmp_path, monkeypatch):
    with State() as state:
        state.mark_read(["https://a.example/1", "https://a.example/2", "path:notes/c.md"])
        state.set_starred("https://a.example/2")
        state.save_search("chips", "topic:AI quality:>=60")
        state.add_history("robots")
    export = tmp_path / "marks.json"
    code, out, err = run(capsys, "state", "export", export)
    assert code == 0 and err == ""
    assert out.strip() == f"Exported 3 read marks, 1 star, 1 saved search, 1 history entry to {export}"
    assert json.loads(export.read_text())["read"] == ["https://a.example/1", "https://a.example/2", "path:notes/c.md"]

    fresh = tmp_path / "other-computer"
    monkeypatch.setenv("XDG_DATA_HOME", str(fresh))
    assert not default_path().exists()
    code, out, err = run(capsys, "state", "import", export)
    assert code == 0 and err == ""
    assert out.strip() == f"Imported from {export}: 3 read marks, 1 star, 1 saved search, 1 history entry new"
    assert default_path().parent == fresh / "reader"
    with State() as state:
        assert state.all_read() == {"https://a.example/1", "https://a.example/2", "path:notes/c.md"}
        assert state.all_starred() == {"https://a.example/2"}
        assert state.searches() == [("chips", "topic:AI quality:>=60")]
        assert state.history() == ["robots"]
    # Importing again adds nothing new.
    code, out, _ = run(capsys, "state", "import", export)
    assert code == 0 and "0 read marks, 0 stars, 0 saved searches, 0 history entries new" in out


def test_state_import_of_a_malformed_file_exits_1_with_one_line(capsys, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"version": 1, "read": [\n')
    code, out, err = run(capsys, "state", "import", bad)
    assert code == 1 and out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"reader: {bad}:") and "not valid JSON" in line
    assert "Traceback" not in err


def test_state_import_of_a_file_of_the_wrong_shape_exits_1(capsys, tmp_path):
    bad = tmp_path / "list.json"
    bad.write_text("[1, 2]\n")
    code, _, err = run(capsys, "state", "import", bad)
    assert code == 1
    assert err.splitlines() == [f"reader: {bad}: expected a JSON object at the top, found a list; not a reader state export"]


def test_state_import_of_a_missing_file_exits_1(capsys, tmp_path):
    missing = tmp_path / "nowhere.json"
    code, _, err = run(capsys, "state", "import", missing)
    assert code == 1
    (line,) = err.splitlines()
    assert line.startswith("reader: cannot read ") and str(missing) in line


def test_state_export_into_a_missing_folder_exits_1(capsys, tmp_path):
    target = tmp_path / "no" / "such" / "folder" / "marks.json"
    code, _, err = run(capsys, "state", "export", target)
    assert code == 1
    (line,) = err.splitlines()
    assert line.startswith(f"reader: cannot write {target}")


@pytest.mark.parametrize("args", [["state"], ["state", "export"], ["state", "import"], ["state", "wipe", "x"]])
def test_state_usage_errors_exit_2_with_one_line(capsys, args):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("reader: ")
    assert not default_path().exists()  # nothing was opened


# -- reader list honours sort and min_quality -----------------------------------------------------


@pytest.fixture
def dated_lib(tmp_path) -> Path:
    folder = tmp_path / "lib"
    write(folder, "old.md", article("Old Best", quality=90, heat=5, publishedDateTime="2020-01-01T00:00:00Z", body="robots"))
    write(folder, "new.md", article("New Middling", quality=50, heat=500, publishedDateTime="2024-01-01T00:00:00Z", body="robots"))
    write(folder, "mid.md", article("Mid Poor", quality=10, heat=50, publishedDateTime="2022-01-01T00:00:00Z", body="robots"))
    write(folder, "none.md", article("Unscored", publishedDateTime="2023-01-01T00:00:00Z", body="robots"))
    return folder


def titles(capsys, *args: object) -> list[str]:
    code, out, err = run(capsys, "list", *args, "--format", "json")
    assert code == 0, err
    return [row["title"] for row in json.loads(out)]


def test_list_sorts_by_quality_without_a_config(capsys, dated_lib):
    assert titles(capsys, dated_lib) == ["Old Best", "New Middling", "Mid Poor", "Unscored"]


def test_list_honours_the_config_sort(capsys, xdg_dirs, dated_lib):
    write_config(xdg_dirs, f'library = {json.dumps(str(dated_lib))}\nsort = "date"\n')
    assert titles(capsys) == ["New Middling", "Unscored", "Mid Poor", "Old Best"]
    # --sort and sort: win over the config.
    assert titles(capsys, "--sort", "heat") == ["New Middling", "Mid Poor", "Old Best", "Unscored"]
    assert titles(capsys, "sort:title") == ["Mid Poor", "New Middling", "Old Best", "Unscored"]


def test_list_honours_the_config_min_quality(capsys, xdg_dirs, dated_lib):
    write_config(xdg_dirs, f'library = {json.dumps(str(dated_lib))}\nmin_quality = 40\n')
    # An article with no score is kept unless hide_unscored says otherwise.
    assert titles(capsys) == ["Old Best", "New Middling", "Unscored"]
    write_config(xdg_dirs, f'library = {json.dumps(str(dated_lib))}\nmin_quality = 40\nhide_unscored = true\n')
    assert titles(capsys) == ["Old Best", "New Middling"]
    assert sorted(titles(capsys, "robots")) == ["New Middling", "Old Best"]  # words: by relevance, still filtered
    # A quality term of the query's own replaces the minimum.
    assert titles(capsys, "quality:<40") == ["Mid Poor"]
    code, out, _ = run(capsys, "list")
    assert "2 of 2 articles" in out


def test_list_with_a_bad_config_sort_names_it_once_and_lists(capsys, xdg_dirs, dated_lib):
    path = write_config(xdg_dirs, f'library = {json.dumps(str(dated_lib))}\nsort = "newest"\n')
    code, out, err = run(capsys, "list", "--format", "json")
    assert code == 0
    assert [r["title"] for r in json.loads(out)] == ["Old Best", "New Middling", "Mid Poor", "Unscored"]
    assert err.splitlines() == [f"reader: {path}:2: key 'sort' must be one of quality, date, heat, title, sources, found \"newest\"; using the default"]


def test_list_with_paths_still_uses_the_config_sort(capsys, xdg_dirs, dated_lib):
    write_config(xdg_dirs, 'sort = "heat"\n')
    assert titles(capsys, dated_lib) == ["New Middling", "Mid Poor", "Old Best", "Unscored"]


@pytest.mark.parametrize("old, mark_read", [("true", "open"), ("false", "never")])
def test_the_old_mark_read_on_open_key_is_still_read_with_a_notice(xdg_dirs, old, mark_read):
    path = write_config(xdg_dirs, f"sort = 'date'\nmark_read_on_open = {old}\n")
    config = load_config()
    assert config.mark_read == mark_read
    assert config.problems == [
        f"{path}:2: key 'mark_read_on_open' is replaced by mark_read (\"open\", \"dwell\" or \"never\"); "
        f"read as mark_read = \"{mark_read}\"; please rename it"
    ]


def test_mark_read_of_the_file_wins_over_the_old_key(xdg_dirs):
    write_config(xdg_dirs, "mark_read_on_open = true\nmark_read = 'never'\n")
    assert load_config().mark_read == "never"


@pytest.mark.parametrize(
    "line, message",
    [
        ('mark_read = "sometimes"', 'must be one of open, dwell, never, found "sometimes"'),
        ("mark_read_dwell = 0", "must be a number of seconds above 0 (at most 3600), found 0"),
        ('pipe = ""', 'must be a command like "glow -", found an empty string'),
        ("hide_unscored = 1", "must be true or false, found 1"),
    ],
)
def test_bad_values_of_the_new_keys_are_named_and_defaulted(xdg_dirs, line, message):
    path = write_config(xdg_dirs, line + "\n")
    config = load_config()
    key = line.split(" ")[0]
    assert config.problems == [f"{path}:1: key '{key}' {message}; using the default"]
    assert getattr(config, key) == getattr(Config(), key)


def test_the_old_key_beside_mark_read_is_named_as_ignored(xdg_dirs):
    path = write_config(xdg_dirs, "mark_read_on_open = false\nmark_read = 'dwell'\n")
    config = load_config()
    assert config.mark_read == "dwell"
    assert config.problems == [f"{path}:1: key 'mark_read_on_open' is replaced by mark_read (\"open\", \"dwell\" or \"never\"), which this file sets too; ignored"]
