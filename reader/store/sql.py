"""A Query and an order, compiled to SQL for the cache (schema.py).

Pure: no connection here. What needs the database to decide (the distinct
providers, whether the user's marks are at hand) is passed in as a Terms
value, so a plan is a frozen value the caller can compare and run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time as dtime, timezone
from typing import Any, Sequence

from reader.model import ListRow
from reader.query import Query, Term, fts_expression
from reader.state import from_sql

TOPIC_CONDITION = "a.id IN (SELECT article FROM topics WHERE key = ?)"
FTS_RANKED = "SELECT rowid AS id FROM fts WHERE fts MATCH ?"  # ids ranked by FTS5 alone (see select)
DATA_COLUMN = ", (SELECT data FROM article_data d WHERE d.id = a.id)"
MARK_WORDS = ("read", "unread", "starred", "unstarred")  # is: words answered by the state file
ROW_COLUMNS = (
    "a.id, a.uid, a.path, a.title, a.excerpt, a.url, a.published_at, a.quality, a.heat, "
    "a.published, a.provider, a.domain, a.topics, a.n_related, a.has_body, "
    "a.story, a.story_size, a.story_rank, a.story_heat"
)
N_COLUMNS = 19
SORT_COLUMNS = {
    "quality": "a.quality",
    "date": "a.published_at",
    "heat": "a.heat",
    "title": "a.title COLLATE NOCASE",
    "sources": "a.story_size",  # the biggest stories first (then by the story's heat: see select)
}


@dataclass(frozen=True, slots=True)
class Known:
    """What a plan needs from the database: the distinct providers (for
    provider:) and whether the user's marks are attached as "st" (for is:read)."""

    providers: Sequence[str] = ()
    marks: bool = False


@dataclass(frozen=True, slots=True)
class Plan:
    """One statement and its parameters: equal plans select equal lists."""

    sql: str
    params: tuple[Any, ...]
    ranked: bool = False  # FTS5 alone ranks the ids (no articles row is read)


def needs_database(query: Query | None) -> bool:
    """Whether compiling ``query`` takes facts from the database (Known)."""
    return any(t.kind == "provider" or (t.kind == "is" and t.value in MARK_WORDS) for t in (query.terms if query else ()))


@dataclass(slots=True)
class Where:
    clauses: list[str]
    params: list[Any]
    match: str | None  # the FTS expression of the free words, if any

    @property
    def fts_only(self) -> bool:
        """Whether the conditions can be checked on FTS rowids alone (no articles row)."""
        return all(c in (TOPIC_CONDITION, f"NOT ({TOPIC_CONDITION})") for c in self.clauses)

    def on_fts(self) -> str:
        # "+" keeps SQLite from handing the rowid list to FTS5, which would run
        # the whole search once for every article of the topic.
        return "".join(f" AND {c.replace('a.id IN', '+fts.rowid IN')}" for c in self.clauses)

    def joined(self) -> tuple[str, str, list[Any]]:
        """(FROM, WHERE, parameters) over the articles, joined with FTS when searching."""
        clauses, params = list(self.clauses), list(self.params)
        source = "articles a"
        if self.match is not None:
            # CROSS JOIN keeps FTS5 the outer loop: given a topic's ids to
            # start from, SQLite would run the search once for each of them
            # (750 ms for a topic of 20k and a word matching none, at 100k).
            source = "fts CROSS JOIN articles a ON a.id = fts.rowid"
            clauses.insert(0, "fts MATCH ?")
            params.insert(0, self.match)
        return source, (f" WHERE {' AND '.join(clauses)}" if clauses else ""), params


def where(query: Query | None, known: Known, prefix_last: bool = False) -> Where:
    """SQL conditions and parameters for a query; the FTS expression if any."""
    out = Where([], [], None)
    if query is None:
        return out
    positive = [t for t in query.words if not t.negated]
    # The word being typed: the last thing in the text, with no space after it.
    typing = bool(prefix_last and positive and query.terms and positive[-1] is query.terms[-1] and not query.text.endswith(" "))
    if typing and positive[-1].kind == "word" and len(str(positive[-1].value)) < 3:
        # Too short to be a useful prefix: not yet part of the search.
        positive = positive[:-1]
        typing = False
    if positive:
        out.match = fts_expression(positive, typing)
    for term in query.terms:
        if term.kind == "provider":
            clause, values = _provider(str(term.value), known.providers)
        elif term.kind == "is" and term.value in MARK_WORDS:
            clause, values = _marks(str(term.value), known.marks)
        else:
            clause, values = _condition(term)
        if clause is None:
            continue
        out.clauses.append(f"NOT ({clause})" if term.negated else clause)
        out.params.extend(values)
    return out


