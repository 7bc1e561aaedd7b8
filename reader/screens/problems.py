"""The problems view (`!`): every file that could not be read and every
field warning, as `reader check` lists them (`path:line: reason`), kept up
to date while the library changes."""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.model import Problem
from reader.text import clean


def shown_path(path: str, roots: list[Path]) -> str:
    """``path`` within its library folder (what the user recognises)."""
    for root in roots:
        root_text = os.fspath(root)
        if path.startswith(os.path.join(root_text, "")):
            return os.path.relpath(path, root_text)
    return path


def problem_line(problem: Problem, roots: list[Path]) -> Text:
    """One problem as `reader check` prints it: where, then skipped or warning, then why."""
    where = clean(shown_path(problem.path, roots)) + (f":{problem.line}" if problem.line else "")
    line = Text(where + ": ", style="bold")
    line.append("skipped: " if problem.skipped else "warning: ", style="red" if problem.skipped else "yellow")
    line.append(clean(problem.reason))
    return line


def summary(problems: list[Problem]) -> str:
    skipped = sum(1 for p in problems if p.skipped)
    warnings = len(problems) - skipped
    return f"{skipped} file{'' if skipped == 1 else 's'} skipped, {warnings} warning{'' if warnings == 1 else 's'}"


class ProblemsTracker:
    """The library's problems as of the last count, and the skipped files
    that are new since the count before (to tell of a file that breaks
    while the app runs)."""

    def __init__(self) -> None:
        self.problems: list[Problem] | None = None  # None until the first count
        self._skipped: set[tuple[str, str]] = set()

    def update(self, problems: list[Problem]) -> list[Problem]:
        """Take a new count; the skipped files not skipped at the last one
        (none at the first: the header tells of those)."""
        skipped = [p for p in problems if p.skipped]
        new = [] if self.problems is None else [p for p in skipped if (p.path, p.reason) not in self._skipped]
        self._skipped = {(p.path, p.reason) for p in skipped}
        self.problems = problems
        return new

    def words(self) -> str:
        """The count in a few words for the header ("1 skipped, 3 warnings"); "" when none."""
        problems = self.problems or []
        skipped = sum(1 for p in problems if p.skipped)
        warnings = len(problems) - skipped
        parts = ([f"{skipped:,} skipped"] if skipped else []) + ([f"{warnings:,} warning{'' if warnings == 1 else 's'}"] if warnings else [])
        return ", ".join(parts)


class ProblemsScreen(ModalScreen[None]):
    """The library's problems, scrollable; Esc or q closes it."""

    # (here rather than in reader.tcss for now: move it there with the help screen's box)
    DEFAULT_CSS = """
    ProblemsScreen { align: center middle; }
    #problems-box { width: 90%; max-width: 120; height: 90%; padding: 1 2; background: $panel; border: round $accent; }
    #problems-scroll { height: 1fr; margin: 1 0; }
    """

    BINDINGS = [
        Binding("escape,q,exclamation_mark", "close", "Close", id="problems.close", tooltip="Close the problems"),
        Binding("j,down", "scroll(1)", "Down", id="problems.down", tooltip="Scroll down", show=False),
        Binding("k,up", "scroll(-1)", "Up", id="problems.up", tooltip="Scroll up", show=False),
        Binding("g,home", "top", "Top", id="problems.top", tooltip="First problem", show=False),
        Binding("G,end", "bottom", "Bottom", id="problems.bottom", tooltip="Last problem", show=False),
    ]

    def __init__(self, problems: list[Problem], roots: list[Path]) -> None:
        super().__init__()
        self.problems = problems
        self.roots = roots
        self._composed = False  # its widgets are there to show the problems in

    def compose(self) -> ComposeResult:
        with Vertical(id="problems-box"):
            yield Static(id="problems-head")
            with VerticalScroll(id="problems-scroll"):
                yield Static(id="problems-list")
            yield Static(Text("Esc: close    the list follows the files as they change; `reader check` prints it", style="dim"))

    def on_mount(self) -> None:
        self._composed = True
        self.show(self.problems)

    def show(self, problems: list[Problem]) -> None:
        """Show these problems (called again after each refresh)."""
        self.problems = problems
        if not self._composed:
            return  # on_mount shows the newest
        head = Text("Problems", style="bold")
        head.append(f"  {summary(problems)}", style="dim")
        self.query_one("#problems-head", Static).update(head)
        body = Text("\n").join(problem_line(p, self.roots) for p in problems) if problems else Text("Every file was read without a problem.", style="italic")
        self.query_one("#problems-list", Static).update(body)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, step: int) -> None:
        self.query_one("#problems-scroll").scroll_relative(y=step, animate=False)

    def action_top(self) -> None:
        self.query_one("#problems-scroll").scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.query_one("#problems-scroll").scroll_end(animate=False)
