"""Stories on the main screen (reader.stories): the list shows one row a
story; Enter or → on a story's row lists its members (the story layer,
left with Esc, back on that row); v shows every article again (and is
remembered in the config); m on a story's row marks every member.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from reader.model import ListRow

if TYPE_CHECKING:
    from reader.screens.main import MainScreen
    from reader.view import View


class StoryNavigator:
    """Enters and leaves stories, and switches grouping, for ``screen``."""

    def __init__(self, screen: "MainScreen") -> None:
        self.screen = screen
        self._before: list[tuple[object, int | None]] = []  # (view, the story row's id) for each story entered

    def is_story_row(self, row: ListRow | None) -> bool:
        """Whether ``row`` stands for a story of several in the list."""
        return row is not None and row.story_size > 1 and self.screen.view.lists_stories

    def enter(self, row: ListRow | None = None) -> bool:
        """List the members of the story under the cursor (Enter, →); False
        when the row is an article alone (Enter reads it then)."""
        screen = self.screen
        row = row or screen.articles.current_row
        if not self.is_story_row(row):
            return False
        assert row is not None
        view = screen.view
        self._before.append((view, row.id))
        screen.pane.history.clear()
        # By one member's id: the story's own id is its first report's, which a
        # report found earlier (or that one deleted) changes while it is shown.
        screen._change_view(replace(view, story=row.uid, story_title=row.title))
        return True

    def outside(self, view: "View") -> "View":
        """``view``, out of the story when what it changes lies outside it
        (a search, a topic, a filter: the story shows all its members
        whatever these say); the sort stays inside."""
        shown = self.screen.view
        if view.story is None or shown.story is None:
            return view
        if (view.search, view.choice, view.filters, view.grouped) == (shown.search, shown.choice, shown.filters, shown.grouped):
            return view
        self._before.clear()
        return replace(view, story=None, story_title="")

    def leave(self) -> bool:
        """Back from a story's members to the list it was entered from, on
        its row (Esc); False when no story is entered."""
        screen = self.screen
        if screen.view.story is None or not self._before:
            return False
        view, row_id = self._before.pop()
        screen.load_ids(view=view, keep=row_id)  # type: ignore[arg-type]
        return True

    def toggle(self) -> None:
        """One row a story, or one row an article (v): kept in the config."""
        screen = self.screen
        grouped = not screen.view.grouped
        self._before.clear()
        row = screen.articles.current_row
        screen.load_ids(view=replace(screen.view, grouped=grouped, story=None, story_title=""), keep=row.id if row else None)
        screen.config.group_stories = grouped
        screen.notify("One row a story" if grouped else "One row an article (v groups stories again)", timeout=2)
        self._remember(grouped)

    def _remember(self, grouped: bool) -> None:
        from reader.config import config_path
        from reader.configfile import ConfigNotWritten, remember

        path = self.screen.config.path or config_path()
        try:
            remember(path, "group_stories", "true" if grouped else "false")
        except ConfigNotWritten as exc:
            self.screen.notify(f"Not remembered for next time: {exc}", severity="warning")

    def mark(self, row: ListRow) -> bool:
        """m on a story's row: marks all its members; False for an article alone."""
        if not self.is_story_row(row):
            return False
        self.screen.list_pane.change_story_read(row)
        return True
