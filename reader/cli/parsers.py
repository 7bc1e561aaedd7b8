"""One argparse parser a command, so that `reader --help` (usage()) is made
from the same parsers that read the arguments."""

from __future__ import annotations

import argparse
from pathlib import Path

from reader import __version__
from reader.cli.args import Parser

FORMATS = ("table", "json", "jsonl", "csv")

PATHS_HELP = "files or folders of articles (default: the library in the config, else the sample articles)"
QUERY_WORDS = "PATH... QUERY"
QUERY_HELP = PATHS_HELP + ", then a query in the query language (see the README)"


def app_parser() -> Parser:
    parser = Parser(prog="reader", description="A terminal news reader for folders of Markdown articles with YAML front matter.")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=PATHS_HELP)
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    return parser


def list_parser() -> Parser:
    from reader.query import SORTS

    parser = Parser(prog="reader list", description="List articles, best first; with --stories, one row a story.")
    parser.add_argument("words", nargs="*", metavar=QUERY_WORDS, help=QUERY_HELP)
    parser.add_argument(
        "--sort",
        choices=SORTS + ("relevance",),
        help=(
            "the order (default: the config's sort, else quality, high first; relevance when the query has words); "
            "sources: the stories with the most sources first, each story's articles together"
        ),
    )
    parser.add_argument("--reverse", action="store_true", help="the other way round (articles missing the sort field stay last)")
    parser.add_argument("--limit", type=int, metavar="N", help="at most N articles (stories, with --stories)")
    parser.add_argument(
        "--stories",
        action="store_true",
        help=(
            "one row a story (articles reporting the same news from several providers): the story's best article "
            "among those that match, in its place in the list, with +N for the story's N other sources; json, jsonl "
            "and csv add members, the ids of all the story's articles, its head (the best quality) first"
        ),
    )
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


def check_parser() -> Parser:
    parser = Parser(prog="reader check", description="Report files that could not be read, and field warnings; exit 1 if a file was skipped.")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=PATHS_HELP)
    return parser


def topics_parser() -> Parser:
    parser = Parser(prog="reader topics", description="Topics with article counts and mean quality.")
    parser.add_argument("words", nargs="*", metavar=QUERY_WORDS, help=QUERY_HELP)
    parser.add_argument("--format", choices=("table", "json"), default="table", help="table (the default) or json")
    return parser


def show_parser() -> Parser:
    parser = Parser(prog="reader show", description="Show one article, by id (from `reader list`) or by path.")
    parser.add_argument("target", metavar="ID|PATH")
    parser.add_argument("paths", nargs="*", type=Path, metavar="LIBRARY", help="where to look for ID (default: every library indexed before, then the default library)")
    parser.add_argument("--full", action="store_true", help="with the full text of the article's page: the cached one, else fetched now")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or one JSON object")
    return parser


def fetch_parser() -> Parser:
    parser = Parser(
        prog="reader fetch",
        description="Fetch the full text of every matching article that has no body and none cached yet (before a flight).",
    )
    parser.add_argument("words", nargs="*", metavar="PATH|QUERY", help="library folders or files, then a query (default: every article)")
    parser.add_argument("--jobs", type=int, default=8, metavar="N", help="requests at a time in all, at most 2 a site (default 8)")
    parser.add_argument("--refresh", action="store_true", help="also re-validate the cached ones (a conditional request each)")
    return parser


def config_parser() -> Parser:
    return Parser(prog="reader config", description="Show where reader keeps its files and the settings in effect.")


def state_parser(action: str) -> Parser:
    parser = Parser(
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
        (synopsis(list_parser()), "list articles, best first; with --stories, one row a story (the same news from several providers)"),
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