def select(
    columns: str, query: Query | None, known: Known, sort: str | None, reverse: bool, prefix_last: bool, heads_only: bool = False
) -> Plan:
    """The statement listing ``columns`` of the matching articles, in order;
    ``heads_only``: each story's head alone (one row a story, when the query
    leaves every article in: the head is then always the best one listed)."""
    w = where(query, known, prefix_last)
    if heads_only:
        w.clauses.append("a.story_rank = 0")  # served by the indexes articles_heads_quality and _date
    if sort is None and query is not None and query.sort is not None:
        sort, reverse = query.sort, reverse != query.reverse  # the query's own sort:-date
    if sort is None and w.match is not None and columns == "a.id" and w.fts_only:
        # Free words (and topics), best match first: FTS5 alone ranks its
        # matches in less than half the time of a join with the articles table.
        sql = f"{FTS_RANKED}{w.on_fts()} ORDER BY rank{' DESC' if reverse else ''}"
        return Plan(sql, (w.match, *w.params), ranked=True)
    source, condition, params = w.joined()
    if sort is None and w.match is not None:
        # "+" keeps FTS5 from sorting: it would rank every match before the
        # other conditions drop any (3x slower for a common word and a
        # quality filter). SQLite sorts those left; ties by id, as FTS5 does.
        order = f"+fts.rank{' DESC' if reverse else ''}, a.id"
    else:
        column = SORT_COLUMNS[sort or "quality"]
        high_first = (sort or "quality") != "title"
        direction = "DESC" if high_first != reverse else "ASC"
        # Ties broken in the index's own order, so a plain index scan serves it.
        order = f"{column} {direction} NULLS LAST, a.id {direction}"
        if sort == "sources":
            # a story's members together, its head first; stories of one size by quality
            order = f"a.story_size {direction}, a.story_heat {direction} NULLS LAST, a.story, a.story_rank, a.id"
    return Plan(f"SELECT {columns} FROM {source}{condition} ORDER BY {order}", tuple(params))


def first(query: Query | None, known: Known, sort: str | None, reverse: bool, prefix_last: bool, limit: int) -> tuple[Plan, Plan] | None:
    """For a search ranked by relevance alone: the best ``limit`` ids (one
    row, comma-joined) and the count of all matches. SQLite's top-k sort keeps
    only the best rows as it goes, where FTS5's ORDER BY rank sorts every
    match with its positions. None for other lists (see Library.first)."""
    w = where(query, known, prefix_last)
    if w.match is None or not w.fts_only or (sort or (query.sort if query else None)) is not None:
        return None
    condition = w.on_fts()
    inner = f"SELECT rowid AS id, rank AS r FROM fts WHERE fts MATCH ?{condition}"
    # LIMIT -1 keeps the inner query apart, so FTS5 is not asked to sort.
    best = f"SELECT group_concat(id) FROM (SELECT id FROM ({inner} LIMIT -1) ORDER BY r{' DESC' if reverse else ''}, id LIMIT ?)"
    count = f"SELECT count(*) FROM fts WHERE fts MATCH ?{condition}"
    return Plan(best, (w.match, *w.params, limit)), Plan(count, (w.match, *w.params))


def count(query: Query | None, known: Known, prefix_last: bool = False) -> Plan:
    w = where(query, known, prefix_last)
    if w.match is not None and w.fts_only:
        # free words (and topics): FTS5 counts its matches without the articles table
        return Plan(f"SELECT count(*) FROM fts WHERE fts MATCH ?{w.on_fts()}", (w.match, *w.params))
    if w.match is None and w.clauses == [TOPIC_CONDITION]:
        # one topic (the sidebar's question): its index answers alone
        return Plan("SELECT count(DISTINCT article) FROM topics WHERE key = ?", tuple(w.params))
    source, condition, params = w.joined()
    return Plan(f"SELECT count(*) FROM {source}{condition}", tuple(params))


