"""The browser command: where the URL goes in it (%s, %u, {url}, inside a
word or alone; %% a literal %), which command of a $BROWSER list runs, and
a real launch of a recording script that shows the URL arrived as part of
ONE argument, with no shell between."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path

import pytest

from reader.links import BrowserCommand, command_for, launch

URL = "https://news.example/a?b=1&c=%41"


def recorder(folder: Path, name: str = "fake-browser") -> tuple[Path, Path]:
    """An executable script that writes its arguments (JSON) to a log; (script, log)."""
    folder.mkdir(parents=True, exist_ok=True)
    script, log = folder / name, folder / f"{name}.log"
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\nopen({str(log)!r}, 'w', encoding='utf-8').write(json.dumps(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, log


def wait_for(log: Path, timeout: float = 10.0) -> list[str]:
    """What the script logged (the browser runs detached: wait for it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and log.read_text(encoding="utf-8"):
            return json.loads(log.read_text(encoding="utf-8"))
        time.sleep(0.02)
    raise AssertionError("the browser never started")


# -- where the URL goes -----------------------------------------------------------------------


# (template, the argv it gives): the cases Python's webbrowser and desktop
# entries use, and the ones that must stay as they were.
TEMPLATES = [
    ("firefox --new-tab=%s", ["firefox", f"--new-tab={URL}"]),
    ("x --url=%s", ["x", f"--url={URL}"]),
    ("x %s", ["x", URL]),
    ("x {url}", ["x", URL]),
    ("x --open=%u --then", ["x", f"--open={URL}", "--then"]),
    ("x '--title=read %s now'", ["x", f"--title=read {URL} now"]),
    ("x", ["x", URL]),  # no placeholder: the URL comes last
    ("x --zoom=100%%", ["x", "--zoom=100%", URL]),  # %% is a %, not a place for the URL
    ("x --literal=%%s %s", ["x", "--literal=%s", URL]),
    ("'/opt/my browser/run' -n %s", ["/opt/my browser/run", "-n", URL]),
]


def test_the_url_is_put_where_the_command_says() -> None:
    got = {template: command_for(URL, template, environ={}) for template, _ in TEMPLATES}
    assert got == {template: BrowserCommand(argv, "config") for template, argv in TEMPLATES}


def test_a_url_holding_a_placeholder_is_not_substituted_again() -> None:
    url = "https://x.example/%s/%u/{url}"
    assert command_for(url, "x --a=%s", environ={}).argv == ["x", f"--a={url}"]


def test_browser_variable_works_like_the_config(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    recorder(bin_dir, "x")
    command = command_for(URL, None, environ={"BROWSER": "x --url=%s", "PATH": str(bin_dir)})
    assert command == BrowserCommand(["x", f"--url={URL}"], "$BROWSER")


def test_a_browser_list_runs_the_first_command_on_path(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    recorder(bin_dir, "second")
    recorder(bin_dir, "third")
    browsers = os.pathsep.join(["first-not-installed --new-tab=%s", "", "'unterminated %s", "second --url=%s", "third"])
    environ = {"BROWSER": browsers, "PATH": str(bin_dir)}
    assert command_for(URL, None, environ=environ) == BrowserCommand(["second", f"--url={URL}"], "$BROWSER")
    assert command_for(URL, "mine %s", environ=environ).argv == ["mine", URL]  # the config's command wins
    for unusable in ("", "   ", os.pathsep, "'unterminated %s"):
        assert command_for(URL, None, environ={"BROWSER": unusable}) is None


def test_a_browser_list_with_nothing_installed_names_the_first(tmp_path: Path) -> None:
    browsers = os.pathsep.join(["first-not-installed %s", "second-not-installed"])
    command = command_for(URL, None, environ={"BROWSER": browsers, "PATH": str(tmp_path)})
    assert command == BrowserCommand(["first-not-installed", URL], "$BROWSER", others=1)
    assert launch(command) == "browser 'first-not-installed' (from $BROWSER) was not found, nor the other command it lists"


def test_a_browser_command_with_a_nul_byte_is_an_error_not_a_traceback() -> None:
    assert "could not be started" in launch(BrowserCommand(["x\0y", URL], "config"))


# -- a real launch ----------------------------------------------------------------------------


def test_the_browser_gets_the_url_inside_its_own_argument(tmp_path: Path) -> None:
    script, log = recorder(tmp_path)
    url = "https://x.example/a;touch${IFS}pwned&b=$(id)"  # a shell would have run something
    assert launch(command_for(url, f"{script} --new-tab=%s --private", environ={})) is None
    assert wait_for(log) == [f"--new-tab={url}", "--private"]
    assert not list(tmp_path.rglob("pwned*"))


def test_a_browser_from_a_browser_list_is_launched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    _, log = recorder(bin_dir, "browser")
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("BROWSER", os.pathsep.join(["not-here %s", "browser --url=%s"]))
    assert launch(command_for(URL)) is None
    assert wait_for(log) == [f"--url={URL}"]
