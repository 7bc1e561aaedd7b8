"""Handing text to other programs: the system clipboard tool (found by the
desktop it needs, fed on stdin, its failure said in one line), the pipe
command (split without a shell, the article as Markdown on its stdin, the
terminal handed over), and the app's copy_text and pipe_text, with fake
tools that record what reached them."""

from __future__ import annotations

import io
import os
import signal
import stat
import sys
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import article, write
from helpers_app import SIZE, build, start, wait_until
from reader.clipboard import ClipboardTool, copy, find_tool
from reader.model import Article, Provider, Related
from reader.pipe import BadCommand, article_markdown, pipe_argv, run_command, run_in_terminal

URL = "https://news.example/2026/11/story?id=7&x=%41"


def tool(folder: Path, name: str, body: str = "") -> Path:
    """An executable Python script ``name`` in ``folder``: by default it
    writes its stdin to ``name``.in and its arguments to ``name``.args."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    record = folder / name
    body = body or (
        "import sys\n"
        f"open({str(record) + '.in'!r}, 'wb').write(sys.stdin.buffer.read())\n"
        f"open({str(record) + '.args'!r}, 'w').write('\\n'.join(sys.argv[1:]))\n"
    )
    script.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def received(script: Path) -> bytes:
    return Path(str(script) + ".in").read_bytes()


FAILING = "import sys\nsys.stdin.read()\nprint(\"Error: Can't open display: :99\", file=sys.stderr)\nsys.exit(1)\n"


# -- finding a clipboard tool -----------------------------------------------------------------


def test_the_tool_is_chosen_by_the_display_there_is(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    for name in ("wl-copy", "xclip", "xsel", "pbcopy"):
        tool(bin_dir, name)
    path = str(bin_dir)
    wayland = find_tool({"PATH": path, "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"})
    assert wayland == ClipboardTool("wl-copy", (str(bin_dir / "wl-copy"),))
    x11 = find_tool({"PATH": path, "DISPLAY": ":0"})
    assert x11 == ClipboardTool("xclip", (str(bin_dir / "xclip"), "-selection", "clipboard"))
    # No display at all (a console, ssh): the X and Wayland tools cannot work.
    assert find_tool({"PATH": path}).name == "pbcopy"


def test_xsel_when_there_is_no_xclip(tmp_path: Path) -> None:
    tool(tmp_path, "xsel")
    found = find_tool({"PATH": str(tmp_path), "DISPLAY": ":0"})
    assert found == ClipboardTool("xsel", (str(tmp_path / "xsel"), "--clipboard", "--input"))


@pytest.mark.parametrize("name", ["clip.exe", "termux-clipboard-set"])
def test_the_tools_of_wsl_and_termux(tmp_path: Path, name: str) -> None:
    tool(tmp_path, name)
    assert find_tool({"PATH": str(tmp_path)}).name == name


def test_no_tool_at_all(tmp_path: Path) -> None:
    tool(tmp_path, "xclip")
    assert find_tool({"PATH": str(tmp_path / "empty"), "DISPLAY": ":0"}) is None
    assert find_tool({"PATH": str(tmp_path)}) is None  # xclip, but no display for it


# -- copying ----------------------------------------------------------------------------------


def test_the_text_reaches_the_tool_on_stdin(tmp_path: Path) -> None:
    script = tool(tmp_path, "xclip")
    text = "https://x.example/é?a=$(id);b"
    assert copy(text, ClipboardTool("xclip", (str(script), "-selection", "clipboard"))) is None
    assert received(script) == text.encode("utf-8")
    assert Path(str(script) + ".args").read_text() == "-selection\nclipboard"


def test_clip_exe_gets_utf16_with_a_byte_order_mark(tmp_path: Path) -> None:
    script = tool(tmp_path, "clip.exe")
    assert copy("é", find_tool({"PATH": str(tmp_path)})) is None
    assert received(script).decode("utf-16") == "é"


def test_a_failing_tool_says_why_in_one_line(tmp_path: Path) -> None:
    script = tool(tmp_path, "xclip", FAILING)
    assert copy(URL, ClipboardTool("xclip", (str(script),))) == "xclip failed with exit status 1: Error: Can't open display: :99"


def test_a_tool_that_hangs_is_given_up_on(tmp_path: Path) -> None:
    script = tool(tmp_path, "xclip", "import time\ntime.sleep(30)\n")
    assert copy(URL, ClipboardTool("xclip", (str(script),)), timeout=0.3) == "xclip did not finish within 0.3 s"


def test_a_tool_that_stays_behind_to_serve_the_text_is_not_waited_for(tmp_path: Path) -> None:
    # xclip forks a process that keeps the clipboard, holding what it inherited open.
    pid_file = tmp_path / "served.pid"
    script = tool(
        tmp_path,
        "xclip",
        "import subprocess, sys\nsys.stdin.read()\n"
        f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid))\n",
    )
    try:
        assert copy(URL, ClipboardTool("xclip", (str(script),)), timeout=10) is None
    finally:
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGTERM)


def test_a_tool_that_vanished_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    assert copy(URL, ClipboardTool("xclip", (str(tmp_path / "gone"),))) == "xclip was not found"
    text_file = tmp_path / "not-executable"
    text_file.write_text("x")
    assert copy(URL, ClipboardTool("xclip", (str(text_file),))).startswith("xclip could not be started: ")


# -- the pipe command -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("glow -", ["glow", "-"]),
        ("glow -p -", ["glow", "-p", "-"]),
        ("less -R", ["less", "-R"]),
        ("'/opt/my tools/show' --title \"a b\"", ["/opt/my tools/show", "--title", "a b"]),
        ("cat; rm -rf ~", ["cat;", "rm", "-rf", "~"]),  # no shell: only words
    ],
)
def test_pipe_argv_splits_like_a_shell_without_one(command: str, argv: list[str]) -> None:
    assert pipe_argv(command) == argv


def test_pipe_argv_says_what_is_wrong() -> None:
    with pytest.raises(BadCommand, match=r"the pipe command 'glow \"-' cannot be split into words \(no closing quotation\)"):
        pipe_argv('glow "-')
    with pytest.raises(BadCommand, match="the pipe command is empty"):
        pipe_argv("   ")


def test_the_article_as_markdown() -> None:
    when = datetime(2026, 11, 21, 15, 30, tzinfo=timezone.utc)
    story = Article(
        path="a.md",
        title="Chips \x1b[31mand\x1b[0m clouds",
        excerpt="Why the bills\nmatter.\x07",
        published_at=when,
        web_url="https://web.example/a",
        original_url="https://orig.example/a",
        provider=Provider("Harbor Ledger", "harborledger.example"),
        body="Some **body** text.\x1b]0;title\x07\n\n- one\n- two\n",
        related=(
            Related(title="Next story", url="https://next.example/b", provider=Provider(None, "next.example"), published_at=when),
            Related(title="Sneaky", url="javascript:alert(1)"),
            Related(title=None, url=None),
        ),
    )
    assert article_markdown(story) == (
        "# Chips and clouds\n"
        "\n"
        "Harbor Ledger · 2026-11-21 15:30 UTC · <https://web.example/a>\n"
        "\n"
        "> Why the bills matter.\n"
        "\n"
        "Some **body** text.\n"
        "\n"
        "- one\n"
        "- two\n"
        "\n"
        "## Related\n"
        "\n"
        "1. Next story · next.example · 2026-11-21 · <https://next.example/b>\n"
        "2. Sneaky\n"  # only http(s) links are offered as links
        "3. (untitled)\n"
    )


def test_a_bare_article_as_markdown() -> None:
    assert article_markdown(Article(path="a.md", title="Only a title", original_url="https://o.example/")) == (
        "# Only a title\n\n<https://o.example/>\n"
    )


def test_a_command_out_of_sight_gets_the_text_and_its_failure_is_said(tmp_path: Path) -> None:
    script = tool(tmp_path, "show")
    assert run_command([str(script), "-"], "# Title\n".encode()) is None
    assert received(script) == b"# Title\n"
    failing = tool(tmp_path, "failing", FAILING)
    assert run_command([str(failing)], b"x", name="failing") == "failing failed with exit status 1: Error: Can't open display: :99"
    assert run_command(["no-such-command-here"], b"x") == "no-such-command-here was not found"


class Keyboard(io.StringIO):
    """A keyboard that says it is a terminal, with Enter already pressed."""

    def __init__(self) -> None:
        super().__init__("\n")

    def isatty(self) -> bool:
        return True


def test_a_command_on_the_terminal_gets_the_text_then_reader_asks_for_enter(tmp_path: Path) -> None:
    script = tool(tmp_path, "pager")
    keyboard, screen = Keyboard(), io.StringIO()
    assert run_in_terminal([str(script)], b"text", keyboard=keyboard, screen=screen) is None
    assert received(script) == b"text"
    assert screen.getvalue() == "\n[reader] Press Enter to go back to reader. "
    assert keyboard.read() == ""  # the Enter was read


def test_a_failed_command_on_the_terminal_is_said_before_going_back(tmp_path: Path) -> None:
    script = tool(tmp_path, "pager", "import sys\nsys.exit(3)\n")
    screen = io.StringIO()
    error = run_in_terminal([str(script)], b"text", keyboard=Keyboard(), screen=screen)
    assert error == f"{script} failed with exit status 3"
    assert screen.getvalue() == f"\n[reader] {script} failed with exit status 3. Press Enter to go back to reader. "
    assert run_in_terminal(["no-such-pager"], b"", wait=False) == "no-such-pager was not found"


def test_without_wait_or_a_terminal_nothing_is_asked(tmp_path: Path) -> None:
    script = tool(tmp_path, "pager")
    screen = io.StringIO()
    assert run_in_terminal([str(script)], b"a", wait=False, keyboard=Keyboard(), screen=screen) is None
    assert run_in_terminal([str(script)], b"b", keyboard=io.StringIO("\n"), screen=screen) is None  # not a terminal
    assert screen.getvalue() == ""
    assert received(script) == b"b"


def test_ctrl_c_in_the_command_is_the_commands_not_readers(tmp_path: Path) -> None:
    # The terminal sends SIGINT to reader too: it must neither raise nor reach
    # reader's own handler, and the command must get the default handling.
    seen = tmp_path / "child-ignores-sigint"
    script = tool(
        tmp_path,
        "pager",
        "import os, signal, sys, time\nsys.stdin.read()\n"
        f"open({str(seen)!r}, 'w').write(str(signal.getsignal(signal.SIGINT) is signal.SIG_IGN))\n"
        "os.kill(os.getppid(), signal.SIGINT)\ntime.sleep(0.3)\n",
    )
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        assert run_in_terminal([str(script)], b"x", wait=False) is None
        assert signal.getsignal(signal.SIGINT) is not previous  # reader's own handler is back
        os.kill(os.getpid(), signal.SIGINT)  # ...and works again
    finally:
        signal.signal(signal.SIGINT, previous)
    assert caught == [signal.SIGINT]
    assert seen.read_text() == "False"


# -- in the app ---------------------------------------------------------------------------------


def said(notices) -> list[tuple[str, str, str]]:
    return [(n.severity, n.title, n.message) for n in notices]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    news = tmp_path / "news"
    write(news, "a.md", article("A story", webUrl=URL))
    return news


@pytest.fixture
def desktop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An X display and a PATH that holds only what the test puts in it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    return bin_dir


async def test_copy_text_uses_the_system_tool_and_names_it(folder: Path, tmp_path: Path, desktop: Path, notices) -> None:
    script = tool(desktop, "xclip")
    app = build(folder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.copy_text(URL)
        await wait_until(pilot, lambda: any("clipboard" in n.title for n in notices))
        assert app.clipboard == URL  # the terminal was asked too (OSC 52)
    assert received(script) == URL.encode()
    assert ("information", "Link copied to the clipboard (xclip)", URL) in said(notices)


async def test_copy_text_without_a_tool_says_it_went_to_the_terminal(folder: Path, tmp_path: Path, desktop: Path, notices) -> None:
    app = build(folder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.copy_text("https://x.example/[b]bold[/b]", what="Related link")
        assert app.clipboard == "https://x.example/[b]bold[/b]"
    [(severity, title, message)] = [n for n in said(notices) if "clipboard" in n[1]]
    assert (severity, title) == ("information", "Related link sent to the terminal's clipboard (OSC 52)")
    assert message == (
        "https://x.example/[b]bold[/b]\nNo clipboard tool was found. Under tmux it arrives only with `set -g set-clipboard on`."
    )


async def test_copy_text_with_a_failing_tool_says_why(folder: Path, tmp_path: Path, desktop: Path, notices) -> None:
    tool(desktop, "xclip", FAILING)
    app = build(folder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.copy_text(URL)
        await wait_until(pilot, lambda: any("clipboard" in n.title for n in notices))
        assert app.clipboard == URL
    [(severity, title, message)] = [n for n in said(notices) if "clipboard" in n[1]]
    assert (severity, title) == ("warning", "Link sent to the terminal's clipboard (OSC 52)")
    assert message.startswith(f"{URL}\nxclip failed with exit status 1: Error: Can't open display: :99. Under tmux")


async def test_pipe_text_headless_runs_the_command_out_of_sight(folder: Path, tmp_path: Path, notices) -> None:
    # Under run_test the app cannot be suspended (Textual's headless driver):
    # the command runs on a thread, its output out of sight.
    script = tool(tmp_path / "tools", "show")
    app = build(folder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.pipe_text(f"{script} --flag 'two words'", "# A story\n\nbody é\n")
        await wait_until(pilot, lambda: any(n.title == "Pipe" for n in notices))
    assert received(script) == "# A story\n\nbody é\n".encode()
    assert Path(str(script) + ".args").read_text() == "--flag\ntwo words"
    assert ("information", "Pipe", f"Sent to {script}") in said(notices)


async def test_pipe_text_says_when_the_command_fails(folder: Path, tmp_path: Path, notices) -> None:
    failing = tool(tmp_path / "tools", "failing", FAILING)
    app = build(folder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        app.pipe_text('glow "-', "text")  # not even words
        app.pipe_text(str(tmp_path / "no-such-command"), "text")
        await wait_until(pilot, lambda: len([n for n in notices if n.title == "Pipe"]) == 2)
        app.pipe_text(str(failing), "text")
        await wait_until(pilot, lambda: len([n for n in notices if n.title == "Pipe"]) == 3)
    assert [n for n in said(notices) if n[1] == "Pipe"] == [
        ("error", "Pipe", "the pipe command 'glow \"-' cannot be split into words (no closing quotation)"),
        ("error", "Pipe", f"{tmp_path / 'no-such-command'} was not found"),
        ("error", "Pipe", f"{failing} failed with exit status 1: Error: Can't open display: :99"),
    ]


async def test_pipe_text_hands_the_terminal_over_where_it_can(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notices) -> None:
    script = tool(tmp_path / "tools", "pager")
    failing = tool(tmp_path / "tools", "failing", "import sys\nsys.stdin.read()\nsys.exit(2)\n")
    app = build(folder, tmp_path)
    suspended: list[str] = []

    @contextmanager
    def suspend():  # what a real terminal's driver allows
        suspended.append("suspended")
        yield
        suspended.append("resumed")

    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        monkeypatch.setattr(app, "suspend", suspend)
        app.pipe_text(str(script), "# A story\n", wait=False)
        assert received(script) == b"# A story\n"  # done by the time the app is back
        assert suspended == ["suspended", "resumed"]
        assert not [n for n in notices if n.title == "Pipe"]  # it worked: nothing to say
        app.pipe_text(str(failing), "x", wait=False)
        assert suspended == ["suspended", "resumed"] * 2
        assert ("error", "Pipe", f"{failing} failed with exit status 2") in said(notices)
