"""The command line's arguments: options before words, paths before the
query, and usage errors that end the command with status 2."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import NoReturn, Sequence


class UsageError(Exception):
    pass


class Finished(Exception):
    """argparse printed --help or --version: the command ends with this status."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            sys.stderr.write(message)
        raise Finished(status)


def split_argv(argv: Sequence[str], parser: argparse.ArgumentParser) -> list[str]:
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


def paths_and_query(words: list[str]) -> tuple[list[Path], str]:
    """Leading arguments that name files or folders are paths; the rest is the query."""
    paths: list[Path] = []
    rest = list(words)
    while rest and os.path.exists(rest[0]):
        paths.append(Path(rest.pop(0)))
    if rest and looks_like_path(rest[0]):
        raise UsageError(f"no such file or folder: {rest[0]}")
    return paths, " ".join(requote(word) for word in rest)


def requote(word: str) -> str:
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


def looks_like_path(word: str) -> bool:
    return ("/" in word and ":" not in word.split("/")[0]) or word.lower().endswith((".md", ".markdown"))


def paths_and_parsed_query(words: list[str]):
    """The paths among ``words`` and the rest as a Query; a bad query is a usage error that shows where."""
    from reader.query import QueryError, parse_query

    paths, text = paths_and_query(words)
    try:
        return paths, parse_query(text)
    except QueryError as exc:
        raise UsageError(f"bad query: {exc.message}\n{indent(exc.pointer())}") from None


def indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())

