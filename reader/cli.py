"""The `reader` command: the app with no command, or list/check/topics/show/config/state.

Every string from a file is printed as rich.text.Text (never markup) after
its control characters are removed, or as escaped JSON.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path
from typing import Any, NoReturn, Sequence

from reader import __version__, output
from reader.sqlite import sqlite3

COMMANDS = ("list", "check", "topics", "show", "fetch", "config", "state")
FORMATS = ("table", "json", "jsonl", "csv")


class UsageError(Exception):
    pass


class _Finished(Exception):
    """argparse printed --help or --version: the command ends with this status."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            sys.stderr.write(message)
        raise _Finished(status)


def _notice(message: str) -> None:
    from rich.text import Text

    from reader.text import clean

    output.err_console().print(Text("reader: ", style="bold yellow") + Text(clean(message)))


# -- arguments ------------------------------------------------------------------------


def _split_argv(argv: Sequence[str], parser: argparse.ArgumentParser) -> list[str]:
    """Put options first and everything else after '--'.

    Query terms may start with '-' (``-topic:AI``): anything that is not one
    of ``parser``'s options is a positional argument, whatever its first
    character.
    """
    with_value = {name for action in parser._actions if action.nargs != 0 for name in action.option_strings}
    flags = {name for action in parser._actions if action.nargs == 0 for name in action.option_strings}
    options: list[str] = []
    positional: list[str] = []
    items = list(argv)
    i = 0
    while i < len(items):
        item = items[i]
        name = item.split("=", 1)[0]
        if item == "--":
            positional.extend(items[i + 1 :])
            break
        if name in with_value:
            options.append(item)
            if "=" not in item and i + 1 < len(items):
                options.append(items[i + 1])
                i += 1
        elif item in flags:
            options.append(item)
        elif item.startswith("--"):
            raise UsageError(f"unknown option {item}")
        else:
            positional.append(item)
        i += 1
    return options + ["--"] + positional


def _paths_and_query(words: list[str]) -> tuple[list[Path], str]:
    """Leading arguments that name files or folders are paths; the rest is the query."""
    paths: list[Path] = []
    rest = list(words)
    while rest and os.path.exists(rest[0]):
        paths.append(Path(rest.pop(0)))
    if rest and _looks_like_path(rest[0]):
        raise UsageError(f"no such file or folder: {rest[0]}")
    return paths, " ".join(_requote(word) for word in rest)


def _requote(word: str) -> str:
    """Put back the quotes the shell took: topic:"AI Hardware" arrives as topic:AI Hardware."""
    if not any(c.isspace() for c in word) or '"' in word:
        return word
    # A whole query in one argument ('topic:AI quality:>=60') is left alone:
    # only a value without further qualifiers or negations was a quoted one.
    if any(re.match(r"^-|^[A-Za-z]+:", part) for part in word.split()[1:]):
        return word
    match = re.match(r"^(-?[A-Za-z]+:)(.*)$", word, re.S)
    if match:
        return f'{match.group(1)}"{match.group(2)}"'
    if word.startswith("-"):
        return f'-"{word[1:]}"'
    return f'"{word}"'



def _looks_like_path(word: str) -> bool:
    return ("/" in word and ":" not in word.split("/")[0]) or word.lower().endswith((".md", ".markdown"))


def load_config_noting_problems():
    """The user's config, each of its problems printed as one line on stderr."""
    from reader.config import load_config

    config = load_config()
    for problem in config.problems:
        _notice(problem)
    return config


def default_paths(config=None) -> list[Path]:
    from reader.config import seeds_dir

    if config is None:
        config = load_config_noting_problems()
    return config.library or [seeds_dir()]


