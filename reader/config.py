"""Where reader keeps its files, and the user's TOML config.

Paths come from platformdirs, which honours XDG_CONFIG_HOME,
XDG_CACHE_HOME and XDG_DATA_HOME on Linux. A bad config value is named in
one line ("PATH:LINE: key 'x' ...; using the default") and its default
used; the rest of the file still applies and reader still starts.

    library = ["~/news", "archive"]     # relative to this file's folder
    browser = "firefox --new-tab %s"    # %s or {url} is the link; default $BROWSER
    theme = "nord"                      # a Textual theme; default Textual's own
    sort = "date"                       # quality, date, heat or title
    min_quality = 40                    # the quality filter the app starts with
    hide_unscored = false               # a quality filter also hides articles with no score
    mark_read = "open"                  # open, dwell (shown mark_read_dwell seconds) or never
    mark_read_dwell = 3                 # seconds
    pipe = "glow -"                     # | sends the article's Markdown to this command
    full_text = "key"                   # key (F fetches) or auto (an article with no body, once shown)
    full_text_cache_mb = 500            # the fetched full texts kept, at most
    group_stories = true                # one row a story (v in the app switches, and writes this)
    story_window_days = 3               # a story's reports lie at most this far apart

    [keys]                              # binding id = key(s), for App.set_keymap
    open = "ctrl+o"
    "list.down" = "j,down"

Nothing here imports Textual (tests/test_layers.py).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import math
import os
import re
import shlex
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import platformdirs

from reader.query import SORTS, Query, Term

APP = "reader"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def config_path() -> Path:
    return config_dir() / "config.toml"


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def seeds_dir() -> Path:
    """The sample articles: beside the package in a checkout, inside it when installed."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "seeds", here.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    return here.parent / "seeds"


DEFAULT_SORT = "quality"
SETTINGS = (
    "library", "browser", "theme", "sort", "min_quality", "hide_unscored", "mark_read", "mark_read_dwell", "pipe",
    "full_text", "full_text_cache_mb", "group_stories", "story_window_days", "keys",
)
FULL_TEXT = ("key", "auto")
MARK_READ = ("open", "dwell", "never")
USING_DEFAULT = "using the default"


@dataclass
class Config:
    """The settings in effect: the file's values where good, the defaults elsewhere."""

    library: list[Path] = field(default_factory=list)  # empty: the sample articles
    browser: str | None = None  # a command with %s or {url}; None: $BROWSER
    theme: str | None = None  # a Textual theme name; None: Textual's default
    sort: str = DEFAULT_SORT  # quality, date, heat or title (when a query has no words)
    min_quality: float | None = None  # articles below this are left out; None: no minimum
    hide_unscored: bool = False  # a quality minimum also leaves out articles with no quality score
    mark_read: str = "open"  # when an article is marked read: open, dwell or never
    mark_read_dwell: float = 3.0  # with mark_read = "dwell": seconds an article is shown before it is
    pipe: str | None = None  # the command | sends the article's Markdown to (no shell)
    full_text: str = "key"  # key: F fetches an article's full text; auto: also an article with no body, once shown a moment
    full_text_cache_mb: int = 500  # the full-text cache's size cap, least recently read evicted first
    group_stories: bool = True  # the list shows one row a story (reader.stories); v switches
    story_window_days: float = 3.0  # the most days between two reports of one story
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> "key,key", for App.set_keymap
    problems: list[str] = field(default_factory=list)
    path: Path | None = None

    def to_toml_lines(self) -> list[str]:
        """The settings in effect as TOML lines; unset ones as comments saying what applies."""
        lines: list[str] = []
        if self.library:
            lines.append("library = [" + ", ".join(toml_string(str(p)) for p in self.library) + "]")
        else:
            lines.append(f"# library: not set, so the sample articles are read ({toml_string(str(seeds_dir()))})")
        if self.browser is not None:
            lines.append(f"browser = {toml_string(self.browser)}")
        else:
            lines.append("# browser: not set, so $BROWSER (else the system's browser) opens links")
        if self.theme is not None:
            lines.append(f"theme = {toml_string(self.theme)}")
        else:
            lines.append("# theme: not set, so Textual's default theme is used")
        lines.append(f"sort = {toml_string(self.sort)}")
        if self.min_quality is not None:
            lines.append(f"min_quality = {_toml_number(self.min_quality)}")
        else:
            lines.append("# min_quality: not set, so there is no minimum")
        lines.append(f"hide_unscored = {'true' if self.hide_unscored else 'false'}")
        lines.append(f"mark_read = {toml_string(self.mark_read)}")
        lines.append(f"mark_read_dwell = {_toml_number(self.mark_read_dwell)}")
        if self.pipe is not None:
            lines.append(f"pipe = {toml_string(self.pipe)}")
        else:
            lines.append("# pipe: not set, so | asks for a command")
        lines.append(f"full_text = {toml_string(self.full_text)}")
        lines.append(f"full_text_cache_mb = {self.full_text_cache_mb}")
        lines.append(f"group_stories = {'true' if self.group_stories else 'false'}")
        lines.append(f"story_window_days = {_toml_number(self.story_window_days)}")
        if self.keys:
            lines.append("")
            lines.append("[keys]")
            lines.extend(f"{toml_key(name)} = {toml_string(keys)}" for name, keys in self.keys.items())
        else:
            lines.append("# keys: none set, so the app's own keys apply")
        return lines


