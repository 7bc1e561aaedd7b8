"""What the main screen shows, as values (reader.view): the sidebar's choice,
the query the list runs, the header's text. No app, no Pilot."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

from reader.config import Config
from reader.query import Query, Term, parse_query
from reader.view import SORTS, All, Filters, Saved, Starred, Topic, Unread, View, choice_label, choice_terms


def terms(view: View, config: Config | None = None) -> list[tuple[str, object, bool]]:
    return [(t.kind, t.value, t.negated) for t in view.query(config).terms]


def test_the_view_module_does_not_load_textual() -> None:
    code = "import sys, reader.view\nprint(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_each_choice_selects_its_articles() -> None:
    assert terms(View()) == []
    assert terms(View(choice=Unread())) == [("is", "unread", False)]
    assert terms(View(choice=Starred())) == [("is", "starred", False)]
    assert terms(View(choice=Topic("AI Hardware"))) == [("topic", "AI Hardware", False)]
    assert terms(View(choice=Saved("chips", "chip* -provider:spam sort:date"))) == [
        ("word", "chip*", False),
        ("provider", "spam", True),
    ]


def test_a_topic_named_like_a_special_entry_is_a_topic() -> None:
    """A front-matter topic is any string, "\\0unread" included: it names a
    topic, never the Unread view (it used to open Unread)."""
    for name in ("\0unread", "\0starred", "\0search", "Unread", "All", "Starred"):
        choice = Topic(name)
        assert choice != Unread() and choice != Starred() and choice != All()
        assert choice_terms(choice) == ((Term("topic", name),), None)
    assert choice_label(Topic("\0unread")) == "unread"  # shown as text, the NUL dropped
    assert choice_label(Unread()) == "Unread"


def test_choices_are_values() -> None:
    assert Topic("AI") == Topic("AI") and hash(Topic("AI")) == hash(Topic("AI"))
    assert Saved("a", "x") != Saved("b", "x")
    assert Unread() == Unread() and Unread() != Starred()
    assert len({All(), Unread(), Starred(), Topic("AI"), Topic("AI"), Saved("s", "x")}) == 5


def test_a_saved_search_brings_its_sort_unless_the_search_has_one() -> None:
    saved = Saved("newest chips", "chips sort:date")
    assert View(choice=saved).query().sort == "date"
    assert View(choice=saved, search=parse_query("sort:heat")).query().sort == "heat"


def test_a_saved_search_that_no_longer_parses_shows_everything() -> None:
    assert choice_terms(Saved("old", 'topic:"unclosed')) == ((), None)


def test_the_search_and_the_filters_add_up_with_the_choice() -> None:
    view = View(
        choice=Topic("Space"),
        search=parse_query("rocket"),
        filters=Filters(min_quality=40, hide_unpublished=True, provider="orbit"),
    )
    assert terms(view) == [
        ("topic", "Space", False),
        ("quality", 40, False),
        ("is", "unpublished", True),
        ("provider", "orbit", False),
        ("word", "rocket", False),  # last: the word being typed matches as a prefix
    ]
    assert view.query().text == "rocket"  # the text is the search bar's


def test_the_config_gives_its_defaults() -> None:
    config = Config(sort="date", min_quality=30)
    # The config's minimum is where the quick filters start (shown, and + and - move it)...
    view = View(filters=Filters.from_config(config))
    query = view.query(config)
    assert query.sort == "date"
    assert [(t.kind, t.value, t.op) for t in query.terms] == [("quality", 30.0, ">=?")]
    assert view.filters.quality_step(10).min_quality == 40 and view.filters.quality_step(-10).min_quality == 20
    # ...so when the filters are cleared, it is gone.
    assert View().query(config).terms == ()
    strict = Filters.from_config(Config(min_quality=30, hide_unscored=True))
    assert [(t.value, t.op) for t in View(filters=strict).query(config).terms] == [(30.0, ">=")]
    # words sort by relevance; a quality of the view's own wins over the config's
    words = View(search=parse_query("rocket"), filters=Filters(min_quality=60)).query(config)
    assert words.sort is None
    assert [(t.kind, t.value) for t in words.terms if t.kind == "quality"] == [("quality", 60)]


def test_quality_steps_by_ten_and_zero_is_no_filter() -> None:
    filters = Filters()
    for _ in range(5):
        filters = filters.quality_step(10)
    assert filters.min_quality == 50
    assert filters.quality_step(-10).min_quality == 40
    assert Filters(min_quality=10).quality_step(-10).min_quality is None
    assert Filters().quality_step(-10).min_quality is None


def test_the_filters_text() -> None:
    assert Filters().text() == ""
    assert Filters(min_quality=50, hide_unpublished=True, provider="x\x1b[2Jy").text() == "quality ≥ 50 or unscored; published only; provider: xy"
    assert Filters(min_quality=50, hide_unscored=True).text() == "quality ≥ 50 (scored only)"
    assert Filters(hide_unscored=True, hide_read=True).text() == "scored only; unread only"


def test_s_cycles_the_sorts() -> None:
    view = View()
    seen = []
    for _ in SORTS:
        seen.append(view.sort)
        view = view.next_sort()
    assert seen == [None, "date", "heat", "title", "sources"] and view.sort is None


def test_the_header_says_what_is_shown_how_many_and_in_what_order() -> None:
    assert "\n".join(map(str, View().header(46))) == "All · 46 · best first"
    assert "\n".join(map(str, View(reverse=True).header(1234))) == "All · 1,234 · lowest quality first"
    assert "\n".join(map(str, View(sort="date").header(3))) == "All · 3 · newest first"
    assert "\n".join(map(str, View(sort="title", reverse=True).header(3))) == "All · 3 · by title, Z→A"
    ranked = View(choice=Unread(), search=parse_query("rocket launch"))
    assert "\n".join(map(str, ranked.header(9))) == "Unread · 9 · best match first  /rocket launch"
    assert "\n".join(map(str, replace(ranked, reverse=True).header(9))).startswith("Unread · 9 · worst match first")
    filtered = View(choice=Saved("mine", "x"), filters=Filters(min_quality=20))
    assert [str(line) for line in filtered.header(2, indexing=True)] == ["⌕ mine · 2 · best match first  · indexing…  [quality ≥ 20 or unscored; x clears]"]  # its word ranks it
    assert "\n".join(map(str, View().header(5, config=Config(sort="heat")))) == "All · 5 · hottest first"


def test_the_header_is_text_not_markup() -> None:
    header = "\n".join(map(str, View(choice=Topic("[bold]x[/]"), search=Query(text="[red]y")).header(1)))
    assert str(header).startswith("[bold]x[/] · 1") and "/[red]y" in str(header)


def test_every_filter_stays_readable_at_80_columns() -> None:
    view = View(
        choice=Topic("Computer Vision"),
        search=parse_query("face recognition bias"),
        filters=Filters(min_quality=40, hide_unscored=True, hide_unpublished=True, provider="washingtonpost", hide_read=True),
    )
    lines = [str(line) for line in view.header(1234, width=78)]  # 80 columns less the header's padding
    assert len(lines) == 2 and all(len(line) <= 78 for line in lines)
    assert lines[1] == "q≥40 scored only · published · from: washingtonpost · unread only · x clears"
    wide = [str(line) for line in view.header(1234, width=200)]
    assert wide[0].endswith("[quality ≥ 40 (scored only); published only; provider: washingtonpost; unread only; x clears]")
    assert [str(line) for line in View(filters=Filters(hide_read=True)).header(3, width=78)] == ["All · 3 · best first  [unread only; x clears]"]


def test_a_view_saves_as_one_query_that_selects_the_same_articles() -> None:
    view = View(
        choice=Topic("AI in Autos"),
        search=parse_query("waymo"),
        sort="date",
        reverse=True,
        filters=Filters(min_quality=40, hide_unpublished=True, provider="wire", hide_read=True),
    )
    text = view.saved_text()
    assert text == 'topic:"AI in Autos" waymo* quality:>=40,none -is:unpublished provider:wire is:unread sort:-date'
    again = parse_query(text)
    assert again.sort == "date" and again.reverse
    # The same terms (the last word, a prefix while it was typed, says so with *).
    assert sorted((t.kind, str(t.value).rstrip("*"), t.negated, t.op) for t in again.terms) == sorted(
        (t.kind, str(t.value), t.negated, t.op) for t in view.query().terms
    )
    assert View(choice=Unread()).saved_text() == "is:unread"
    assert View(filters=Filters(hide_unscored=True)).saved_text() == "-quality:none"
    # Chosen again, a saved view selects what it did, in its order.
    chosen = View(choice=Saved("autos", text))
    assert chosen.query().reverse and chosen.query().sort == "date"


def test_a_saved_view_keeps_the_order_on_screen_once() -> None:
    date = Config(sort="date")
    assert View(search=parse_query("ai sort:-date")).saved_text(date) == "ai sort:-date"
    assert View(search=parse_query("chip")).saved_text(date) == "chip*"  # a prefix while typed: saved as one
    assert View(search=parse_query("chip ")).saved_text(date) == "chip"  # a space after it: the word
    assert View(choice=Saved("x", "sort:-date"), reverse=True).saved_text(date) == "sort:date"  # S turned it back
    assert View(choice=Topic("x"), reverse=True).saved_text(date) == "topic:x sort:-date"  # the config's sort, reversed
    assert View(search=parse_query("ai")).saved_text(date) == "ai"  # relevance
    for view in (View(search=parse_query("ai sort:-date")), View(choice=Saved("x", "sort:-date"), reverse=True)):
        assert View(choice=Saved("again", view.saved_text(date))).order_text(date) == view.order_text(date)