class _DelayedProgress:
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
    config is read when no paths are given.
    """
    from reader.store import Library

    for path in paths:
        if not os.path.exists(path):
            raise UsageError(f"no such file or folder: {path}")
    from reader.state import default_path

    from reader.fulltext.service import LazyFullTexts

    library = Library(paths or default_paths(config), notice=_notice)
    library.state_path = default_path()  # is:read, is:starred (when there is a state file)
    # A changed article is indexed with its fetched full text (searched, has:fulltext).
    full_texts = LazyFullTexts(500 * 1024 * 1024 if config is None else config.full_text_cache_mb * 1024 * 1024, notice=_notice)
    library.full_texts = full_texts.texts
    progress = _DelayedProgress("Indexing articles")
    try:
        library.refresh(progress)
    finally:
        progress.close()
        full_texts.close()
        library.full_texts = None  # (the cache is closed: a later refresh of this library indexes without them)
    return library


# -- parsers -----------------------------------------------------------------------------
# One function a command, so that `reader --help` is made from the same
# parsers that read the arguments (see usage()).

PATHS_HELP = "files or folders of articles (default: the library in the config, else the sample articles)"
QUERY_WORDS = "PATH... QUERY"
QUERY_HELP = PATHS_HELP + ", then a query in the query language (see the README)"


def app_parser() -> _Parser:
    parser = _Parser(prog="reader", description="A terminal news reader for folders of Markdown articles with YAML front matter.")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=PATHS_HELP)
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    return parser


def list_parser() -> _Parser:
    from reader.query import SORTS

    parser = _Parser(prog="reader list", description="List articles, best first.")
    parser.add_argument("words", nargs="*", metavar=QUERY_WORDS, help=QUERY_HELP)
    parser.add_argument(
        "--sort",
        choices=SORTS + ("relevance",),
        help="the order (default: the config's sort, else quality, high first; relevance when the query has words)",
    )
    parser.add_argument("--reverse", action="store_true", help="the other way round (articles missing the sort field stay last)")
    parser.add_argument("--limit", type=int, metavar="N", help="at most N articles")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help=(
            "table (the default): on a terminal, titles wrap to its width; to a pipe or a file, one line an "
            "article, cut at COLUMNS when it is set. json, jsonl, csv: every field"
        ),
    )
    return parser


def check_parser() -> _Parser:
    parser = _Parser(prog="reader check", description="Report files that could not be read, and field warnings; exit 1 if a file was skipped.")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=PATHS_HELP)
    return parser


def topics_parser() -> _Parser:
    parser = _Parser(prog="reader topics", description="Topics with article counts and mean quality.")
    parser.add_argument("words", nargs="*", metavar=QUERY_WORDS, help=QUERY_HELP)
    parser.add_argument("--format", choices=("table", "json"), default="table", help="table (the default) or json")
    return parser


def show_parser() -> _Parser:
    parser = _Parser(prog="reader show", description="Show one article, by id (from `reader list`) or by path.")
    parser.add_argument("target", metavar="ID|PATH")
    parser.add_argument("paths", nargs="*", type=Path, metavar="LIBRARY", help="where to look for ID (default: every library indexed before, then the default library)")
    parser.add_argument("--full", action="store_true", help="with the full text of the article's page: the cached one, else fetched now")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or one JSON object")
    return parser


def fetch_parser() -> _Parser:
    parser = _Parser(
        prog="reader fetch",
        description="Fetch the full text of every matching article that has no body and none cached yet (before a flight).",
    )
    parser.add_argument("words", nargs="*", metavar="PATH|QUERY", help="library folders or files, then a query (default: every article)")
    parser.add_argument("--jobs", type=int, default=8, metavar="N", help="requests at a time in all, at most 2 a site (default 8)")
    parser.add_argument("--refresh", action="store_true", help="also re-validate the cached ones (a conditional request each)")
    return parser


def config_parser() -> _Parser:
    return _Parser(prog="reader config", description="Show where reader keeps its files and the settings in effect.")


def state_parser(action: str) -> _Parser:
    parser = _Parser(
        prog=f"reader state {action}",
        description="Write your marks, saved searches and history to FILE." if action == "export" else "Merge a file made by `reader state export`.",
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    return parser


def synopsis(parser: argparse.ArgumentParser) -> str:
    """``reader list [PATH...] [QUERY] [--sort a|b] [--limit N]``: the
    parser's arguments, then its options (all but --help), as they are."""
    words: list[str] = [parser.prog]
    options: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        name = action.metavar or action.dest
        if not action.option_strings:
            if action.nargs == "*":
                parts = str(name).split()
                words += [f"[{parts[0]}...]"] if len(parts) == 1 else [f"[{part}]" for part in parts]
            else:
                words.append(str(name))
            continue
        option = action.option_strings[-1]
        if action.nargs == 0:
            options.append(f"[{option}]")
        elif action.choices:
            options.append(f"[{option} {'|'.join(action.choices)}]")
        else:
            options.append(f"[{option} {name if action.metavar else str(name).upper()}]")
    return " ".join(words + options)


def usage() -> str:
    """What `reader --help` prints: every command with its options."""
    lines = [
        (synopsis(app_parser()), "open the app"),
        (synopsis(list_parser()), "list articles, best first"),
        (synopsis(check_parser()), "one line per unreadable file or warning; exit 1 if a file was skipped"),
        (synopsis(topics_parser()), "topics with article counts and mean quality"),
        (synopsis(show_parser()), "one article, by id (from reader list) or by path"),
        (synopsis(fetch_parser()), "fetch the full text of articles with no body, for reading offline; exit 1 if any failed"),
        (synopsis(config_parser()), "where files live, and the settings in effect"),
        (synopsis(state_parser("export")), "save read/starred marks, saved searches, history"),
        (synopsis(state_parser("import")), "merge them back in (on this or another computer)"),
    ]
    out = []
    for i, (line, what) in enumerate(lines):
        out.append(("usage: " if i == 0 else "       ") + line)
        out.append(f"           {what}")
    out.append("")
    out.append("Every command takes --help, which explains its options. python -m reader is the same as reader.")
    return "\n".join(out) + "\n"


