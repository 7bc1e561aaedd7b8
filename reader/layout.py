"""Which layout the main screen takes at a terminal size: the classes set
on it (reader.tcss says what each one does).

- wide (170 columns and more): sidebar, list and article side by side,
  the list wide enough for a 55-cell title beside provider and date;
- medium: the sidebar on the left, the list above the article on the right
  (at 120 columns a title gets 55 cells and the provider column shows);
- narrow (below 100): the list above the article, the sidebar on demand (t);
- tiny (below 50x14): the list alone, or the article alone while reading.
"""

from __future__ import annotations

WIDE = 170  # from this width the three panes sit side by side
NARROW = 100  # below this width the panes stack and the sidebar folds away
TINY_WIDTH, TINY_HEIGHT = 50, 14  # below either, only the list shows


def classes(width: int, height: int) -> dict[str, bool]:
    """Each layout class of the main screen, and whether it is on at this size."""
    return {
        "-wide": width >= WIDE,
        "-medium": NARROW <= width < WIDE,
        "-narrow": width < NARROW,
        "-tiny": width < TINY_WIDTH or height < TINY_HEIGHT,
    }
