"""Which layout the main screen takes at a terminal size: the classes set
on it (reader.tcss says what each one does)."""

from __future__ import annotations

NARROW = 110  # below this width the panes stack and the sidebar folds away
TINY_WIDTH, TINY_HEIGHT = 50, 14  # below either, only the list shows


def classes(width: int, height: int) -> dict[str, bool]:
    """Each layout class of the main screen, and whether it is on at this size."""
    return {
        "-narrow": width < NARROW,
        "-tiny": width < TINY_WIDTH or height < TINY_HEIGHT,
    }
