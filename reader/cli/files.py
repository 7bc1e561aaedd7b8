"""reader config and reader state: the files reader keeps for the user."""

from __future__ import annotations

import sys
from typing import Sequence

from reader import output
from reader.cli.args import UsageError
from reader.cli.opening import notice
from reader.cli.parsers import config_parser, state_parser
from reader.sqlite import sqlite3


def cmd_config(argv: Sequence[str]) -> int:
    from rich.text import Text

    from reader.config import cache_dir, load_config
    from reader.state import default_path
    from reader.text import clean

    config_parser().parse_args(argv)
    config = load_config()
    console = output.console(soft_wrap=True)
    config_file = config.path
    if config_file is not None and config_file.is_file():
        status = "exists"
    elif config_file is not None and config_file.exists():
        status = "not a file"
    else:
        status = "not found; the defaults apply"
    data_file = default_path()
    cache = cache_dir()
    for label, path, note in (
        ("config file: ", config_file, status),
        ("data file:   ", data_file, "exists" if data_file.exists() else "not made yet"),
        ("cache folder:", cache, "exists" if cache.is_dir() else "not made yet"),
    ):
        console.print(Text(f"# {label} ", style="dim") + Text(clean(str(path))) + Text(f" ({note})", style="dim"))
    source = "pysqlite3" if sqlite3.__name__.startswith("pysqlite3") else "Python's own"
    console.print(Text(f"# SQLite:       {sqlite3.sqlite_version} ({source})", style="dim"))
    console.print()
    for line in config.to_toml_lines():
        console.print(Text(line, style="dim" if line.startswith("#") else ""))
    for problem in config.problems:
        notice(problem)
    return 0


STATE_USAGE = "reader state export FILE | reader state import FILE"


def cmd_state(argv: Sequence[str]) -> int:
    from rich.text import Text

    from reader.state import State, StateError
    from reader.text import clean

    if argv and argv[0] in ("-h", "--help"):
        sys.stdout.write(
            f"usage: {STATE_USAGE}\n\n"
            "export  write read and starred marks, saved searches and query history to FILE (JSON)\n"
            "import  merge such a file into this computer's state (nothing is removed)\n"
        )
        return 0
    if not argv:
        raise UsageError(f"state needs export or import: {STATE_USAGE}")
    action, rest = argv[0], argv[1:]
    if action not in ("export", "import"):
        raise UsageError(f"unknown state command {action!r}: {STATE_USAGE}")
    args = state_parser(action).parse_args(rest)
    shown = clean(output.display_path(str(args.file)))
    try:
        with State(notice=notice) as state:
            counts = state.export(args.file) if action == "export" else state.import_(args.file)
    except StateError as exc:
        output.err_console().print(Text("reader: ", style="bold red") + Text(clean(str(exc))))
        return 1
    parts = (
        _count(counts.read, "read mark"),
        _count(counts.starred, "star"),
        _count(counts.searches, "saved search", "saved searches"),
        _count(counts.history, "history entry", "history entries"),
    )
    summary = ", ".join(parts)
    if action == "export":
        line = f"Exported {summary} to {shown}"
    else:
        line = f"Imported from {shown}: {summary} new"
    output.console(soft_wrap=True).print(Text(line))
    return 0


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"