def apply_config(query: Query, config: Config, minimum: bool = True) -> Query:
    """``query`` with the config's defaults: its sort when the query names none
    and searches no words (words sort by relevance), and ``quality:>=min_quality``
    when the query has no quality term of its own (articles with no score
    kept unless ``hide_unscored``; not with ``minimum`` False). A new Query; pure."""
    sort = query.sort
    if sort is None and not query.has_text_search:
        sort = config.sort
    terms = query.terms
    if minimum and config.min_quality is not None and not any(t.kind == "quality" for t in terms):
        end = len(query.text)
        terms = terms + (quality_term(config.min_quality, config.hide_unscored, end),)
    return replace(query, terms=terms, sort=sort)


def quality_term(minimum: float, hide_unscored: bool, at: int = 0) -> Term:
    """``quality:>=minimum``, or with articles of no score kept, ``quality:>=minimum,none``."""
    return Term("quality", float(minimum), False, ">=" if hide_unscored else ">=?", at, at)


# -- writing TOML ----------------------------------------------------------------------

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def toml_string(value: str) -> str:
    """A TOML basic string; every control character escaped, so printing it is safe."""
    from reader.text import escape_json_controls

    return escape_json_controls(json.dumps(value, ensure_ascii=False))


def toml_key(key: str) -> str:
    return key if _BARE.fullmatch(key) else toml_string(key)


def _toml_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


# -- Textual's theme names, without importing Textual ------------------------------------


@lru_cache(maxsize=1)
def textual_theme_names() -> frozenset[str] | None:
    """The names in Textual's BUILTIN_THEMES, read from its source (never imported).

    None when they cannot be found, and then any theme name is accepted here
    and left to the app to check.
    """
    try:
        spec = importlib.util.find_spec("textual")
        if spec is None or not spec.origin:
            return None
        source = Path(spec.origin).with_name("theme.py").read_text(encoding="utf-8")
        tree = ast.parse(source)
    except (OSError, ValueError, SyntaxError, ImportError):
        return None
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else (node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
        if isinstance(target, ast.Name) and target.id == "BUILTIN_THEMES" and isinstance(node.value, ast.Dict):
            names = frozenset(k.value for k in node.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str))
            return names or None
    return None


# -- where a key is in the file -----------------------------------------------------------


