"""reader.query: the query language, its errors, and FTS quoting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from reader.query import QueryError, Term, fts_expression, parse_query
from reader.sqlite import sqlite3

TODAY = date(2024, 3, 15)


def q(text: str):
    return parse_query(text, today=TODAY)


def terms(text: str) -> list[tuple]:
    return [(t.kind, t.value, t.negated, t.op) for t in q(text).terms]


def one(text: str) -> Term:
    [term] = q(text).terms
    return term


# -- words and phrases ------------------------------------------------------------


def test_free_words_and_quoted_phrases() -> None:
    query = q('ai chips "deep learning"')

    assert [(t.kind, t.value) for t in query.words] == [("word", "ai"), ("word", "chips"), ("phrase", "deep learning")]
    assert query.has_text_search
    assert query.sort is None


def test_each_term_knows_where_it_is_in_the_text() -> None:
    text = 'ai  topic:"AI Hardware"   -quality:>=60'

    assert [text[t.start : t.end] for t in q(text).terms] == ["ai", 'topic:"AI Hardware"', "-quality:>=60"]


def test_empty_query_is_falsy() -> None:
    assert not q("")
    assert not q("   ")
    assert q("ai")


def test_minus_negates_a_word_and_a_phrase() -> None:
    query = q('ai -crypto -"pump and dump"')

    assert [(t.value, t.negated) for t in query.words] == [("ai", False), ("crypto", True), ("pump and dump", True)]


def test_only_negated_words_is_no_text_search() -> None:
    query = q("-crypto")

    assert query
    assert not query.has_text_search


# -- qualifiers ---------------------------------------------------------------------


def test_topic_with_a_quoted_value() -> None:
    assert terms('topic:"AI Hardware"') == [("topic", "AI Hardware", False, "=")]


def test_provider_and_its_negation() -> None:
    assert terms("provider:extremetech -provider:scmp.com") == [
        ("provider", "extremetech", False, "="),
        ("provider", "scmp.com", True, "="),
    ]


def test_qualifier_names_ignore_case() -> None:
    assert terms("Topic:AI") == [("topic", "AI", False, "=")]


@pytest.mark.parametrize(
    "text,op,value",
    [
        ("quality:>=60", ">=", 60),
        ("quality:>60", ">", 60),
        ("quality:<40", "<", 40),
        ("quality:<=40", "<=", 40),
        ("quality:=55", "=", 55),
        ("quality:55", "=", 55),
        ("quality:72.5", "=", 72.5),
        ("heat:>10", ">", 10),
    ],
)
def test_numeric_comparisons(text: str, op: str, value: float) -> None:
    term = one(text)

    assert (term.kind, term.op, term.value, term.negated) == (text.split(":")[0], op, value, False)


def test_numeric_range_is_two_bounds() -> None:
    assert terms("quality:40..80") == [("quality", 40, False, ">="), ("quality", 80, False, "<=")]


def test_negated_number() -> None:
    assert terms("-quality:>50") == [("quality", 50, True, ">")]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("since:2023-07-01", date(2023, 7, 1)),
        ("until:2023-07-01", date(2023, 7, 1)),
        ("since:2023-07", date(2023, 7, 1)),
        ("until:2023-07", date(2023, 7, 31)),
        ("until:2023-02", date(2023, 2, 28)),
        ("until:2024-02", date(2024, 2, 29)),
        ("until:2023-12", date(2023, 12, 31)),
        ("since:2023", date(2023, 1, 1)),
        ("until:2023", date(2023, 12, 31)),
        ("since:today", TODAY),
        ("until:today", TODAY),
        ("since:yesterday", TODAY - timedelta(days=1)),
        ("since:7d", TODAY - timedelta(days=7)),
        ("since:2w", TODAY - timedelta(weeks=2)),
    ],
)
def test_dates(text: str, expected: date) -> None:
    term = one(text)

    assert (term.kind, term.value) == (text.split(":")[0], expected)


def test_relative_dates_follow_today() -> None:
    assert parse_query("since:7d", today=date(2020, 1, 3)).terms[0].value == date(2019, 12, 27)


def test_negated_date() -> None:
    assert terms("-since:2023") == [("since", date(2023, 1, 1), True, "=")]


def test_is_published_and_unpublished() -> None:
    assert terms("is:published -is:unpublished IS:Published") == [
        ("is", "published", False, "="),
        ("is", "unpublished", True, "="),
        ("is", "published", False, "="),
    ]


def test_sort_sets_the_order_and_is_not_a_filter() -> None:
    query = q("ai sort:date")

    assert query.sort == "date"
    assert [t.kind for t in query.terms] == ["word"]


def test_everything_together() -> None:
    query = q('ai chips topic:"AI Hardware" -provider:extremetech quality:>=60 since:2023-07-01 sort:date')

    assert [(t.kind, t.negated) for t in query.terms] == [
        ("word", False),
        ("word", False),
        ("topic", False),
        ("provider", True),
        ("quality", False),
        ("since", False),
    ]
    assert query.sort == "date"


# -- errors point at the bad part ---------------------------------------------------


def underlined(error: QueryError) -> str:
    """The part of the query the caret line points at."""
    text, carets = error.pointer().split("\n")
    assert text == error.text
    assert set(carets) <= {" ", "^"}
    start = len(carets) - len(carets.lstrip(" "))
    assert carets[start:] == "^" * (len(carets) - start)
    return text[start : len(carets)]


@pytest.mark.parametrize(
    "text,bad,core",
    [
        ("ai colour:red", "colour:red", "colour"),
        ("ai -colour:red", "-colour:red", "colour"),
        ("ai topic: chips", "topic:", "topic:"),
        ('ai topic:"" chips', 'topic:""', "topic:"),
        ("ai quality:lots chips", "quality:lots", "lots"),
        ("ai quality:>= chips", "quality:>=", ">="),
        ("heat:10..x ai", "heat:10..x", "10..x"),
        ("ai since:2023-13-01", "since:2023-13-01", "2023-13-01"),
        ("ai until:lastweek", "until:lastweek", "lastweek"),
        ("ai is:nope chips", "is:nope", "nope"),
        ('ai topic:"AI Hardware', '"AI Hardware', '"AI Hardware'),
        ('ai "deep learning', '"deep learning', '"deep learning'),
        ("ai -quality:40..80 chips", "-quality:40..80", "40..80"),
        ("ai sort:colour", "sort:colour", "colour"),
    ],
    ids=[
        "unknown qualifier",
        "negated unknown qualifier",
        "empty value",
        "empty quoted value",
        "bad number",
        "operator without number",
        "bad range",
        "bad date",
        "bad date word",
        "bad is value",
        "unclosed quote after qualifier",
        "unclosed phrase",
        "negated range",
        "bad sort",
    ],
)
def test_error_points_at_the_bad_part(text: str, bad: str, core: str) -> None:
    with pytest.raises(QueryError) as caught:
        q(text)

    error = caught.value
    shown = underlined(error)
    where = text.index(bad)
    assert where <= error.start and error.end <= where + len(bad), error.pointer()
    assert core in shown, error.pointer()
    assert error.message and "\n" not in error.message
    assert f"column {error.start + 1}" in str(error)


def test_unknown_qualifier_lists_the_known_ones() -> None:
    with pytest.raises(QueryError) as caught:
        q("colour:red")

    assert "topic:" in caught.value.message and "quality:" in caught.value.message


def test_query_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        q("is:nope")


# -- FTS quoting ---------------------------------------------------------------------


DOCS = {
    1: 'engineers say "hi" to the robot',
    2: "cats and dogs",
    3: "near the edge of the map",
    4: "chips with (ai) inside",
    5: "a b testing explained",
    6: "chips are back",
}


@pytest.fixture
def fts() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute('CREATE VIRTUAL TABLE fts USING fts5(body, tokenize = "unicode61 remove_diacritics 2")')
    db.executemany("INSERT INTO fts(rowid, body) VALUES (?, ?)", DOCS.items())
    yield db
    db.close()


def search(db: sqlite3.Connection, text: str, prefix_last: bool = False) -> set[int]:
    expression = fts_expression(q(text).words, prefix_last)
    return {row[0] for row in db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (expression,))}


@pytest.mark.parametrize(
    "text,found",
    [
        ('say"hi', {1}),
        ("AND", {2}),
        ("NEAR", {3}),
        ("NEAR(", {3}),
        ("(ai)", {4}),
        ("a*b", {5}),
        ("cats OR robot", set()),
        ("cats NOT robot", set()),
        ("chips", {4, 6}),
        ('"chips are"', {6}),
    ],
)
def test_words_with_fts_syntax_are_searched_literally(fts: sqlite3.Connection, text: str, found: set[int]) -> None:
    assert search(fts, text) == found


def test_every_term_must_match(fts: sqlite3.Connection) -> None:
    assert search(fts, "chips back") == {6}


def test_trailing_star_is_a_prefix_search(fts: sqlite3.Connection) -> None:
    assert search(fts, "chip") == set()
    assert search(fts, "chip*") == {4, 6}


def test_prefix_last_matches_the_word_being_typed(fts: sqlite3.Connection) -> None:
    assert search(fts, "chips ba") == set()
    assert search(fts, "chips ba", prefix_last=True) == {6}
    assert search(fts, '"chips ar"', prefix_last=True) == set()  # a phrase is never a prefix


def test_each_term_is_one_quoted_string() -> None:
    for word in ['say"hi', "AND", "NEAR(a b)", "x:y", "-z", "^start"]:
        expression = fts_expression([Term("word", word)])
        assert expression.startswith('"') and expression.endswith('"')
        assert expression[1:-1].replace('""', "").count('"') == 0


def test_none_keeps_or_selects_articles_with_no_score() -> None:
    assert parse_query("quality:none").terms == (Term("quality", None, False, "none", 0, 12),)
    assert [(t.value, t.op) for t in parse_query("quality:>=40,none").terms] == [(40.0, ">=?")]
    assert [(t.value, t.op) for t in parse_query("heat:10..20,NONE").terms] == [(10.0, ">=?"), (20.0, "<=?")]
    with pytest.raises(QueryError, match="add ,none"):
        parse_query("quality:high,none")


def test_none_twice_is_an_error_not_broken_sql() -> None:
    with pytest.raises(QueryError, match="says none twice"):
        parse_query("quality:none,none")