# -- output ------------------------------------------------------------------------------


# -- commands --------------------------------------------------------------------------


def cmd_list(argv: Sequence[str]) -> int:
    from reader.config import apply_config

    parser = list_parser()
    args = parser.parse_args(_split_argv(argv, parser))
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    paths, query = _paths_and_parsed_query(args.words)
    config = load_config_noting_problems()
    # The config's sort (when neither --sort nor sort: is given and no words
    # are searched) and its min_quality (as quality:>=N) go into the query.
    query = apply_config(query, config)
    sort = None if args.sort == "relevance" else args.sort
    with open_library(paths, config) as library:
        rows = library.each(query, sort=sort, reverse=args.reverse, limit=args.limit, with_data=args.format != "table")
        output.print_rows(rows, args.format, lambda shown: shown if args.limit is None else library.count(query))
    return 0


def _paths_and_parsed_query(words: list[str]):
    """The paths among ``words`` and the rest as a Query; a bad query is a usage error that shows where."""
    from reader.query import QueryError, parse_query

    paths, text = _paths_and_query(words)
    try:
        return paths, parse_query(text)
    except QueryError as exc:
        raise UsageError(f"bad query: {exc.message}\n{_indent(exc.pointer())}") from None


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def cmd_check(argv: Sequence[str]) -> int:
    from rich.text import Text

    from reader.text import clean

    args = check_parser().parse_args(argv)
    with open_library(args.paths) as library:
        problems = library.problems()
        articles = library.article_count()
    console = output.console(soft_wrap=True)
    skipped = [p for p in problems if p.skipped]
    for problem in problems:
        line = Text(clean(output.display_path(problem.path)) + (f":{problem.line}" if problem.line else "") + ": ", style="bold")
        line.append(Text("skipped: " if problem.skipped else "warning: ", style="red" if problem.skipped else "yellow"))
        line.append(clean(problem.reason))
        console.print(line)
    warnings = len(problems) - len(skipped)
    console.print(
        Text(
            f"{articles} article{'s' if articles != 1 else ''} read, "
            f"{len(skipped)} file{'s' if len(skipped) != 1 else ''} skipped, "
            f"{warnings} warning{'s' if warnings != 1 else ''}",
            style="bold red" if skipped else "bold green",
        )
    )
    return 1 if skipped else 0


def cmd_topics(argv: Sequence[str]) -> int:
    from rich.table import Table
    from rich.text import Text

    from reader.text import clean

    parser = topics_parser()
    args = parser.parse_args(_split_argv(argv, parser))
    paths, query = _paths_and_parsed_query(args.words)
    with open_library(paths) as library:
        topics = library.topics(query)
    if args.format == "json":
        sys.stdout.write(output.dumps([{"topic": t, "articles": n, "mean_quality": None if q is None else round(q, 1)} for t, n, q in topics], indent=2) + "\n")
        return 0
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Topic")
    table.add_column("Articles", justify="right")
    table.add_column("Mean quality", justify="right")
    for topic, count, mean in topics:
        table.add_row(Text(clean(topic)), Text(str(count)), Text("–" if mean is None else f"{mean:.1f}"))
    output.console().print(table)
    return 0


def cmd_show(argv: Sequence[str]) -> int:

    from reader.parse import parse_file
    from reader.render import render_article
    from reader.store import StoreError, article_uid, find_article
    from reader.text import clean

    args = show_parser().parse_args(argv)
    target: str = args.target
    library = None
    if os.path.isfile(target):
        path = os.path.abspath(target)
        found = find_article(article_uid(path))
        library = found[1] if found else None
    elif not args.paths and (found := find_article(target)) is not None:
        path, library = found
    else:
        library = open_library(args.paths)
        row = library.get(target)
        if row is None:
            library.close()
            raise UsageError(f"no article with id or path {target!r}")
        path = row.path
    try:
        article, problems = parse_file(path)
        if article is None:
            for problem in problems:
                output.err_console().print(clean(output.display_path(problem.path)) + ": " + clean(problem.reason), markup=False)
            return 1
        urls = [r.url for r in article.related if r.url]
        try:
            in_library = set(library.by_url(urls)) if library is not None and urls else set()
            row = library.get(path) if library is not None and args.format == "json" else None
        except StoreError:
            in_library, row = set(), None  # the links are shown all the same, unmarked
        full = None
        if args.full:
            full = _full_text(article.url)
            if full is None:
                return 1
            if library is not None and not full.from_cache:
                try:
                    library.add_full_text(article.url or "", full.markdown)  # searched from now on
                except StoreError:
                    pass
    finally:
        if library is not None:
            library.close()
    if args.format == "json":
        item = output.article_json(row) if row is not None else output.parsed_json(article, article_uid(path))
        if full is not None:
            item["full_text"] = full.markdown
            item["full_text_source"] = {"url": full.source_url, "fetched_at": full.fetched_at.isoformat().replace("+00:00", "Z")}
        print(output.dumps(item, indent=2))
        return 0
    output.print_trimmed(render_article(article, article_uid(path), in_library, full))
    return 0