def _read_key(line: str, i: int) -> tuple[tuple[str, ...], int] | None:
    """The dotted key starting at ``line[i]`` and the index after it, or None."""
    parts: list[str] = []
    n = len(line)
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return None
        if line[i] == '"':
            j = i + 1
            while j < n and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            if j >= n:
                return None
            try:
                parts.append(json.loads(line[i : j + 1]))
            except ValueError:
                parts.append(line[i + 1 : j])
            i = j + 1
        elif line[i] == "'":
            j = line.find("'", i + 1)
            if j < 0:
                return None
            parts.append(line[i + 1 : j])
            i = j + 1
        else:
            match = _BARE.match(line, i)
            if not match:
                return None
            parts.append(match.group())
            i = match.end()
        while i < n and line[i] in " \t":
            i += 1
        if i < n and line[i] == ".":
            i += 1
            continue
        return tuple(parts), i


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The first line of each key (as its full dotted path) and table header."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_string: str | None = None  # inside a multi-line string opened by this
    for number, line in enumerate(text.splitlines(), 1):
        if in_string:
            if line.count(in_string) % 2:
                in_string = None
            continue
        stripped = line.lstrip()
        if stripped.startswith("["):
            double = stripped.startswith("[[")
            got = _read_key(stripped, 2 if double else 1)
            if got and stripped[got[1] :].startswith("]]" if double else "]"):
                table = got[0]
                lines.setdefault(table, number)
            continue
        got = _read_key(line, 0)
        if got and line[got[1] : got[1] + 1] == "=":
            full = table + got[0]
            for size in range(len(table) + 1, len(full) + 1):  # a dotted key makes its parents
                lines.setdefault(full[:size], number)
            rest = line[got[1] + 1 :]
            for quotes in ('"""', "'''"):
                if rest.count(quotes) % 2:
                    in_string = quotes
                    break
    return lines


def _line_of(lines: dict[tuple[str, ...], int], key: tuple[str, ...]) -> int | None:
    for size in range(len(key), 0, -1):
        if key[:size] in lines:
            return lines[key[:size]]
    return None


# -- reading --------------------------------------------------------------------------------


class _Bad(Exception):
    """A value that cannot be used; the message says what was wanted and found."""


def _found(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return toml_string(shown)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _library(value: Any, base: Path) -> list[Path]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(p, str) and p.strip() for p in items):
        raise _Bad(f"must be a path or a list of paths, found {_found(value)}")
    return [base / Path(os.path.expanduser(p)) for p in items]


def _command(example: str) -> Callable[[Any], str]:
    """The check of a command setting (browser, pipe): text that splits into words."""

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _Bad(f'must be a command like "{example}", found {_found(value)}')
        try:
            words = shlex.split(value)
        except ValueError as exc:
            raise _Bad(f"cannot be split into words ({str(exc).lower()}), found {_found(value)}") from None
        if not words:
            raise _Bad(f'must be a command like "{example}", found an empty string')
        return value.strip()

    return check


def _theme(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"must be the name of a Textual theme, found {_found(value)}")
    names = textual_theme_names()
    name = value.strip()
    if names is not None and name not in names:
        raise _Bad(f"must be one of Textual's themes ({', '.join(sorted(names))}), found {_found(value)}")
    return name


def _sort(value: Any) -> str:
    word = value.strip().lower() if isinstance(value, str) else None
    if word not in SORTS:
        raise _Bad(f"must be one of {', '.join(SORTS)}, found {_found(value)}")
    return word


