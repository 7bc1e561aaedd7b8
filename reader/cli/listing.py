"""reader list (of articles, or of stories), reader topics and reader check: what a library holds."""

from __future__ import annotations

import sys
from typing import Sequence

from reader import output
from reader.cli.args import UsageError, paths_and_parsed_query, split_argv
from reader.cli.opening import load_config_noting_problems, open_library
from reader.cli.parsers import check_parser, list_parser, topics_parser
from reader.cli.stories import StoryRows
from reader.output.articles import print_rows


def cmd_list(argv: Sequence[str]) -> int:
    from reader.config import apply_config

    parser = list_parser()
    args = parser.parse_args(split_argv(argv, parser))
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    paths, query = paths_and_parsed_query(args.words)
    config = load_config_noting_problems()
    # The config's sort (when neither --sort nor sort: is given and no words
    # are searched) and its min_quality (as quality:>=N) go into the query.
    query = apply_config(query, config)
    sort = None if args.sort == "relevance" else args.sort
    with_data = args.format != "table"
    with open_library(paths, config) as library:
        if args.stories:
            # The same list, one row a story: where its best-ranked match stands.
            heads = library.ids(query, sort=sort, reverse=args.reverse, grouped=True)
            stories = StoryRows(library, heads[: args.limit], with_data=with_data, with_members=args.format != "table")
            print_rows(stories, args.format, lambda shown: len(heads), members=stories.members)
            return 0
        rows = library.each(query, sort=sort, reverse=args.reverse, limit=args.limit, with_data=with_data)
        print_rows(rows, args.format, lambda shown: shown if args.limit is None else library.count(query))
    return 0


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
    args = parser.parse_args(split_argv(argv, parser))
    paths, query = paths_and_parsed_query(args.words)
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

