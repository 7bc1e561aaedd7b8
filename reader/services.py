"""What the app hands its main screen and the panes in it, in one value: the
library, the user's state and its writer, the config, the clock and the
search history. Given, never looked up (no `self.app.<something>`), so tests
build each piece with their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from reader.config import Config
from reader.store import Library

if TYPE_CHECKING:
    from reader.fulltext.service import LazyFullTexts
    from reader.saving import StateWriter
    from reader.state import State
    from reader.widgets.search import History


@dataclass(frozen=True, slots=True)
class Services:
    library: Library
    state: "State | None"  # None when marks cannot be kept (the state file could not be opened)
    config: Config
    clock: Callable[[], datetime]  # the time dates are shown against
    writer: "StateWriter"  # every write to the state file, off the UI thread
    history: "History"  # the search bar's earlier queries
    full_texts: "LazyFullTexts | None" = None  # the articles' fetched full texts (reader.fulltext)
