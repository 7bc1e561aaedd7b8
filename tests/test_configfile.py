"""reader.configfile: one setting changed (v's group_stories), the rest of
the user's file exactly as it was."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from reader.config import load_config
from reader.configfile import ConfigNotWritten, remember


def changed(tmp_path: Path, text: str, newline: str | None = None) -> str:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode("utf-8"))
    remember(path, "group_stories", "false")
    return path.read_bytes().decode("utf-8")


def test_the_setting_changes_in_place_with_its_comment_and_everything_else_kept(tmp_path):
    text = '# my reader\ntheme = "nord"   # dark\ngroup_stories = true  # one row a story\n\n[keys]\nopen = "ctrl+o"\n'
    out = changed(tmp_path, text)
    assert out == text.replace("group_stories = true  # one row a story", "group_stories = false  # one row a story")
    assert load_config(tmp_path / "config.toml").group_stories is False


@pytest.mark.parametrize(
    "text",
    [
        'theme = "nord"\n[keys]\nopen = "o"\n',  # goes before the first table
        '[keys]\ngroup_stories = "g"\n',  # a key of that name in a table is not the setting
        'pipe = """\n[not a table]\n"""\n',  # a line starting with [ inside a string is no table
        'theme = "nord"',  # no newline at the end
        'library = [\n  "~/a",\n]\n[keys]\nopen = "o"\n',
        "",
    ],
)
def test_a_missing_setting_is_added_where_toml_reads_it_as_top_level(tmp_path, text):
    out = changed(tmp_path, text)
    before = tomllib.loads(text)
    assert tomllib.loads(out) == {**before, "group_stories": False}


def test_windows_line_endings_and_a_byte_order_mark_stay(tmp_path):
    out = changed(tmp_path, '\ufefftheme = "nord"\r\ngroup_stories = true\r\n')
    assert out == '\ufefftheme = "nord"\r\ngroup_stories = false\r\n'


def test_a_linked_config_keeps_its_link_and_its_permissions(tmp_path):
    real = tmp_path / "dotfiles" / "reader.toml"
    real.parent.mkdir()
    real.write_text('theme = "nord"\n')
    real.chmod(0o640)
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    remember(link, "group_stories", "false")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert tomllib.loads(real.read_text()) == {"theme": "nord", "group_stories": False}
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_table_of_the_same_name_is_not_overwritten(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[group_stories]\nx = 1\n")
    with pytest.raises(ConfigNotWritten, match="table"):
        remember(path, "group_stories", "false")
    assert path.read_text() == "[group_stories]\nx = 1\n"


def test_a_config_that_cannot_be_written_says_so(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "config.toml").write_text('theme = "nord"\n')
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who may write anywhere")
        with pytest.raises(ConfigNotWritten, match="cannot be written"):
            remember(folder / "config.toml", "group_stories", "false")
    finally:
        folder.chmod(0o700)
