"""What the main screen shows, as plain values: the sidebar's choice, the
search, the sort and the quick filters, and what follows from them (the
query the list runs, the header's text, the filters' text).

No Textual here (tests/test_view.py runs it without an app). The sidebar's
special entries are values of their own types, not strings, so no topic
name, whatever it holds, can stand for one of them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Union

from rich.text import Text

from reader.config import Config, apply_config, quality_term
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


def choice_reverse(choice: Choice) -> bool:
    """Whether ``choice`` (a saved search) sorts the other way round (sort:-date)."""
    if isinstance(choice, Saved):
        try:
            return parse_query(choice.text).reverse
        except QueryError:
            return False
    return False


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
    """The filters set with one key (+ - U u p #), cleared with x. The
    config's min_quality and hide_unscored are where they start."""

    min_quality: float | None = None  # articles scored below this are left out
    hide_unscored: bool = False  # articles with no quality score are left out too
    hide_unpublished: bool = False  # articles whose `published` is false are left out
    provider: str | None = None  # only articles whose provider name or domain holds this
    hide_read: bool = False  # only unread articles

    @classmethod
    def from_config(cls, config: Config | None) -> "Filters":
        if config is None:
            return cls()
        return cls(min_quality=config.min_quality, hide_unscored=config.hide_unscored)

    def terms(self) -> tuple[Term, ...]:
        terms: list[Term] = []
        if self.min_quality is not None:
            terms.append(quality_term(self.min_quality, self.hide_unscored))
        elif self.hide_unscored:
            terms.append(Term("quality", None, True, "none"))
        if self.hide_unpublished:
            terms.append(Term("is", "unpublished", True))
        if self.provider:
            terms.append(Term("provider", self.provider))
        if self.hide_read:
            terms.append(Term("is", "unread"))
        return tuple(terms)

    def parts(self, short: bool = False) -> list[str]:
        """Each filter in force, in a few words (fewer when ``short``; safe to show)."""
        parts = []
        if self.min_quality is not None:
            at_least = f"q≥{_number(self.min_quality)}" if short else f"quality ≥ {_number(self.min_quality)}"
            if self.hide_unscored:
                parts.append(at_least + (" scored only" if short else " (scored only)"))
            else:
                parts.append(at_least + (" +unscored" if short else " or unscored"))
        elif self.hide_unscored:
            parts.append("scored only")
        if self.hide_unpublished:
            parts.append("published" if short else "published only")
        if self.provider:
            parts.append(f"{'from' if short else 'provider'}: {clean(self.provider)}")
        if self.hide_read:
            parts.append("unread only")
        return parts

    def text(self, short: bool = False) -> str:
        """The filters in force, in words ("" when none)."""
        return (" · " if short else "; ").join(self.parts(short))

    def quality_step(self, step: int) -> "Filters":
        """The minimum quality raised (or lowered) by ``step``, from a
        multiple of 10 (a configured 25 goes to 30 or 20); none at 0."""
        now, size = self.min_quality or 0, abs(step)
        value = (now // size + 1) * size if step > 0 else (math.ceil(now / size) - 1) * size
        value = max(0, value)
        return replace(self, min_quality=value if value > 0 else None)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# -- the view ----------------------------------------------------------------------

SORTS = (None, "date", "heat", "title", "sources")  # what s cycles through (None: quality, or relevance)

_ORDERS = {
    "quality": ("best first", "lowest quality first"),
    "date": ("newest first", "oldest first"),
    "heat": ("hottest first", "coolest first"),
    "title": ("by title, A→Z", "by title, Z→A"),
    "sources": ("most sources first", "fewest sources first"),
}


@dataclass(frozen=True, slots=True)
class View:
    """Everything that decides which articles the list shows, and in what order."""

    choice: Choice = All()  # the sidebar's entry
    search: Query = Query()  # the search bar's last good query
    sort: str | None = None  # s: None is quality, or relevance when the search has words
    reverse: bool = False  # S
    filters: Filters = Filters()
    grouped: bool = True  # one row a story (v); the config's group_stories is where it starts
    story: str | None = None  # Enter on a story: its members, whatever the rest says (Esc leaves it)
    story_title: str = ""  # that story's headline, for the header

    @property
    def lists_stories(self) -> bool:
        """Whether the list shows one row a story."""
        return self.grouped and self.story is None

    def query(self, config: Config | None = None) -> Query:
        """The choice, the search and the quick filters as one query, with
        the config's defaults (inside a story: its members, all of them)."""
        if self.story is not None:
            return Query(terms=(Term("story", self.story),))
        query = self.search
        chosen: tuple[Term, ...] = ()
        if not isinstance(self.choice, All):
            chosen, sort = choice_terms(self.choice)
            # a saved search's sort, the other way round when it says so, unless the search has its own
            reverse = query.reverse if query.sort or sort is None else choice_reverse(self.choice)
            query = replace(query, sort=query.sort or sort, reverse=reverse)
        # The choice's and the filters' terms before the search's own: its
        # last word, while it is typed, is the query's last term and matches
        # as a prefix (reader.store.sql).
        query = replace(query, terms=(*chosen, *self.filters.terms(), *query.terms))
        # The config's minimum quality is where the quick filters start, not a term of its own.
        return query if config is None else apply_config(query, config, minimum=False)

    def label(self) -> str:
        if self.story is not None:
            return f"Story: {clean(self.story_title)}"
        return choice_label(self.choice)

    def next_sort(self) -> "View":
        current = self.sort if self.sort in SORTS else None
        return replace(self, sort=SORTS[(SORTS.index(current) + 1) % len(SORTS)])

    def order(self, config: Config | None = None) -> tuple[str | None, bool]:
        """The sort in force (None: relevance) and whether it runs the other
        way round: s's, else the query's own (sort:-date, which S turns
        back), else the config's (relevance when the search has words).
        What the store does with (view.sort, view.reverse) and the query."""
        if self.sort is not None:
            return self.sort, self.reverse
        query = self.query(config)
        if query.sort is not None:
            return query.sort, self.reverse != query.reverse
        return None, self.reverse

    def order_text(self, config: Config | None = None) -> str:
        """The order the list is in, in words."""
        words = self.query(config).has_text_search
        sort, reverse = self.order(config)
        if sort == "quality" and not words:
            sort = None
        if sort is None:
            if reverse:
                return "worst match first" if words else "lowest quality first"
            return "best match first" if words else "best first"
        first, last = _ORDERS[sort]
        return last if reverse else first

    def header(
        self, count: int, indexing: bool = False, config: Config | None = None, width: int | None = None, problems: str = ""
    ) -> list[Text]:
        """The lines above the list: what is shown, how many, in what order,
        the search and the filters; the filters on a line of their own when
        one line of ``width`` cells would cut them."""
        text = Text()
        text.append(self.label(), style="bold")
        if self.story is not None:
            text = Text("Story", style="bold")
            text.append(f" · {count:,} {'source' if count == 1 else 'sources'} · Esc: back · ", style="dim")
            text.append(clean(self.story_title))
            return [text]
        text.append(f" · {count:,} · {self.order_text(config)}", style="dim")
        if self.search.text:
            text.append("  /", style="bold")
            text.append(clean(self.search.text))
        if indexing:
            text.append("  · indexing…", style="italic")
        if problems:
            text.append(f"  ⚠ {problems} (!)", style="bold red")
        filters = self.filters.text()
        if not filters:
            return [text]
        shown = Text(f"[{filters}; x clears]", style="yellow")
        if width is None or text.cell_len + 2 + shown.cell_len <= width:
            return [text.append("  ").append_text(shown)]
        if shown.cell_len > width:
            shown = Text(f"{self.filters.text(short=True)} · x clears", style="yellow")
        return [text, shown]

    def saved_text(self, config: Config | None = None) -> str:
        """The view as one query (what w saves): the sidebar's choice, the
        search, the filters and the order it is in, in the query language.
        (Relevance the other way round has no words in the language: a
        search by words saved after S is saved best match first.)"""
        words: list[str] = []
        if isinstance(self.choice, Unread):
            words.append("is:unread")
        elif isinstance(self.choice, Starred):
            words.append("is:starred")
        elif isinstance(self.choice, Topic):
            words.append("topic:" + quoted(self.choice.name))
        elif isinstance(self.choice, Saved):
            words.append(_SORT_WORD.sub("", self.choice.text))
        search = self.search.text
        last = self.search.terms[-1] if self.search.terms else None
        if last is not None and last.kind == "word" and not last.negated and last.end == len(search) and len(str(last.value)) >= 3:
            if not str(last.value).endswith("*"):
                search += "*"  # on screen the word typed last matches as a prefix: saved, it says so
        words.append(_SORT_WORD.sub("", search))
        words.extend(term_text(term) for term in self.filters.terms())
        sort, reverse = self.order(config)
        if sort is not None:
            words.append(f"sort:{'-' if reverse else ''}{sort}")
        return " ".join(" ".join(w.split()) for w in words if w.strip())


_SORT_WORD = re.compile(r"(?<!\S)sort:\S*", re.IGNORECASE)  # a query's own sort: the saved view says the one in force


def quoted(value: str) -> str:
    """``value`` as one query word: in double quotes when it has a space.
    A value with a double quote in it cannot be written (ValueError)."""
    if '"' in value:
        raise ValueError(f"{clean(value)!r} has a double quote, which a query cannot hold")
    return f'"{value}"' if any(c.isspace() for c in value) or not value else value


def term_text(term: Term) -> str:
    """One filter term in the query language (the quick filters' terms)."""
    sign = "-" if term.negated else ""
    if term.kind in ("quality", "heat"):
        if term.op == "none":
            return f"{sign}{term.kind}:none"
        op = term.op.rstrip("?")
        none = ",none" if term.op.endswith("?") else ""
        return f"{sign}{term.kind}:{'' if op == '=' else op}{_number(float(term.value))}{none}"  # type: ignore[arg-type]
    return f"{sign}{term.kind}:{quoted(str(term.value))}"