def _full_text(url: str | None):
    """The full text of ``url`` (cached, else fetched now), or None after
    saying why not in one line."""
    from reader.config import load_config
    from reader.fulltext.cache import FullTextCache
    from reader.fulltext.service import FullTexts, FullTextError

    from reader.fulltext.cache import CacheError

    config = load_config()
    try:
        cache = FullTextCache(cap_bytes=config.full_text_cache_mb * 1024 * 1024, notice=_notice)
    except CacheError as exc:
        output.err_console().print(f"reader: the full-text cache cannot be used: {exc}", markup=False, highlight=False)
        return None
    try:
        return FullTexts(cache).get(url)
    except FullTextError as exc:
        output.err_console().print(f"reader: {exc}", markup=False, highlight=False)
        return None
    finally:
        cache.close()


def cmd_fetch(argv: Sequence[str]) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from reader.fulltext.bulk import fetch_many
    from reader.fulltext.cache import CacheError, FullTextCache
    from reader.fulltext.service import FullTexts
    from reader.links import refusal
    from reader.store import StoreError
    from reader.text import clean

    parser = fetch_parser()
    args = parser.parse_args(_split_argv(argv, parser))
    if args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    paths, query = _paths_and_parsed_query(args.words)
    config = load_config_noting_problems()
    err = output.err_console()
    try:
        cache = FullTextCache(cap_bytes=config.full_text_cache_mb * 1024 * 1024, notice=_notice)
    except CacheError as exc:
        err.print(f"reader: the full-text cache cannot be used: {clean(str(exc))}", markup=False, highlight=False)
        return 1
    texts = FullTexts(cache)
    try:
        with open_library(paths, config) as library:
            links = list(dict.fromkeys(row.url for row in library.each(query) if row.url and not row.has_body))
            urls = [url for url in links if refusal(url) is None]  # only http(s) pages are fetched
            cached = set() if args.refresh else cache.has(urls)
            todo = [url for url in urls if url not in cached]
            with Progress(
                TextColumn("fetching"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                console=err, transient=True, disable=not sys.stderr.isatty(),
            ) as bar:
                task = bar.add_task("fetching", total=len(todo))
                results = fetch_many(
                    todo, lambda url: texts.get(url, refresh=args.refresh), jobs=args.jobs, per_host=2,
                    on_done=lambda url, result: bar.advance(task),
                )
            # Searched from now on: the pages fetched, and those cached before
            # but not yet indexed with their articles (another library's fetch,
            # an index that was locked then). One transaction.
            found = {url: result.markdown for url, result in results.items() if not isinstance(result, BaseException)}
            for url in library.without_full_text(sorted(cached)):
                entry = cache.get(url, touch=False)
                if entry is not None:
                    found[url] = entry.markdown
            try:
                library.add_full_texts(found)
            except StoreError as exc:
                err.print(f"reader: the texts were fetched and kept, but not indexed for search: {clean(str(exc))}", markup=False, highlight=False)
    except CacheError as exc:
        err.print(f"reader: the full-text cache failed: {clean(str(exc))}", markup=False, highlight=False)
        return 1
    finally:
        cache.close()
    failed = [(url, result) for url, result in results.items() if isinstance(result, BaseException)]
    for url, error in failed:
        reason = getattr(error, "reason", None) or str(error) or type(error).__name__
        err.print(f"{clean(url)}: {clean(reason)}", markup=False, highlight=False, soft_wrap=True)
    fetched = len(todo) - len(failed)
    skipped = len(links) - len(urls)
    summary = f"{fetched} fetched, {len(cached)} cached already, {len(failed)} failed ({len(links)} articles with a link and no body"
    summary += f"; {skipped} links not http(s), left alone)" if skipped else ")"
    output.console(soft_wrap=True).print(summary, markup=False, highlight=False)
    return 1 if failed else 0


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
        _notice(problem)
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
        with State(notice=_notice) as state:
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
    library = Library(paths)
    # The first screen's ids and count load while Textual is imported.
    first = apply_config(Query(), config)
    library.prefetch(first, sort=first.sort)
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
    except _Finished as done:  # --help or --version, printed
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
