"""What a command that reads a library does first: the config read (each of
its problems one line on stderr), then the library opened and brought up to
date, with a progress bar once that takes more than a second."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from reader import output
from reader.cli.args import UsageError

DAY = 86_400  # seconds


def notice(message: str) -> None:
    from rich.text import Text

    from reader.text import clean

    output.err_console().print(Text("reader: ", style="bold yellow") + Text(clean(message)))


def load_config_noting_problems():
    """The user's config, each of its problems printed as one line on stderr."""
    from reader.config import load_config

    config = load_config()
    for problem in config.problems:
        notice(problem)
    return config


def default_paths(config=None) -> list[Path]:
    from reader.config import seeds_dir

    if config is None:
        config = load_config_noting_problems()
    return config.library or [seeds_dir()]


class DelayedProgress:
    """A Rich progress bar on stderr, shown only when the work passes a second."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.started = time.monotonic()
        self.bar: Any = None
        self.task: Any = None
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.started < 1.0 or done >= total:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn(self.label),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=output.err_console(),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def open_library(paths: list[Path], config=None):
    """The library for ``paths`` (or the config's, else the samples), refreshed, with progress.

    ``config`` is one already loaded (and its problems shown); without it the
    config is read, its problems shown when no paths are given (when it names
    the library). Its story_window_days groups the articles, as in the app:
    both keep stories in the same cache.
    """
    from reader.config import load_config
    from reader.store import Library

    for path in paths:
        if not os.path.exists(path):
            raise UsageError(f"no such file or folder: {path}")
    from reader.state import default_path

    from reader.fulltext.service import LazyFullTexts

    if config is None and not paths:
        config = load_config_noting_problems()
    settings = load_config() if config is None else config
    library = Library(paths or default_paths(config), notice=notice, story_window=settings.story_window_days * DAY)
    library.state_path = default_path()  # is:read, is:starred (when there is a state file)
    # A changed article is indexed with its fetched full text (searched, has:fulltext).
    full_texts = LazyFullTexts(500 * 1024 * 1024 if config is None else config.full_text_cache_mb * 1024 * 1024, notice=notice)
    library.full_texts = full_texts.texts
    progress = DelayedProgress("Indexing articles")
    try:
        library.refresh(progress)
    finally:
        progress.close()
        full_texts.close()
        library.full_texts = None  # (the cache is closed: a later refresh of this library indexes without them)
    return library

