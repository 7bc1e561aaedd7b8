"""The query language: text in, a Query value out, or a QueryError that
points at the bad part.

    ai chips topic:"AI Hardware" -provider:extremetech quality:>=60 since:2023-07-01

Free words (and "quoted phrases") search the text; qualifiers filter; a
leading ``-`` negates either. Every term must hold (AND).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

SORTS = ("quality", "date", "heat", "title", "sources")
IS_VALUES = ("published", "unpublished", "read", "unread", "starred", "unstarred")
QUALIFIERS = ("topic", "provider", "quality", "heat", "sources", "story", "since", "until", "is", "has", "sort")
HAS_VALUES = ("fulltext",)
_NUMBER = re.compile(r"^(>=|<=|>|<|=)?\s*(-?\d+(?:\.\d+)?)$")
_RANGE = re.compile(r"^(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)$")
_RELATIVE = re.compile(r"^(\d+)([dwmy])$")


class QueryError(ValueError):
    """A query that cannot be read, with the span of text at fault."""

    def __init__(self, message: str, text: str, start: int, end: int) -> None:
        super().__init__(message)
        self.message = message
        self.text = text
        self.start = start
        self.end = max(end, start + 1)

    def pointer(self) -> str:
        """The query with a caret line under the bad part."""
        return f"{self.text}\n{' ' * self.start}{'^' * (self.end - self.start)}"

    def __str__(self) -> str:
        return f"{self.message} (at column {self.start + 1})"


@dataclass(frozen=True, slots=True)
class Term:
    kind: str  # word, phrase, topic, provider, quality, heat, sources, story, since, until, is, has
    value: object
    negated: bool = False
    op: str = "="
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class Query:
    text: str = ""
    terms: tuple[Term, ...] = field(default_factory=tuple)
    sort: str | None = None
    reverse: bool = False  # sort:-date: the sort's other way round

    @property
    def words(self) -> list[Term]:
        return [t for t in self.terms if t.kind in ("word", "phrase")]

    @property
    def has_text_search(self) -> bool:
        return any(not t.negated for t in self.words)

    def __bool__(self) -> bool:
        return bool(self.terms) or self.sort is not None


def _tokens(text: str):
    """Yield (negated, key, value, quoted, start, end) for each term."""
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negated = False
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            negated = True
            i += 1
        key = None
        match = re.match(r"([A-Za-z]+):", text[i:])
        if match and i + len(match.group(0)) <= n:
            key = match.group(1).lower()
            i += len(match.group(0))
        if i < n and text[i] == '"':
            close = text.find('"', i + 1)
            if close < 0:
                raise QueryError("this quote is never closed", text, i, n)
            value = text[i + 1 : close]
            i = close + 1
            quoted = True
        else:
            j = i
            while j < n and not text[j].isspace():
                j += 1
            value = text[i:j]
            i = j
            quoted = False
        yield negated, key, value, quoted, start, i


def parse_query(text: str, today: date | None = None) -> Query:
    """Read ``text`` as a query. Raises QueryError pointing at the bad part."""
    today = today or datetime.now(timezone.utc).date()
    terms: list[Term] = []
    sort: str | None = None
    reverse = False
    for negated, key, value, quoted, start, end in _tokens(text):
        if key is None:
            if not quoted and not value:
                continue
            if not re.search(r"\w", value):
                if quoted:
                    continue
                raise QueryError(f"{value!r} has no letters or digits to search for", text, start, end)
            terms.append(Term("phrase" if quoted else "word", value, negated, start=start, end=end))
            continue
        if key not in QUALIFIERS:
            known = ", ".join(f"{k}:" for k in QUALIFIERS)
            raise QueryError(f"unknown qualifier '{key}:' (known: {known})", text, start, start + len(key) + 1 + negated)
        if not value.strip():
            raise QueryError(f"'{key}:' needs a value", text, start, end)
        value = value.strip()
        if key in ("topic", "provider", "story"):
            terms.append(Term(key, value, negated, start=start, end=end))
        elif key in ("quality", "heat"):
            terms.extend(_numeric(key, value, negated, text, start, end))
        elif key == "sources":  # how many articles the story has (reader.stories)
            if value.lower().endswith("none") or "," in value:
                raise QueryError("'sources:' needs a number, optionally after >=, <=, > or <, or a range like 2..5", text, start, end)
            terms.extend(_numeric(key, value, negated, text, start, end))
        elif key in ("since", "until"):
            day = _day(value, today)
            if day is None:
                raise QueryError(
                    f"'{key}:' needs a date like 2023-07-01, 2023-07, 2023, today, yesterday or 7d/2w/3m/1y",
                    text, start, end,
                )
            terms.append(Term(key, day[0] if key == "since" else day[1], negated, start=start, end=end))
        elif key == "is":
            word = value.lower()
            if word not in IS_VALUES:
                raise QueryError(f"'is:' takes one of: {', '.join(IS_VALUES)}", text, start, end)
            terms.append(Term("is", word, negated, start=start, end=end))
        elif key == "has":
            word = value.lower()
            if word not in HAS_VALUES:
                raise QueryError(f"'has:' takes one of: {', '.join(HAS_VALUES)}", text, start, end)
            terms.append(Term("has", word, negated, start=start, end=end))
        elif key == "sort":
            word = value.lower()
            backwards = word.startswith("-")
            word = word.lstrip("-")
            if word not in SORTS or negated:
                raise QueryError(f"'sort:' takes one of: {', '.join(SORTS)} (-date for the other way round)", text, start, end)
            sort, reverse = word, backwards
    return Query(text=text, terms=tuple(terms), sort=sort, reverse=reverse)


def _numeric(key: str, value: str, negated: bool, text: str, start: int, end: int) -> list[Term]:
    """``quality:>=40``, ``quality:40..80``; ``none`` for articles with no
    score, and ``,none`` after a number or range to keep those too."""
    if value.lower() == "none":
        return [Term(key, None, negated, "none", start, end)]
    unscored = value.lower().endswith(",none")
    if unscored:
        number = value[: -len(",none")].strip()
        if number.lower() == "none":
            raise QueryError(f"'{key}:none,none' says none twice; '{key}:none' is enough", text, start, end)
        terms = _numeric(key, number, negated, text, start, end)
        return [Term(t.kind, t.value, t.negated, t.op + "?", t.start, t.end) for t in terms]
    match = _RANGE.match(value)
    if match:
        low, high = float(match.group(1)), float(match.group(2))
        if negated:
            raise QueryError(f"a range cannot be negated; use '{key}:<{match.group(1)}'", text, start, end)
        return [
            Term(key, low, False, ">=", start, end),
            Term(key, high, False, "<=", start, end),
        ]
    match = _NUMBER.match(value)
    if not match:
        raise QueryError(
            f"'{key}:' needs a number, optionally after >=, <=, > or <, or a range like 40..80 (add ,none to keep articles with no {key}), or none",
            text, start, end,
        )
    return [Term(key, float(match.group(2)), negated, match.group(1) or "=", start, end)]


def _day(value: str, today: date) -> tuple[date, date] | None:
    """The first and last day that a date word names."""
    word = value.lower()
    if word == "today":
        return today, today
    if word == "yesterday":
        day = today - timedelta(days=1)
        return day, day
    match = _RELATIVE.match(word)
    if match:
        count, unit = int(match.group(1)), match.group(2)
        try:
            day = today - timedelta(days=count * {"d": 1, "w": 7, "m": 30, "y": 365}[unit])
        except OverflowError:
            return None
        return day, day
    try:
        if re.fullmatch(r"\d{4}", value):
            year = int(value)
            return date(year, 1, 1), date(year, 12, 31)
        if re.fullmatch(r"\d{4}-\d{1,2}", value):
            first = datetime.strptime(value, "%Y-%m").date()
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first, following - timedelta(days=1)
        day = datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        return day, day
    except ValueError:
        return None


def fts_expression(terms: list[Term], prefix_last: bool = False) -> str:
    """An FTS5 MATCH expression that ANDs the given word and phrase terms.

    Each term is quoted so nothing in it is read as FTS syntax.
    """
    parts = []
    for index, term in enumerate(terms):
        text = str(term.value)
        star = text.endswith("*") and term.kind == "word"
        text = text.rstrip("*") if star else text
        quoted = '"' + text.replace('"', '""') + '"'
        if star or (prefix_last and index == len(terms) - 1 and term.kind == "word"):
            quoted += "*"
        parts.append(quoted)
    return " AND ".join(parts)
