"""What the main screen shows, as plain values: the sidebar's choice, the
search, the sort and the quick filters, and what follows from them (the
query the list runs, the header's text, the filters' text).

No Textual here (tests/test_view.py runs it without an app). The sidebar's
special entries are values of their own types, not strings, so no topic
name, whatever it holds, can stand for one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Union

from rich.text import Text

from reader.config import Config, apply_config
from reader.query import Query, QueryError, Term, parse_query
from reader.text import clean

# -- the sidebar's choice ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class All:
    """Every article."""


@dataclass(frozen=True, slots=True)
class Unread:
    """The articles not read yet."""


@dataclass(frozen=True, slots=True)
class Starred:
    """The starred articles."""


@dataclass(frozen=True, slots=True)
class Saved:
    """A saved search (w)."""

    name: str  # what the user called it
    text: str  # the query, as typed


@dataclass(frozen=True, slots=True)
class Topic:
    """One front-matter topic."""

    name: str  # as the files spell it (the first spelling found)


Choice = Union[All, Unread, Starred, Saved, Topic]

UNREAD_TERMS = (Term("is", "unread"),)
STARRED_TERMS = (Term("is", "starred"),)


def choice_terms(choice: Choice) -> tuple[tuple[Term, ...], str | None]:
    """The terms that select ``choice``'s articles, and the sort it brings
    (a saved search's own ``sort:``)."""
    if isinstance(choice, Unread):
        return UNREAD_TERMS, None
    if isinstance(choice, Starred):
        return STARRED_TERMS, None
    if isinstance(choice, Topic):
        return (Term("topic", choice.name),), None
    if isinstance(choice, Saved):
        try:
            saved = parse_query(choice.text)
        except QueryError:  # saved by an older reader whose language differed: all articles
            return (), None
        return saved.terms, saved.sort
    return (), None


def choice_label(choice: Choice) -> str:
    """How the sidebar and the list's header name ``choice`` (safe to show)."""
    if isinstance(choice, Unread):
        return "Unread"
    if isinstance(choice, Starred):
        return "Starred"
    if isinstance(choice, Saved):
        return f"⌕ {clean(choice.name)}"
    if isinstance(choice, Topic):
        return clean(choice.name)
    return "All"


# -- quick filters ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filters:
    """The filters set with one key (+ - u p), cleared with x."""

    min_quality: float | None = None  # articles below this are left out
    hide_unpublished: bool = False  # articles whose `published` is false are left out
    provider: str | None = None  # only articles whose provider name or domain holds this

    def terms(self) -> tuple[Term, ...]:
        terms: list[Term] = []
        if self.min_quality is not None:
            terms.append(Term("quality", self.min_quality, False, ">="))
        if self.hide_unpublished:
            terms.append(Term("is", "unpublished", True))
        if self.provider:
            terms.append(Term("provider", self.provider))
        return tuple(terms)

    def text(self) -> str:
        """The filters in force, in words ("" when none)."""
        parts = []
        if self.min_quality is not None:
            parts.append(f"quality ≥ {int(self.min_quality)}")
        if self.hide_unpublished:
            parts.append("published only")
        if self.provider:
            parts.append(f"provider: {clean(self.provider)}")
        return ", ".join(parts)

    def quality_step(self, step: int) -> "Filters":
        """The minimum quality raised (or lowered) by ``step``; none at 0."""
        value = max(0, (self.min_quality or 0) + step)
        return replace(self, min_quality=value if value > 0 else None)


# -- the view ----------------------------------------------------------------------

SORTS = (None, "date", "heat", "title")  # what s cycles through (None: quality, or relevance)

_ORDERS = {
    "quality": ("best first", "lowest quality first"),
    "date": ("newest first", "oldest first"),
    "heat": ("hottest first", "coolest first"),
    "title": ("by title, A→Z", "by title, Z→A"),
}


@dataclass(frozen=True, slots=True)
class View:
    """Everything that decides which articles the list shows, and in what order."""

    choice: Choice = All()  # the sidebar's entry
    search: Query = Query()  # the search bar's last good query
    sort: str | None = None  # s: None is quality, or relevance when the search has words
    reverse: bool = False  # S
    filters: Filters = Filters()

    def query(self, config: Config | None = None) -> Query:
        """The choice, the search and the quick filters as one query, with
        the config's defaults."""
        query = self.search
        if not isinstance(self.choice, All):
            terms, sort = choice_terms(self.choice)
            query = Query(text=query.text, terms=(*terms, *query.terms), sort=query.sort or sort)
        filters = self.filters.terms()
        if filters:
            query = Query(text=query.text, terms=(*query.terms, *filters), sort=query.sort)
        return query if config is None else apply_config(query, config)

    def label(self) -> str:
        return choice_label(self.choice)

    def next_sort(self) -> "View":
        current = self.sort if self.sort in SORTS else None
        return replace(self, sort=SORTS[(SORTS.index(current) + 1) % len(SORTS)])

    def order_text(self, config: Config | None = None) -> str:
        """The order the list is in, in words."""
        words = self.search.has_text_search
        sort = self.sort or self.query(config).sort
        if sort == "quality" and not words:
            sort = None
        if sort is None:
            if self.reverse:
                return "worst match first" if words else "lowest quality first"
            return "best match first" if words else "best first"
        first, last = _ORDERS[sort]
        return last if self.reverse else first

    def header(self, count: int, indexing: bool = False, config: Config | None = None) -> Text:
        """The line above the list: what is shown, how many, in what order,
        the search and the filters."""
        text = Text()
        text.append(self.label(), style="bold")
        text.append(f" · {count:,} · {self.order_text(config)}", style="dim")
        if self.search.text:
            text.append("  /", style="bold")
            text.append(clean(self.search.text))
        filters = self.filters.text()
        if filters:
            text.append(f"  [{filters}; x clears]", style="yellow")
        if indexing:
            text.append("  · indexing…", style="italic")
        return text
