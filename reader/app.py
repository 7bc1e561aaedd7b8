"""The Textual app: wiring only. Build it with make_app(); run it with run_app()."""

from __future__ import annotations

import asyncio
import os
import signal
import webbrowser
from dataclasses import replace
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

# Textual draws at most 60 frames a second by default, and a list update
# waits for the next frame: at 60 that wait alone is up to 17 ms of the time
# from a keystroke to the list (bench/live.py). A frame here takes 5-10 ms, so
# a higher cap costs nothing when idle. It must be set before Textual is
# imported; a TEXTUAL_FPS of the user's own wins.
os.environ.setdefault("TEXTUAL_FPS", "240")

from textual import work  # noqa: E402
from textual.app import App, SuspendNotSupported, SystemCommand  # noqa: E402
from textual.binding import Binding  # noqa: E402
from textual.screen import Screen  # noqa: E402

from reader.clipboard import ClipboardTool, find_tool  # noqa: E402
from reader.clipboard import copy as copy_with_tool  # noqa: E402
from reader.commands import ArticleCommands  # noqa: E402
from reader.config import Config  # noqa: E402
from reader.links import command_for, launch, refusal  # noqa: E402
from reader.pipe import BACKGROUND_TIMEOUT, BadCommand, pipe_argv, run_command, run_in_terminal  # noqa: E402
from reader.saving import StateWriter, add_history  # noqa: E402
from reader.screens.main import MainScreen, find_main  # noqa: E402
from reader.services import Services  # noqa: E402
from reader.state import State, StateError  # noqa: E402
from reader.store import Library  # noqa: E402
from reader.text import clean  # noqa: E402
from reader.widgets.search import MemoryHistory  # noqa: E402

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class ReaderApp(App[None]):
    """Read a folder of front-matter articles."""

    CSS_PATH = "reader.tcss"
    TITLE = "reader"
    COMMANDS = App.COMMANDS | {ArticleCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit reader", priority=True),
        Binding("question_mark", "help", "Keys", id="help", tooltip="Show every key"),
    ]

    def __init__(
        self,
        library: Library,
        state: State | None,
        config: Config,
        clock: Clock = utc_now,
        *,
        watch_files: bool = True,
        notices: Iterable[str] = (),
    ) -> None:
        """``state`` is the user's state file (None: marks are not kept this
        time); ``clock`` gives the time dates are shown against (fixed in
        tests and screenshots); with ``watch_files`` the app refreshes when
        the library's files change; ``notices`` are shown once it runs."""
        super().__init__()
        self.library = library
        self.state = state
        self.config = config
        self.clock = clock
        self.watch_files = watch_files
        self.writer = StateWriter(state, self)  # every write to the state file, off this thread
        self.query_history = StateHistory(state, self.writer) if state is not None else MemoryHistory()
        from reader.fulltext.service import LazyFullTexts

        # The fetched full texts: the cache opens when first needed; the index
        # searches them with their articles (Library.full_texts).
        self.full_texts = LazyFullTexts(config.full_text_cache_mb * 1024 * 1024, notice=self.library_notice, clock=clock)
        library.full_texts = self.full_texts.texts
        self.pending_notices: list[str] = list(notices)
        self.handle_signals = False  # run_app sets it: end cleanly on SIGTERM, SIGHUP, SIGINT
        self.sub_title = ", ".join(clean(p.name or str(p)) for p in library.roots)

    def get_default_screen(self) -> Screen:
        services = Services(self.library, self.state, self.config, self.clock, self.writer, self.query_history, self.full_texts)
        return MainScreen(services, watch_files=self.watch_files)

    def on_mount(self) -> None:
        if self.handle_signals:
            self._catch_signals()
        if self.config.theme:
            try:
                self.theme = self.config.theme
            except Exception:  # noqa: BLE001 - Textual says no to an unknown theme in its own way
                self.pending_notices.append(f"config: theme {self.config.theme!r} is not one of Textual's; using the default")
        if self.config.keys:
            self.set_keymap(self.config.keys)
        for message in self.pending_notices:
            self.notify(clean(message), severity="warning", timeout=8)
        self.pending_notices.clear()

    def _catch_signals(self) -> None:
        """End the app through Textual on SIGTERM, SIGHUP and SIGINT, so the
        terminal is given back as it was (alternate screen left, cursor shown,
        mouse and keyboard modes off) and the state file is closed. Left to
        Python, SIGTERM and SIGHUP kill the process where it stands."""
        try:
            loop = asyncio.get_running_loop()
            for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
                loop.add_signal_handler(number, self._signalled, number)
        except (NotImplementedError, RuntimeError, ValueError, AttributeError):
            pass  # no such signals here (Windows), or not the main thread

    def _signalled(self, number: int) -> None:
        # The shell's convention: killed by signal N exits with 128 + N.
        self.exit(return_code=128 + number)

    def library_notice(self, message: str) -> None:
        """A notice from the library (cache rebuilt, bypassed...), from any thread."""
        if not self.is_running:
            self.pending_notices.append(message)
            return
        self.notify(clean(message), severity="warning", timeout=8)  # (Textual's notify is safe from any thread)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit":
            from reader.screens.help import HelpScreen
            from reader.screens.links import LinksScreen
            from reader.screens.problems import ProblemsScreen
            from reader.screens.raw import RawScreen

            # On these screens q closes the screen (their own binding), not the app.
            return not isinstance(self.screen, (HelpScreen, RawScreen, ProblemsScreen, LinksScreen))
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Keys: every key reader knows", "Show the help screen (?)", self.action_help)
        main = find_main(self)
        if main is not None:
            for action, title, help_text in (
                ("open_link", "Open article in browser", "Open the highlighted article's link (o)"),
                ("copy_link", "Copy article link", "Copy the highlighted article's link (y)"),
                ("raw", "Show raw front matter", "Every field of the article's file (i)"),
                ("toggle_topics", "Show or hide topics", "The topic sidebar (t)"),
                ("problems", "Problems", "Files that could not be read, and field warnings (!)"),
                ("links", "Links of the article", "Follow, open or copy any link of the article (l)"),
                ("full_text", "Fetch full text", "The article's page, its readable text in place of the body (F)"),
                ("toggle_read_shown", "Hide or show read articles", "Only the unread articles of this view (#)"),
                ("toggle_unscored", "Hide or show unscored articles", "Articles with no quality score (U)"),
                ("pipe", "Pipe article to a command", "Send its Markdown to the config's pipe command (|)"),
                ("open_and_next", "Open in browser and go to next unread", "Marks the article read (O)"),
                ("read", "Read article", "Show the highlighted article full screen (Enter)"),
                ("back", "Back", "Back to the previous article or the list (Esc)"),
            ):
                if main.check_action(action, ()):
                    yield SystemCommand(title, help_text, getattr(main, f"action_{action}"))

    def action_help(self) -> None:
        from reader.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # links --------------------------------------------------------------------

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Open an http(s) link in the browser; anything else is refused.

        The browser is the config's command, else $BROWSER, else Python's
        webbrowser module; the URL is always one argument, never shell text.
        """
        problem = refusal(url)
        if problem is not None:
            self.notify(problem, severity="error")
            return
        url = url.strip()
        command = command_for(url, self.config.browser)
        if command is not None:
            error = launch(command)
            if error:
                self.notify(error, severity="error")
            else:
                self.notify(clean(url), title="Opened in the browser", timeout=3)
            return
        self._open_with_webbrowser(url)

    @work(thread=True, group="browser")
    def _open_with_webbrowser(self, url: str) -> None:
        try:
            browser = webbrowser.get()
        except webbrowser.Error:
            self.notify("No browser found: set $BROWSER to the command that opens a link.", severity="error")
            return
        if isinstance(browser, webbrowser.GenericBrowser) and not isinstance(browser, webbrowser.BackgroundBrowser):
            # A browser that runs in the terminal: hand it the terminal (on the app's thread), then take it back.
            self.call_from_thread(self._run_in_terminal, browser, url)
            return
        opened = browser.open(url)
        if opened:
            self.notify(clean(url), title="Opened in the browser", timeout=3)
        else:
            self.notify("The browser did not open the link.", severity="error")

    def _run_in_terminal(self, browser: webbrowser.BaseBrowser, url: str) -> None:
        try:
            with self.suspend():
                browser.open(url)
        except SuspendNotSupported:
            self.notify("The browser runs in the terminal, which cannot be handed over here: set $BROWSER to another.", severity="error")

    # clipboard ----------------------------------------------------------------

    def copy_text(self, text: str, what: str = "Link") -> None:
        """Put ``text`` on the clipboard and say how (``what`` names it: "Link").

        The terminal is always asked (OSC 52), though it may ignore it
        unseen (tmux does by default); a system clipboard tool (xclip,
        wl-copy, pbcopy...), when there is one, runs on a thread and its
        answer is what the notice says.
        """
        self.copy_to_clipboard(text)
        tool = find_tool()
        if tool is None:
            self._sent_to_terminal(text, what, "No clipboard tool was found.")
            return
        self._copy_with_tool(text, what, tool)

    @work(thread=True, group="clipboard")
    def _copy_with_tool(self, text: str, what: str, tool: ClipboardTool) -> None:
        error = copy_with_tool(text, tool)
        if error is None:
            self.notify(clean(text), title=f"{what} copied to the clipboard ({tool.name})", timeout=3, markup=False)
        else:
            self._sent_to_terminal(text, what, f"{clean(error)}.", severity="warning")

    def _sent_to_terminal(self, text: str, what: str, why: str, severity: str = "information") -> None:
        self.notify(
            f"{clean(text)}\n{why} Under tmux it arrives only with `set -g set-clipboard on`.",
            title=f"{what} sent to the terminal's clipboard (OSC 52)",
            severity=severity,  # type: ignore[arg-type]
            timeout=6,
            markup=False,
        )

    # pipe ---------------------------------------------------------------------

    def pipe_text(self, command: str, text: str, *, wait: bool = True) -> None:
        """Run ``command`` (split into words, no shell) with ``text`` on its stdin.

        The command gets the terminal (the app suspended), so a pager works;
        with ``wait`` reader asks for Enter before it comes back, so output
        such as `glow -`'s can be read. Where the app cannot be suspended
        (headless, Textual Web) the command runs on a thread out of sight.
        A notice says when it failed. Call it on the app's thread (an action).
        """
        try:
            argv = pipe_argv(command)
        except BadCommand as exc:
            self.notify(str(exc), title="Pipe", severity="error", markup=False)
            return
        data = text.encode("utf-8", errors="replace")
        outcome: list[str | None] = []
        try:
            with self.suspend():
                outcome.append(run_in_terminal(argv, data, wait=wait))
        except SuspendNotSupported:
            self._pipe_out_of_sight(argv, data)
            return
        if outcome and outcome[0] is not None:
            self.notify(clean(outcome[0]), title="Pipe", severity="error", markup=False)

    @work(thread=True, group="pipe")
    def _pipe_out_of_sight(self, argv: list[str], data: bytes) -> None:
        error = run_command(argv, data, timeout=BACKGROUND_TIMEOUT)
        if error is None:
            self.notify(f"Sent to {clean(argv[0])}", title="Pipe", timeout=3, markup=False)
        else:
            self.notify(clean(error), title="Pipe", severity="error", markup=False)


def make_app(
    paths: Iterable[Path | str],
    *,
    cache_dir: Path | None = None,
    now: datetime | None = None,
    browser: str | None = None,
    library: Library | None = None,
    watch: bool = True,
    config: Config | None = None,
    state: State | None = None,
) -> ReaderApp:
    """The app on a library, with everything a test may want to fix: the
    cache folder, the time (``now``: dates are shown against it), the
    browser command, the library itself, the folder watch, the config, the
    state file (by default the user's, opened here)."""
    config = config or Config()
    if library is None:
        library = Library(paths, cache_dir=cache_dir, story_window=config.story_window_days * 86_400)
    if browser is not None:
        config = replace(config, browser=browser)
    notices = list(config.problems)
    if state is None:
        state = open_state(notices.append)
    if state is not None:
        library.state_path = state.path
    clock: Clock = (lambda: now) if now is not None else utc_now
    app = ReaderApp(library, state, config, clock, watch_files=watch, notices=notices)
    library.notice = app.library_notice
    return app


class StateHistory:
    """The search bar's history, kept in the user's state file (written off
    the UI thread)."""

    def __init__(self, state: State, writer: StateWriter) -> None:
        self.state = state
        self.writer = writer

    def items(self) -> list[str]:
        try:
            return self.state.history()
        except StateError:
            return []

    def add(self, text: str) -> None:
        self.writer.write(partial(add_history, text))


def open_state(notice) -> State | None:
    """The user's state file; reader still runs (without keeping marks) when it cannot be opened."""
    try:
        return State(notice=notice)
    except StateError as exc:
        notice(f"{exc}; read and starred marks will not be kept this time")
        return None


def run_app(paths: list[Path], library: Library | None = None, config: Config | None = None) -> int:
    app = make_app(paths, library=library, config=config)
    app.handle_signals = True
    try:
        app.run()
    finally:
        app.writer.wait(timeout=10)  # a mark the user was shown is on disk before the file closes
        app.library.close()
        app.full_texts.close()
        if app.state is not None:
            app.state.close()
    return app.return_code or 0
