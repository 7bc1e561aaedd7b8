"""reader.store: walking folders, the incremental SQLite cache, and searching it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import CORPUS, SEEDS, article, write
from reader.store import refresh as refresh_module, schema
from reader.store.db import Database
from reader.store import Library
from reader.query import Query, Term, parse_query
from reader.sqlite import sqlite3


def make(roots, tmp_path: Path, **kwargs) -> Library:
    roots = roots if isinstance(roots, (list, tuple)) else [roots]
    return Library(roots, cache_dir=tmp_path / "cache", **kwargs)


def titles(rows) -> list[str]:
    return [r.title for r in rows]


def paths(rows) -> list[str]:
    return sorted(r.path for r in rows)


def skipped_problems(library: Library):
    return [p for p in library.problems() if p.skipped]


# -- walking ----------------------------------------------------------------------


def test_finds_md_and_markdown_recursively_and_nothing_else(tmp_path):
    lib_dir = tmp_path / "lib"
    write(lib_dir, "top.md", article("Top"))
    write(lib_dir, "a/b/deep.markdown", article("Deep"))
    write(lib_dir, "notes.txt", article("Text file"))
    write(lib_dir, "readme.rst", article("Rest file"))
    write(lib_dir, "md", article("No suffix"))
    with make(lib_dir, tmp_path) as library:
        library.refresh()
        assert sorted(titles(library.search())) == ["Deep", "Top"]
        assert library.problems() == []


def test_hidden_files_and_folders_are_skipped(tmp_path):
    lib_dir = tmp_path / "lib"
    write(lib_dir, "seen.md", article("Seen"))
    write(lib_dir, ".hidden.md", article("Hidden file"))
    write(lib_dir, ".git/inside.md", article("In hidden folder"))
    write(lib_dir, "sub/.cache/deeper/x.md", article("Deep in hidden folder"))
    with make(lib_dir, tmp_path) as library:
        library.refresh()
        assert titles(library.search()) == ["Seen"]


def test_a_file_given_as_a_root(tmp_path):
    lib_dir = tmp_path / "lib"
    one = write(lib_dir, "one.md", article("One"))
    write(lib_dir, "two.md", article("Two"))
    with make(one, tmp_path) as library:
        library.refresh()
        assert titles(library.search()) == ["One"]
        # and it stays that way on the next refresh
        assert library.refresh().parsed == 0
        assert titles(library.search()) == ["One"]


def test_several_roots(tmp_path):
    first = write(tmp_path / "first", "a.md", article("From first")).parent
    second = write(tmp_path / "second", "b.md", article("From second")).parent
    single = write(tmp_path / "third", "c.md", article("Single file"))
    with make([first, second, single], tmp_path) as library:
        library.refresh()
        assert sorted(titles(library.search())) == ["From first", "From second", "Single file"]


def test_overlapping_roots_give_each_file_once(tmp_path):
    lib_dir = tmp_path / "lib"
    write(lib_dir, "a.md", article("Alpha"))
    write(lib_dir, "sub/b.md", article("Beta"))
    with make([lib_dir, lib_dir / "sub", lib_dir / "a.md"], tmp_path) as library:
        library.refresh()
        assert sorted(titles(library.search())) == ["Alpha", "Beta"]


def test_file_root_before_its_folder_is_stable_across_refreshes(tmp_path):
    lib_dir = tmp_path / "lib"
    alpha = write(lib_dir, "a.md", article("Alpha"))
    write(lib_dir, "b.md", article("Beta"))
    seen = []
    for _ in range(3):
        with make([alpha, lib_dir], tmp_path) as library:
            library.refresh()
            seen.append(sorted(titles(library.search())))
    assert seen == [["Alpha", "Beta"]] * 3


def test_symlink_loop_terminates_and_each_file_appears_once(tmp_path):
    lib_dir = tmp_path / "lib"
    write(lib_dir, "a.md", article("Alpha"))
    write(lib_dir, "sub/b.md", article("Beta"))
    os.symlink(lib_dir, lib_dir / "sub" / "loop")
    os.symlink(lib_dir / "sub", lib_dir / "sub" / "self")
    with make(lib_dir, tmp_path) as library:
        library.refresh()
        assert sorted(titles(library.search())) == ["Alpha", "Beta"]


def test_broken_symlink_is_reported(tmp_path):
    lib_dir = tmp_path / "lib"
    write(lib_dir, "ok.md", article("Fine"))
    os.symlink(tmp_path / "nowhere.md", lib_dir / "x.md")
    with make(lib_dir, tmp_path) as library:
        library.refresh()
        assert titles(library.search()) == ["Fine"]
        [problem] = library.problems()
        assert problem.path == str(lib_dir / "x.md")
        assert problem.skipped
        assert "link" in problem.reason


def test_missing_root_is_reported(tmp_path):
    lib_dir = tmp_path / "lib"
    write(lib_dir, "ok.md", article("Fine"))
    missing = tmp_path / "gone"
    with make([lib_dir, missing], tmp_path) as library:
        library.refresh()
        assert titles(library.search()) == ["Fine"]
        [problem] = library.problems()
        assert problem.path == str(missing)
        assert problem.skipped
        assert "no such" in problem.reason


# -- refresh ----------------------------------------------------------------------


@pytest.fixture
def small(tmp_path) -> Path:
    lib_dir = tmp_path / "lib"
    for i in range(5):
        write(lib_dir, f"n{i}.md", article(f"Note {i}", quality=i * 10, body=f"body of note {i}"))
    return lib_dir


def test_cold_build_then_nothing_to_do(small, tmp_path):
    with make(small, tmp_path) as library:
        stats = library.refresh()
        assert (stats.total, stats.parsed, stats.added) == (5, 5, 5)
        assert stats.cold
        again = library.refresh()
        assert (again.total, again.parsed, again.added, again.changed, again.removed) == (5, 0, 0, 0, 0)
    # a new Library on the same folder reuses the cache
    with make(small, tmp_path) as library:
        stats = library.refresh()
        assert stats.parsed == 0 and not stats.cold
        assert library.article_count() == 5


def test_added_file_is_the_only_one_parsed(small, tmp_path):
    with make(small, tmp_path) as library:
        library.refresh()
        write(small, "sub/new.md", article("Brand new", body="platypus"))
        stats = library.refresh()
        assert (stats.parsed, stats.added, stats.changed, stats.removed) == (1, 1, 0, 0)
        assert titles(library.search(parse_query("platypus"))) == ["Brand new"]
        assert library.article_count() == 6


def test_rewritten_file_is_reparsed(small, tmp_path):
    with make(small, tmp_path) as library:
        library.refresh()
        write(small, "n2.md", article("Note two, revised at length", quality=99, body="wombat"))
        stats = library.refresh()
        assert (stats.parsed, stats.added, stats.changed, stats.removed) == (1, 0, 1, 0)
        assert titles(library.search(parse_query("wombat"))) == ["Note two, revised at length"]
        assert library.search(parse_query("note"))  # the others are still there
        assert library.count() == 5
        assert library.search()[0].quality == 99


def test_same_size_with_new_mtime_is_reparsed(small, tmp_path):
    path = small / "n3.md"
    with make(small, tmp_path) as library:
        library.refresh()
        text = path.read_text().replace("Note 3", "Nate 3")
        path.write_text(text)
        later = path.stat().st_mtime_ns + 5_000_000_000
        os.utime(path, ns=(later, later))
        stats = library.refresh()
        assert (stats.parsed, stats.changed) == (1, 1)
        assert titles(library.search(parse_query("nate"))) == ["Nate 3"]


def test_deleted_file_disappears(small, tmp_path):
    with make(small, tmp_path) as library:
        library.refresh()
        gone = library.get(str(small / "n1.md"))
        assert gone is not None
        os.unlink(small / "n1.md")
        stats = library.refresh()
        assert (stats.parsed, stats.removed, stats.total) == (0, 1, 4)
        assert "Note 1" not in titles(library.search())
        assert library.count() == 4
        assert library.get(gone.uid) is None
        assert library.search(parse_query('"note 1"')) == []


def test_file_turning_bad_and_back(small, tmp_path):
    path = small / "n4.md"
    with make(small, tmp_path) as library:
        library.refresh()
        path.write_text("no front matter here, just a line of text\n")
        library.refresh()
        assert "Note 4" not in titles(library.search())
        assert library.count() == 4
        [problem] = library.problems()
        assert problem.path == str(path) and problem.skipped and problem.line == 1
        assert "front matter" in problem.reason

        path.write_text(article("Note 4 is back", body="recovered"))
        library.refresh()
        assert titles(library.search(parse_query("recovered"))) == ["Note 4 is back"]
        assert library.problems() == []


def test_problems_and_warnings_are_stored(tmp_path):
    lib_dir = tmp_path / "lib"
    write(lib_dir, "good.md", article("Good"))
    warned = write(lib_dir, "warned.md", article("Warned", quality="lots"))
    broken = write(lib_dir, "broken.md", "---\ntitle: [unclosed\n---\n")
    with make(lib_dir, tmp_path) as library:
        library.refresh()
        assert sorted(titles(library.search())) == ["Good", "Warned"]
        by_path = {p.path: p for p in library.problems()}
        assert set(by_path) == {str(warned), str(broken)}
        warning = by_path[str(warned)]
        assert not warning.skipped and warning.line == 3 and "quality" in warning.reason
        assert by_path[str(broken)].skipped
        assert by_path[str(broken)].line in (2, 3)
    # read back from the cache by a new Library, without parsing again
    with make(lib_dir, tmp_path) as library:
        assert library.refresh().parsed == 0
        again = {(p.path, p.line, p.reason, p.skipped) for p in library.problems()}
        assert again == {(p.path, p.line, p.reason, p.skipped) for p in by_path.values()}


def test_parallel_parsing_gives_the_same_index(tmp_path, monkeypatch):
    monkeypatch.setattr(refresh_module, "PARALLEL_MIN", 10)
    monkeypatch.setattr(refresh_module, "CHUNK", 4)
    lib_dir = tmp_path / "lib"
    for i in range(30):
        write(lib_dir, f"d{i // 10}/a{i:02}.md", article(f"Parallel {i:02}", quality=i, topics="[Bulk]"))
    write(lib_dir, "bad.md", "not an article\n")
    with Library([lib_dir], cache_dir=tmp_path / "cache", workers=2) as library:
        stats = library.refresh()
        assert (stats.total, stats.parsed) == (31, 31)
        rows = library.search()
        assert titles(rows) == [f"Parallel {i:02}" for i in reversed(range(30))]
        assert len({r.id for r in rows}) == 30
        assert library.topics() == [("Bulk", 30, pytest.approx(14.5))]
        assert [p.path for p in skipped_problems(library)] == [str(lib_dir / "bad.md")]


# -- cache recovery ----------------------------------------------------------------


def build_cache(lib_dir: Path, tmp_path: Path) -> tuple[Path, list[str]]:
    with make(lib_dir, tmp_path) as library:
        library.refresh()
        assert library.db_path is not None and library.db_path.exists()
        return library.db_path, titles(library.search())


def reopen(lib_dir: Path, tmp_path: Path):
    notices: list[str] = []
    library = make(lib_dir, tmp_path, notice=notices.append)
    library.refresh()
    return library, notices


def test_garbage_cache_is_rebuilt_with_a_notice(small, tmp_path):
    db_path, before = build_cache(small, tmp_path)
    db_path.write_bytes(os.urandom(64) * 100)
    library, notices = reopen(small, tmp_path)
    with library:
        assert titles(library.search()) == before
        assert not library.in_memory
    assert len(notices) == 1 and str(db_path) in notices[0]
    # the rebuilt cache is good: no notice next time
    library, notices = reopen(small, tmp_path)
    with library:
        assert notices == [] and titles(library.search()) == before


@pytest.mark.parametrize("keep", [0, 100, 4096, 0.5])
def test_truncated_cache_is_rebuilt(small, tmp_path, keep):
    db_path, before = build_cache(small, tmp_path)
    size = db_path.stat().st_size
    with open(db_path, "r+b") as handle:
        handle.truncate(int(size * keep) if isinstance(keep, float) else keep)
    library, notices = reopen(small, tmp_path)
    with library:
        assert titles(library.search()) == before
        assert library.count(parse_query("body")) == 5
    assert len(notices) == 1 and str(db_path) in notices[0]


def test_cache_of_an_older_schema_is_rebuilt(small, tmp_path):
    db_path, before = build_cache(small, tmp_path)
    db = sqlite3.connect(db_path)
    with db:
        db.execute("UPDATE meta SET value='0' WHERE key='schema'")
    db.close()
    library, notices = reopen(small, tmp_path)
    with library:
        assert titles(library.search()) == before
    assert len(notices) == 1 and str(db_path) in notices[0]
    assert "version" in notices[0]
    db = sqlite3.connect(db_path)
    assert db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == str(schema.SCHEMA_VERSION)
    db.close()


def test_unwritable_cache_dir_falls_back_to_memory(small, tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    notices: list[str] = []
    with Library([small], cache_dir=blocker, notice=notices.append) as library:
        library.refresh()
        assert library.in_memory
        assert sorted(titles(library.search())) == [f"Note {i}" for i in range(5)]
        assert library.count(parse_query("body")) == 5
        write(small, "late.md", article("Late arrival"))
        assert library.refresh().parsed == 1
        assert "Late arrival" in titles(library.search())
    assert len(notices) == 1 and str(blocker) in notices[0]


@pytest.fixture
def quick_busy(monkeypatch):
    """Make a locked database give up in a tenth of a second, not five."""
    original = Database.connect

    def connect(self, path):
        db = original(self, path)
        db.execute("PRAGMA busy_timeout = 100")
        return db

    monkeypatch.setattr(Database, "connect", connect)


def test_cache_locked_for_reading_falls_back(small, tmp_path, quick_busy):
    db_path, before = build_cache(small, tmp_path)
    locker = sqlite3.connect(db_path, isolation_level=None)
    try:
        locker.execute("PRAGMA journal_mode = DELETE")
        locker.execute("BEGIN EXCLUSIVE")
        library, notices = reopen(small, tmp_path)
        with library:
            assert titles(library.search()) == before
            assert library.in_memory
    finally:
        locker.close()
    assert len(notices) == 1 and str(db_path) in notices[0] and "locked" in notices[0]


def test_cache_locked_for_writing_falls_back(small, tmp_path, quick_busy):
    db_path, _ = build_cache(small, tmp_path)
    write(small, "new.md", article("Written while locked", quality=100))
    locker = sqlite3.connect(db_path, isolation_level=None)
    try:
        locker.execute("BEGIN EXCLUSIVE")
        library, notices = reopen(small, tmp_path)
        with library:
            assert titles(library.search())[0] == "Written while locked"
            assert library.count() == 6
    finally:
        locker.close()
    assert len(notices) == 1 and str(db_path) in notices[0]


def test_deleting_the_cache_changes_nothing(small, tmp_path):
    write(small, "extra.md", article("Extra", topics="[Misc]", provider="Someone"))
    query = parse_query("note")
    with make(small, tmp_path) as library:
        library.refresh()
        before = [(r.uid, r.path, r.title, r.quality) for r in library.search()]
        found = [r.uid for r in library.search(query)]
        topics = library.topics()
    shutil.rmtree(tmp_path / "cache")
    with make(small, tmp_path) as library:
        assert library.refresh().cold
        assert [(r.uid, r.path, r.title, r.quality) for r in library.search()] == before
        assert [r.uid for r in library.search(query)] == found
        assert library.topics() == topics


# -- search -----------------------------------------------------------------------


@pytest.fixture
def news(tmp_path) -> Library:
    lib_dir = tmp_path / "news"
    write(
        lib_dir,
        "chips.md",
        article(
            "Chinese AI Chip Firm Seeks IPO",
            excerpt='"An alternative to imported accelerators"',
            publishedDateTime="2023-07-18T18:30:00Z",
            webUrl="https://example.com/chips",
            quality=34,
            heat=10,
            published="true",
            provider="{name: ExtremeTech, domain: extremetech.com}",
            topics='["AI Hardware", "AI"]',
            body="The company sells silicon to data centres.",
        ),
    )
    write(
        lib_dir,
        "garden.md",
        article(
            "Robot Mowers Spare Hedgehogs",
            publishedDateTime="2024-05-01T08:00:00Z",
            originalUrl="https://example.org/mowers",
            quality=80,
            heat=50,
            published="false",
            provider="{name: Garden Weekly, domain: gardenweekly.example}",
            topics="[Robotics]",
            body="Night-time lawns are safer for hedgehogs now.",
        ),
    )
    write(
        lib_dir,
        "space.md",
        article(
            "Orbital Debris Pact Signed",
            excerpt="Tracking what is left in orbit",
            publishedDateTime="2025-01-02T10:00:00Z",
            quality=60,
            heat=-1,
            published="true",
            provider='"Space Desk"',
            topics="[Space, AI]",
            body="Agencies share radar data.",
        ),
    )
    write(lib_dir, "quiet.md", article("Quiet Unscored Note", body="A zebra crossing."))
    library = Library([lib_dir], cache_dir=tmp_path / "cache")
    library.refresh()
    yield library
    library.close()


def find(library: Library, text: str, **kwargs) -> list[str]:
    return titles(library.search(parse_query(text), **kwargs))


CHIPS, GARDEN, SPACE, QUIET = (
    "Chinese AI Chip Firm Seeks IPO",
    "Robot Mowers Spare Hedgehogs",
    "Orbital Debris Pact Signed",
    "Quiet Unscored Note",
)


def test_default_sort_is_quality_with_missing_last(news):
    assert titles(news.search()) == [GARDEN, SPACE, CHIPS, QUIET]
    assert titles(news.search(reverse=True)) == [CHIPS, SPACE, GARDEN, QUIET]


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("quality", [GARDEN, SPACE, CHIPS, QUIET]),
        ("date", [SPACE, GARDEN, CHIPS, QUIET]),
        ("title", [CHIPS, SPACE, QUIET, GARDEN]),
    ],
)
def test_sorts_both_ways_with_missing_last(news, sort, expected):
    assert titles(news.search(sort=sort)) == expected
    reverse = titles(news.search(sort=sort, reverse=True))
    if sort == "title":
        assert reverse == expected[::-1]
    else:
        assert reverse == expected[:3][::-1] + [QUIET]


def test_sort_by_heat_puts_missing_last(news):
    # space has heat -1 (no heat), quiet has none at all
    assert titles(news.search(sort="heat"))[:2] == [GARDEN, CHIPS]
    assert titles(news.search(sort="heat", reverse=True))[:2] == [CHIPS, GARDEN]
    assert set(titles(news.search(sort="heat"))[2:]) == {SPACE, QUIET}


def test_sort_qualifier_in_the_query(news):
    assert find(news, "sort:date") == [SPACE, GARDEN, CHIPS, QUIET]


@pytest.mark.parametrize(
    "word, expected",
    [
        ("hedgehogs", [GARDEN]),  # title and body
        ("accelerators", [CHIPS]),  # excerpt
        ("silicon", [CHIPS]),  # body
        ("zebra", [QUIET]),  # body
        ("extremetech", [CHIPS]),  # provider name
        ("gardenweekly", [GARDEN]),  # provider domain
        ("robotics", [GARDEN]),  # topic
        ("orbit", [SPACE]),  # excerpt
        ("HEDGEHOGS", [GARDEN]),
        ("hedge*", [GARDEN]),
        ("nothingmatches", []),
    ],
)
def test_free_words_search_every_text_field(news, word, expected):
    assert find(news, word) == expected


def test_every_word_must_match(news):
    assert find(news, "robot hedgehogs") == [GARDEN]
    assert find(news, "robot silicon") == []


def test_free_words_are_ranked(tmp_path):
    lib_dir = tmp_path / "lib"
    write(lib_dir, "a.md", article("Gardening tips", quality=99, body="lawns " * 50 + "quantum once"))
    write(lib_dir, "b.md", article("Quantum computing explained", quality=1, body="quantum bits and quantum gates"))
    with make(lib_dir, tmp_path) as library:
        library.refresh()
        assert find(library, "quantum") == ["Quantum computing explained", "Gardening tips"]
        # asking for the quality order still works with words
        assert find(library, "quantum", sort="quality") == ["Gardening tips", "Quantum computing explained"]
        # the id list the app pages through follows the same order, with
        # and without other conditions, and reversed
        by_id = {row.id: row.title for row in library.search()}
        for text in ("quantum", "quantum quality:>=0"):
            for reverse in (False, True):
                ids = [by_id[i] for i in library.ids(parse_query(text), reverse=reverse)]
                assert ids == find(library, text, reverse=reverse)
                expected = ["Quantum computing explained", "Gardening tips"]
                assert ids == (expected[::-1] if reverse else expected)


def test_phrase_search(news):
    assert find(news, '"robot mowers"') == [GARDEN]
    assert find(news, '"mowers robot"') == []


def test_negated_word(news):
    assert sorted(find(news, "-hedgehogs")) == sorted([CHIPS, SPACE, QUIET])
    assert find(news, '-"robot mowers" -silicon') == [SPACE, QUIET]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("topic:AI", [SPACE, CHIPS]),
        ("topic:ai", [SPACE, CHIPS]),
        ('topic:"ai hardware"', [CHIPS]),
        ('topic:"AI Hardware"', [CHIPS]),
        ("topic:Hardware", []),
        ("topic:robotics", [GARDEN]),
        ("provider:extremetech", [CHIPS]),
        ("provider:EXTREME", [CHIPS]),
        ("provider:extremetech.com", [CHIPS]),
        ("provider:weekly.example", [GARDEN]),
        ("provider:desk", [SPACE]),
        ("quality:34", [CHIPS]),
        ("quality:>50", [GARDEN, SPACE]),
        ("quality:>=60", [GARDEN, SPACE]),
        ("quality:<60", [CHIPS]),
        ("quality:<=34", [CHIPS]),
        ("quality:40..80", [GARDEN, SPACE]),
        ("quality:35..59", []),
        ("quality:none", [QUIET]),
        ("-quality:none", [GARDEN, SPACE, CHIPS]),
        ("quality:>=60,none", [GARDEN, SPACE, QUIET]),
        ("quality:35..59,none", [QUIET]),
        ("-quality:>=60,none", [CHIPS]),
        ("heat:>=10", [GARDEN, CHIPS]),
        ("heat:<20", [CHIPS]),
        ("since:2024-01-01", [GARDEN, SPACE]),
        ("since:2024", [GARDEN, SPACE]),
        ("until:2023-12-31", [CHIPS]),
        ("until:2023-07-18", [CHIPS]),
        ("until:2023-07-17", []),
        ("since:2024-05 until:2024-05", [GARDEN]),
        ("since:2024-05-02", [SPACE]),
        ("is:published", [SPACE, CHIPS]),
        ("is:unpublished", [GARDEN]),
        ("-topic:AI", [GARDEN, QUIET]),
        ("-provider:extremetech", [GARDEN, SPACE, QUIET]),
        ("-quality:>50", [CHIPS, QUIET]),
        ("-is:published", [GARDEN, QUIET]),
        ("-since:2024-01-01", [CHIPS, QUIET]),
        ("topic:AI -provider:desk", [CHIPS]),
        ("topic:AI quality:>50", [SPACE]),
    ],
)
def test_qualifiers(news, text, expected):
    assert find(news, text) == expected
    assert news.count(parse_query(text)) == len(expected)


def test_limit_and_offset(news):
    everything = titles(news.search())
    assert titles(news.search(limit=2)) == everything[:2]
    assert titles(news.search(limit=2, offset=2)) == everything[2:]
    assert titles(news.search(limit=10, offset=3)) == everything[3:]
    assert news.search(limit=0) == []


@pytest.mark.parametrize("text", ["", "topic:AI", "note", "-zebra", "quality:>1 -topic:space", "nothing"])
def test_count_agrees_with_search(news, text):
    query = parse_query(text)
    assert news.count(query) == len(news.search(query))


def test_topics_counts_and_mean_quality(news):
    assert news.topics() == [
        ("AI", 2, pytest.approx(47.0)),
        ("AI Hardware", 1, pytest.approx(34.0)),
        ("Robotics", 1, pytest.approx(80.0)),
        ("Space", 1, pytest.approx(60.0)),
    ]
    assert news.topics(parse_query("is:published")) == [
        ("AI", 2, pytest.approx(47.0)),
        ("AI Hardware", 1, pytest.approx(34.0)),
        ("Space", 1, pytest.approx(60.0)),
    ]


def test_topics_mean_ignores_missing_quality(tmp_path):
    lib_dir = tmp_path / "lib"
    write(lib_dir, "a.md", article("Scored", quality=40, topics="[Mixed]"))
    write(lib_dir, "b.md", article("Unscored", topics="[Mixed, Lonely]"))
    with make(lib_dir, tmp_path) as library:
        library.refresh()
        assert library.topics() == [("Mixed", 2, pytest.approx(40.0)), ("Lonely", 1, None)]


def test_get_by_uid_and_by_path(news):
    row = news.search(parse_query("hedgehogs"))[0]
    by_uid = news.get(row.uid)
    by_path = news.get(row.path)
    assert by_uid is not None and by_path is not None
    assert by_uid.title == by_path.title == GARDEN
    assert by_uid.data["original_url"] == "https://example.org/mowers"
    assert by_uid.url == "https://example.org/mowers"  # no webUrl: the original
    assert news.get("000000000000") is None
    assert news.get(row.path + ".nope") is None


def test_get_by_relative_path(news, monkeypatch):
    row = news.search(parse_query("zebra"))[0]
    monkeypatch.chdir(Path(row.path).parent)
    found = news.get(os.path.basename(row.path))
    assert found is not None and found.uid == row.uid


def test_by_url(news):
    found = news.by_url(["https://example.com/chips", "https://example.org/mowers", "https://elsewhere.example/", ""])
    assert {url: r.title for url, r in found.items()} == {
        "https://example.com/chips": CHIPS,
        "https://example.org/mowers": GARDEN,
    }
    assert news.by_url([]) == {}


def test_rows_carry_the_fields(news):
    row = news.get(news.search(parse_query("silicon"))[0].uid)
    assert row.quality == 34 and row.heat == 10 and row.published is True
    assert (row.provider, row.domain) == ("ExtremeTech", "extremetech.com")
    assert row.topics == ["AI Hardware", "AI"]
    assert row.published_datetime.isoformat() == "2023-07-18T18:30:00+00:00"
    quiet = news.search(parse_query("zebra"))[0]
    assert (quiet.quality, quiet.heat, quiet.published, quiet.provider, quiet.published_at) == (None,) * 5


def test_uid_is_stable_across_a_rebuild(news, tmp_path):
    before = {r.path: r.uid for r in news.search()}
    news.close()
    shutil.rmtree(tmp_path / "cache")
    with Library([tmp_path / "news"], cache_dir=tmp_path / "other-cache") as library:
        library.refresh()
        assert {r.path: r.uid for r in library.search()} == before
    assert len(set(before.values())) == 4


@pytest.mark.parametrize("word", ['AND', 'NEAR(', 'a"b', '*', '**', '"', 'OR', 'NOT', '^x', 'col:x', '_', 'x AND y'])
@pytest.mark.parametrize("kind", ["word", "phrase"])
@pytest.mark.parametrize("negated", [False, True])
def test_fts_syntax_in_words_does_not_raise(news, word, kind, negated):
    query = Query(text=word, terms=(Term(kind, word, negated),))
    rows = news.search(query)
    assert news.count(query) == len(rows)
    news.search(query, prefix_last=True)
    news.topics(query)


@pytest.mark.parametrize("text", ['"AND"', "NEAR(", 'a"b"', "OR hedgehogs", "hedgehogs NOT", "{curly}", "a*b", "(x)"])
def test_fts_syntax_in_parsed_queries_does_not_raise(news, text):
    query = parse_query(text)
    assert news.count(query) == len(news.search(query))


def test_a_word_that_is_an_fts_operator_is_searched_as_a_word(tmp_path):
    lib_dir = tmp_path / "lib"
    write(lib_dir, "a.md", article("Cats AND dogs", body="near the barn"))
    write(lib_dir, "b.md", article("Only cats"))
    with make(lib_dir, tmp_path) as library:
        library.refresh()
        assert find(library, "AND") == ["Cats AND dogs"]
        assert find(library, "NEAR") == ["Cats AND dogs"]
        assert find(library, '"cats and"') == ["Cats AND dogs"]


def test_provider_matches_non_ascii_names(tmp_path):
    lib_dir = tmp_path / "lib"
    write(lib_dir, "a.md", article("Wirtschaft", provider='"Österreich Heute"'))
    with make(lib_dir, tmp_path) as library:
        library.refresh()
        assert find(library, "provider:Österreich") == ["Wirtschaft"]
        assert find(library, "provider:österreich") == ["Wirtschaft"]


def test_topic_is_case_insensitive_beyond_ascii(tmp_path):
    lib_dir = tmp_path / "lib"
    write(lib_dir, "a.md", article("Wirtschaft", topics="[Ökonomie]"))
    with make(lib_dir, tmp_path) as library:
        library.refresh()
        assert find(library, "topic:ökonomie") == ["Wirtschaft"]


# -- real articles ----------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_corpus_indexes_without_skipping_a_file(tmp_path):
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".md", ".markdown") and not p.name.startswith("."))
    with Library([CORPUS], cache_dir=tmp_path / "cache") as library:
        stats = library.refresh()
        assert stats.total == len(files)
        assert skipped_problems(library) == []
        assert library.article_count() == len(files)


def test_seeds_index_cleanly(tmp_path):
    with Library([SEEDS], cache_dir=tmp_path / "cache") as library:
        library.refresh()
        assert library.problems() == []
        assert library.article_count() >= 40
        assert len(library.topics()) >= 8
        assert library.count(parse_query("topic:AI")) > 0


def test_the_fast_paths_answer_as_the_general_query(tmp_path):
    """Word and topic searches skip the articles table; they must give the
    same articles, counts and order as the query that joins it."""
    import random

    rng = random.Random(3)
    vocabulary = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
    topics = ["AI", "Space", "Robotics"]
    lib_dir = tmp_path / "lib"
    for n in range(80):
        words = " ".join(rng.choice(vocabulary) for _ in range(5 + n))  # each length its own: no ties in rank
        chosen = rng.sample(topics, rng.randint(0, 2))
        write(lib_dir, f"{n:02}.md", article(f"Article {n}", quality=n, topics=json.dumps(chosen), body=words))
    with make(lib_dir, tmp_path) as library:
        library.refresh()
        for text in ("alpha", "alpha beta", "gam", "alpha topic:AI", "beta -topic:Space", "delta topic:AI topic:Robotics", "topic:Space"):
            query = parse_query(text)
            joined = library.search(query)  # no limit: the general query, joined with articles
            assert library.count(query) == len(joined), text
            assert list(library.ids(query)) == [r.id for r in joined], text
            assert [r.id for r in library.search(query, limit=5, offset=3)] == [r.id for r in joined[3:8]], text
            assert list(library.ids(query, reverse=True)) == [r.id for r in library.search(query, reverse=True)], text
        assert library.count(parse_query("topic:Space")) == sum("Space" in r.topics for r in library.search())


def test_the_first_screen_of_a_ranked_search_is_the_top_of_the_whole_ranking(tmp_path):
    lib_dir = tmp_path / "lib"
    for n in range(40):
        # Ties on purpose: articles 0-9 have the same text, so the same score.
        times = 1 if n < 10 else n % 7 + 1
        topics = "[Space]" if n % 3 == 0 else "[Ground]"
        write(lib_dir, f"a{n:02}.md", article(f"Note {n:02}", quality=n, topics=topics, body="zebra " * times + "filler " * (n % 5)))
    for n in range(5):
        write(lib_dir, f"b{n}.md", article(f"Other {n}", quality=50, body="nothing to see"))
    with make(lib_dir, tmp_path) as library:
        library.refresh()
        for text in ("zebra", "zeb", "zebra topic:space", "zebra -topic:space"):
            for reverse in (False, True):
                query = parse_query(text)
                whole = library.ids(query, reverse=reverse, prefix_last=True)
                assert whole, text
                best, total = library.first(query, reverse=reverse, prefix_last=True, limit=6)
                assert total == len(whole) == library.count(query, prefix_last=True)
                assert list(best) == list(whole[:6]), (text, reverse)
        # An article to keep: among the best, or not a match at all, changes
        # nothing; a match further down asks for the whole list.
        whole = library.ids(parse_query("zebra"))
        other = library.search(parse_query("nothing"))[0].id
        assert library.first(parse_query("zebra"), limit=6, keep=whole[2]) == (whole[:6], len(whole))
        assert library.first(parse_query("zebra"), limit=6, keep=other) == (whole[:6], len(whole))
        assert library.first(parse_query("zebra"), limit=6, keep=whole[20]) is None
        # Fewer matches than the limit: the whole list, the same as ids() gives.
        best, total = library.first(parse_query("zebra topic:space"), limit=100)
        assert list(best) == list(library.ids(parse_query("zebra topic:space"))) and total == len(best)
        # Lists that are not ranked by relevance come whole from ids().
        assert library.first(parse_query("topic:space")) is None
        assert library.first(parse_query("zebra"), sort="quality") is None
        assert library.first(parse_query("zebra sort:date")) is None
        assert library.first(parse_query("zebra quality:>=10")) is None


def test_a_ranked_search_with_a_filter_keeps_the_ranking_of_the_rows_left(tmp_path):
    lib_dir = tmp_path / "lib"
    for n in range(30):
        times = 1 if n < 8 else n % 6 + 1  # ties among the first eight
        write(lib_dir, f"a{n:02}.md", article(f"Note {n:02}", quality=n * 3, body="zebra " * times + "filler " * (n % 4)))
    with make(lib_dir, tmp_path) as library:
        library.refresh()
        quality = {row.id: row.quality for row in library.search()}
        for reverse in (False, True):
            ranked = library.ids(parse_query("zebra"), reverse=reverse)
            kept = [i for i in ranked if quality[i] >= 30]
            assert list(library.ids(parse_query("zebra quality:>=30"), reverse=reverse)) == kept
            assert [r.id for r in library.search(parse_query("zebra quality:>=30"), reverse=reverse)] == kept


def test_reader_uses_the_newest_sqlite_at_hand_and_only_that_one():
    import sqlite3 as bundled

    from reader import sqlite as chosen

    assert chosen.sqlite3.sqlite_version_info >= bundled.sqlite_version_info
    try:
        from pysqlite3 import dbapi2 as newer
    except ImportError:
        return
    assert chosen.sqlite3.sqlite_version_info >= newer.sqlite_version_info
    # every module that opens databases goes through the one choice
    import importlib
    import pkgutil

    import reader

    using = []
    for info in pkgutil.walk_packages(reader.__path__, "reader."):
        module = importlib.import_module(info.name)
        if hasattr(module, "sqlite3"):
            using.append(info.name)
            assert module.sqlite3 is chosen.sqlite3, info.name
    assert "reader.store.db" in using and "reader.state" in using


def test_the_cache_keeps_the_query_planners_figures(tmp_path):
    lib_dir = tmp_path / "lib"
    for n in range(30):
        write(lib_dir, f"a{n:02}.md", article(f"Note {n:02}", quality=n, heat=n * 2))
    with make(lib_dir, tmp_path) as library:
        library.refresh()
        db = sqlite3.connect(library.db_path)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'")}
        assert "sqlite_stat1" in tables
        assert db.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'articles'").fetchone()[0] > 0
        db.close()
        write(lib_dir, "new.md", article("Later", quality=99))
        library.refresh()  # figures refreshed (PRAGMA optimize), nothing breaks
        assert [r.title for r in library.search(parse_query("quality:>=29"))] == ["Later", "Note 29"]


def test_sort_minus_in_a_query_is_the_other_way_round(news):
    assert titles(news.search(parse_query("sort:-date"))) == titles(news.search(sort="date", reverse=True))
    # S on top of it turns it back
    assert titles(news.search(parse_query("sort:-date"), reverse=True)) == titles(news.search(sort="date"))


def test_a_topic_and_words_in_another_order_run_the_search_once(news):
    """A topic, words and a sort of their own (what a saved view holds): the
    search is the outer loop. Given the topic's ids to start from, SQLite ran
    the full-text search once for each of them (126 s for a topic of 20k
    articles at 100k; bench/triage.py)."""
    query = parse_query("topic:AI chip* sort:date")
    plan = news.plan(query)
    with news.db.reading() as handle:
        steps = [row[3] for row in handle.conn.execute("EXPLAIN QUERY PLAN " + plan.sql, plan.params)]
    loops = [step for step in steps if step.startswith(("SCAN", "SEARCH")) and "topics" not in step]
    assert loops[0].startswith("SCAN fts"), steps
    assert titles(news.search(query)) == [CHIPS]


def test_a_fetched_full_text_is_searched_with_its_article_and_survives_a_reindex(tmp_path):
    from conftest import article, write

    folder = tmp_path / "news"
    write(folder, "a.md", article("Short card", webUrl="https://news.example/a"))
    write(folder, "b.md", article("Other card", webUrl="https://news.example/b"))
    library = Library([folder], cache_dir=tmp_path / "cache")
    library.refresh()
    assert titles(library.search(parse_query("zeppelin"))) == []
    assert library.add_full_text("https://news.example/a", "The whole story, with a zeppelin in it.") == 1
    assert titles(library.search(parse_query("zeppelin"))) == ["Short card"]
    assert titles(library.search(parse_query("has:fulltext"))) == ["Short card"]
    assert titles(library.search(parse_query("-has:fulltext"))) == ["Other card"]
    # The file changes: the refresh indexes it again, with the full text it is given.
    library.full_texts = lambda urls: {u: "The whole story, with a zeppelin in it." for u in urls if u == "https://news.example/a"}
    write(folder, "a.md", article("Short card, changed", webUrl="https://news.example/a"))
    library.refresh()
    assert titles(library.search(parse_query("zeppelin"))) == ["Short card, changed"]
    assert titles(library.search(parse_query("has:fulltext"))) == ["Short card, changed"]
    library.add_full_text("https://news.example/a", "")
    assert titles(library.search(parse_query("zeppelin has:fulltext"))) == []
    library.close()