def topics(query: Query | None, known: Known, with_quality: bool) -> Plan:
    """(topic, article count, mean quality), most articles first."""
    if not query and not with_quality:
        # the sidebar's case: the topic index alone (a few ms at 100k articles)
        return Plan("SELECT min(topic), count(*), NULL FROM topics GROUP BY key ORDER BY count(*) DESC, key", ())
    w = where(query, known)
    clauses, params = list(w.clauses), list(w.params)
    source = "topics t JOIN articles a ON a.id = t.article"
    if w.match is not None:
        source += " JOIN fts ON fts.rowid = a.id"
        clauses.insert(0, "fts MATCH ?")
        params.insert(0, w.match)
    condition = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT min(t.topic), count(*), avg(a.quality) FROM {source}{condition} GROUP BY t.key ORDER BY count(*) DESC, t.key"
    return Plan(sql, tuple(params))


def to_row(values: Sequence[Any], data: str | None = None) -> ListRow:
    """A ListRow from ROW_COLUMNS (and the data column, when asked for)."""
    row = ListRow(*values[:12], json.loads(values[12]), values[13], bool(values[14]), None, *values[15:19])
    if type(row.path) is not str:  # a file name that is not UTF-8 (see sql_text)
        row.path = from_sql(row.path)
    if row.published is not None:
        row.published = bool(row.published)
    if data is not None:
        row.data = json.loads(data)
    return row


def _provider(needle: str, providers: Sequence[str]) -> tuple[str, list[Any]]:
    """provider:x matches any provider whose name or domain holds x. The few
    hundred distinct providers are matched here, so SQLite finds the articles
    through an index instead of testing every row."""
    wanted = needle.casefold()
    hits = [k for k in providers if wanted in k]
    if not hits:
        return "0", []
    return f"a.provider_key IN ({','.join('?' * len(hits))})", hits


def _marks(word: str, attached: bool) -> tuple[str, list[Any]]:
    """is:read / is:unread / is:starred / is:unstarred, from the user's state
    file (attached as "st"; the cache holds no marks)."""
    table = "read" if word in ("read", "unread") else "starred"
    positive = word in ("read", "starred")
    if not attached:
        return ("0" if positive else "1"), []
    if positive:
        return f"a.ident IN (SELECT key FROM st.{table})", []
    # Not marked: the marked articles' ids first, then an integer test per
    # article that its sort index answers, instead of its key read from its
    # row and looked up (is:unread at 100k with 20k read: 175 -> 58 ms).
    return f"NOT (a.id IN (SELECT r.id FROM st.{table} k JOIN articles r ON r.ident = k.key))", []


def _epoch(day: date, end: bool = False) -> int:
    moment = datetime.combine(day, dtime.max if end else dtime.min, tzinfo=timezone.utc)
    return int(moment.timestamp())


def _condition(term: Term) -> tuple[str | None, list[Any]]:
    kind, value = term.kind, term.value
    if kind in ("word", "phrase"):
        if not term.negated:
            return None, []
        return "a.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)", [fts_expression([term])]
    if kind == "topic":
        return TOPIC_CONDITION, [str(value).casefold()]
    if kind == "sources":
        return f"a.story_size {term.op} ?", [value]
    if kind == "story":
        # the story of the article with this id (a story's own id is its first report's)
        return "a.story = (SELECT s.story FROM articles s WHERE s.uid = ?)", [str(value)]
    if kind in ("quality", "heat"):
        if term.op == "none":
            return f"a.{kind} IS NULL", []
        if term.op.endswith("?"):  # ",none": articles with no score kept
            return f"(a.{kind} IS NULL OR a.{kind} {term.op[:-1]} ?)", [value]
        return f"(a.{kind} IS NOT NULL AND a.{kind} {term.op} ?)", [value]
    if kind == "since":
        return "(a.published_at IS NOT NULL AND a.published_at >= ?)", [_epoch(value)]  # type: ignore[arg-type]
    if kind == "until":
        return "(a.published_at IS NOT NULL AND a.published_at <= ?)", [_epoch(value, end=True)]  # type: ignore[arg-type]
    if kind == "is":
        return ("a.published IS 1" if value == "published" else "a.published IS 0"), []
    if kind == "has":  # has:fulltext: the page's full text is indexed with the article
        return "a.has_full = 1", []
    return None, []
