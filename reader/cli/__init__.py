"""The `reader` command: the app with no command, or list/check/topics/show/fetch/config/state.

Every string from a file is printed as rich.text.Text (never markup) after
its control characters are removed, or as escaped JSON.

One module a job: args (options, paths, the query), parsers (one a command,
and `reader --help`), opening (the config and the library), listing (list,
topics, check), reading (show, fetch), files (config, state). Here: which
command runs, the app, and how a command ends (its exit status).
"""

from __future__ import annotations

import os
import sys
from typing import Sequence

from reader.cli.args import Finished, UsageError
from reader.cli.files import cmd_config, cmd_state
from reader.cli.listing import cmd_check, cmd_list, cmd_topics
from reader.cli.parsers import app_parser, usage
from reader.cli.reading import cmd_fetch, cmd_show

COMMANDS = ("list", "check", "topics", "show", "fetch", "config", "state")


def cmd_app(argv: Sequence[str]) -> int:
    args = app_parser().parse_args(argv)
    for path in args.paths:
        if not os.path.exists(path):
            raise UsageError(f"no such file or folder: {path}")
    from reader.config import apply_config, load_config, seeds_dir
    from reader.query import Query
    from reader.store import Library

    config = load_config()  # its problems are shown in the app, as notifications
    paths = args.paths or config.library or [seeds_dir()]
    library = Library(paths, story_window=config.story_window_days * 86_400)  # as the command line groups them
    # The first screen's ids and count load while Textual is imported.
    first = apply_config(Query(), config)
    library.prefetch(first, sort=first.sort, grouped=config.group_stories)
    from reader.app import run_app

    return run_app(paths, library, config)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from reader.store.errors import StoreError

    try:
        if argv and argv[0] in COMMANDS:
            command, rest = argv[0], argv[1:]
            return {
                "list": cmd_list,
                "check": cmd_check,
                "topics": cmd_topics,
                "show": cmd_show,
                "fetch": cmd_fetch,
                "config": cmd_config,
                "state": cmd_state,
            }[command](rest)
        if argv and argv[0] in ("-h", "--help"):
            sys.stdout.write(usage())
            return 0
        return cmd_app(argv)
    except Finished as done:  # --help or --version, printed
        return done.status
    except UsageError as exc:
        first, _, rest = str(exc).partition("\n")
        sys.stderr.write(f"reader: {first}\n")
        if rest:
            sys.stderr.write(rest + "\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("reader: interrupted\n")
        return 130
    except StoreError as exc:  # the cache could not answer: its reason, in one line
        from reader.text import clean

        sys.stderr.write(clean(f"reader: {exc}") + "\n")
        return 1
    except BrokenPipeError:
        # A pager or `head` closed the pipe: not an error worth a traceback.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except Exception as exc:  # the last guard: a bug must still not show a traceback
        if os.environ.get("READER_DEBUG"):
            raise
        return _crashed(exc)


def _crashed(exc: BaseException) -> int:
    """One line for the user; the traceback goes to a file they can send us."""
    import traceback

    from reader.text import clean

    where = ""
    try:
        from reader.config import cache_dir

        log = cache_dir() / "crash.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a", encoding="utf-8", errors="backslashreplace") as out:
            out.write("".join(traceback.format_exception(exc)) + "\n")
        where = f"; the details are in {log}"
    except Exception:
        pass
    sys.stderr.write(clean(f"reader: unexpected error ({type(exc).__name__}: {exc}){where}. Please report it.") + "\n")
    return 70