def _min_quality(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Bad(f"must be a number of 0 or more, found {_found(value)}")
    if not math.isfinite(value) or value < 0:
        raise _Bad(f"must be a number of 0 or more, found {_found(value)}")
    return float(value)


def _mark_read(value: Any) -> str:
    word = value.strip().lower() if isinstance(value, str) else None
    if word not in MARK_READ:
        raise _Bad(f"must be one of {', '.join(MARK_READ)}, found {_found(value)}")
    return word


def _dwell(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 < value <= 3600:
        raise _Bad(f"must be a number of seconds above 0 (at most 3600), found {_found(value)}")
    return float(value)


def _window(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 30:
        raise _Bad(f"must be a number of days above 0, at most 30, found {_found(value)}")
    return float(value)


def _full_text(value: Any) -> str:
    word = value.strip().lower() if isinstance(value, str) else None
    if word not in FULL_TEXT:
        raise _Bad(f"must be one of {', '.join(FULL_TEXT)}, found {_found(value)}")
    return word


def _megabytes(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1_000_000:
        raise _Bad(f"must be a whole number of megabytes from 1, found {_found(value)}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"must be true or false, found {_found(value)}")
    return value


def _key_list(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad(f'must be a string of keys like "ctrl+o" or "j,down", found {_found(value)}')
    keys = [k.strip() for k in value.split(",")]
    if not value.strip() or any(not k or any(c.isspace() for c in k) for k in keys):
        raise _Bad(f'must be keys separated by commas, like "j,down", found {_found(value)}')
    return ",".join(keys)


def load_config(path: Path | None = None) -> Config:
    """Read the config file. Missing is fine; anything wrong is named in
    ``config.problems`` (one line each) and its default used. Never raises."""
    path = Path(path) if path is not None else config_path()
    config = Config(path=path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return config
    except IsADirectoryError:
        config.problems.append(f"{path}: cannot be read (it is a folder); using all the defaults")
        return config
    except OSError as exc:
        config.problems.append(f"{path}: cannot be read ({exc.strerror or exc}); using all the defaults")
        return config
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        config.problems.append(f"{path}:{line}: not UTF-8 text (byte {exc.start}); using all the defaults")
        return config
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        config.problems.append(_syntax_problem(path, text, exc))
        return config
    _apply(config, data, text, path)
    return config


def _syntax_problem(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> str:
    message = str(exc)
    where = str(path)
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)\s*$", message)
    if match:
        where = f"{path}:{match.group(1)}"
        message = f"{message[: match.start()]} at column {match.group(2)}"
    elif message.endswith("(at end of document)"):
        where = f"{path}:{max(1, len(text.splitlines()))}"
        message = message[: -len("(at end of document)")].rstrip() + " at the end of the file"
    message = message[:1].lower() + message[1:]
    return f"{where}: not valid TOML: {message}; using all the defaults"


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "browser": _command("firefox %s"),
    "theme": _theme,
    "sort": _sort,
    "min_quality": _min_quality,
    "hide_unscored": _bool,
    "mark_read": _mark_read,
    "mark_read_dwell": _dwell,
    "pipe": _command("glow -"),
    "full_text": _full_text,
    "full_text_cache_mb": _megabytes,
    "group_stories": _bool,
    "story_window_days": _window,
}


def _apply(config: Config, data: dict[str, Any], text: str, path: Path) -> None:
    lines = key_lines(text)

    def problem(key: tuple[str, ...], message: str, outcome: str = USING_DEFAULT) -> None:
        line = _line_of(lines, key)
        where = f"{path}:{line}" if line else str(path)
        config.problems.append(f"{where}: key '{'.'.join(toml_key(k) for k in key)}' {message}; {outcome}")

    for name, value in data.items():
        try:
            if name == "library":
                config.library = _library(value, path.parent)
            elif name == "keys":
                if not isinstance(value, dict):
                    raise _Bad(f'must be a table of binding id = "keys" lines, found {_found(value)}')
                for binding, keys in _flatten(value):
                    try:
                        config.keys[".".join(binding)] = _key_list(keys)
                    except _Bad as exc:
                        problem(("keys",) + binding, str(exc))
            elif name == "mark_read_on_open":  # before mark_read; a mark_read of the file's own wins
                old = _bool(value)
                if "mark_read" in data:
                    problem((name,), 'is replaced by mark_read ("open", "dwell" or "never"), which this file sets too', "ignored")
                else:
                    config.mark_read = "open" if old else "never"
                    problem(
                        (name,),
                        f'is replaced by mark_read ("open", "dwell" or "never"); read as mark_read = "{config.mark_read}"',
                        "please rename it",
                    )
            elif name in _CHECKS:
                setattr(config, name, _CHECKS[name](value))
            else:
                problem((name,), f"is not a setting reader knows (known: {', '.join(SETTINGS)})", "ignored")
        except _Bad as exc:
            problem((name,), str(exc))


def _flatten(table: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Binding ids with their keys; ``list.down = "j"`` (a TOML dotted key) is id "list.down"."""
    items: list[tuple[tuple[str, ...], Any]] = []
    for key, value in table.items():
        if isinstance(value, dict) and value:
            items.extend(_flatten(value, prefix + (key,)))
        else:
            items.append((prefix + (key,), value))
    return items
