"""reader show and reader fetch: an article read, its page's full text fetched."""

from __future__ import annotations

import os
import sys
from typing import Sequence

from reader import output
from reader.cli.args import UsageError, paths_and_parsed_query, split_argv
from reader.cli.opening import load_config_noting_problems, notice, open_library
from reader.cli.parsers import fetch_parser, show_parser
from reader.output.articles import article_json, parsed_json


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
            full = full_text(article.url)
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
        item = article_json(row) if row is not None else parsed_json(article, article_uid(path))
        if full is not None:
            item["full_text"] = full.markdown
            item["full_text_source"] = {"url": full.source_url, "fetched_at": full.fetched_at.isoformat().replace("+00:00", "Z")}
        print(output.dumps(item, indent=2))
        return 0
    output.print_trimmed(render_article(article, article_uid(path), in_library, full))
    return 0


def full_text(url: str | None):
    """The full text of ``url`` (cached, else fetched now), or None after
    saying why not in one line."""
    from reader.config import load_config
    from reader.fulltext.cache import FullTextCache
    from reader.fulltext.service import FullTexts, FullTextError

    from reader.fulltext.cache import CacheError

    config = load_config()
    try:
        cache = FullTextCache(cap_bytes=config.full_text_cache_mb * 1024 * 1024, notice=notice)
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
    args = parser.parse_args(split_argv(argv, parser))
    if args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    paths, query = paths_and_parsed_query(args.words)
    config = load_config_noting_problems()
    err = output.err_console()
    try:
        cache = FullTextCache(cap_bytes=config.full_text_cache_mb * 1024 * 1024, notice=notice)
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

