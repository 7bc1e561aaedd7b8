"""The screen's slow work without a screen: the functions the thread workers
run (reader/screens/loading.py) and the state writes (reader/saving.py),
each handing back messages through a list's append."""

from __future__ import annotations

import threading
from array import array
from pathlib import Path

import pytest

from conftest import article, write
from reader.messages import IndexProgress, IndexRefreshed, ListCompleted, ListLoaded, MarksChanged, SearchSaved, SidebarCounted, StoreFailed
from reader.model import Marks
from reader.query import parse_query
from reader.saving import mark_all_read, save_search, set_marks
from reader.screens import loading
from reader.screens.loading import ListRequest, count_sidebar, load_list, read_article, refresh_index
from reader.state import State, identity
from reader.store import Library, NotIndexed
from reader.view import Saved, Starred, Unread


def never() -> bool:
    return False


@pytest.fixture
def library(tmp_path: Path):
    folder = tmp_path / "news"
    for n in range(12):
        topics = "[Zoo, Animals]" if n % 2 else "[Farm, Animals]"
        body = "zebra " * (n % 4 + 1) if n % 2 else "horse"
        write(folder, f"s{n:02}.md", article(f"{'Zebra' if n % 2 else 'Horse'} {n:02}", quality=n, topics=topics, body=body))
    with Library([folder], cache_dir=tmp_path / "cache") as library:
        library.refresh()
        yield library


def request(query: str = "", load: int = 1, **fields) -> ListRequest:
    return ListRequest(load, parse_query(query), None, False, **fields)


def test_a_list_comes_whole_then_the_sidebar(library) -> None:
    posted: list = []
    load_list(library, None, request(), posted.append, never)
    loaded, counted = posted
    assert isinstance(loaded, ListLoaded) and loaded.load == 1 and loaded.length is None and loaded.drawn is None
    assert list(loaded.ids) == list(library.ids()) and loaded.total == 12
    assert isinstance(counted, SidebarCounted) and counted.total == 12
    assert [(name, count) for name, count, _ in counted.topics] == [("Animals", 12), ("Farm", 6), ("Zoo", 6)]
    assert counted.unread is None and counted.views is None  # no state file


def test_a_ranked_list_shows_its_best_rows_first_then_the_rest(library, monkeypatch) -> None:
    monkeypatch.setattr(loading, "FIRST_ROWS", 2)
    posted: list = []

    def post(message) -> None:
        posted.append(message)
        if isinstance(message, ListLoaded) and message.drawn is not None:
            message.drawn.set()  # as the screen does once the first rows are drawn

    load_list(library, None, request("zebra", counts=False), post, never)
    first, rest = posted
    assert isinstance(first, ListLoaded) and len(first.ids) == 2 and first.length == 6
    assert isinstance(rest, ListCompleted) and rest.load == 1
    assert list(rest.ids) == list(library.ids(parse_query("zebra"), prefix_last=True)) and rest.ids[:2] == first.ids


def test_a_cancelled_load_posts_nothing_more(library, monkeypatch) -> None:
    monkeypatch.setattr(loading, "FIRST_ROWS", 2)
    posted: list = []
    cancel = threading.Event()

    def post(message) -> None:
        posted.append(message)
        cancel.set()  # a newer load takes over as the first rows are shown
        if getattr(message, "drawn", None) is not None:
            message.drawn.set()

    load_list(library, None, request("zebra"), post, cancel.is_set)
    assert [type(m) for m in posted] == [ListLoaded]


def test_a_load_before_any_index_says_so(tmp_path: Path) -> None:
    write(tmp_path / "news", "a.md", article("A"))
    posted: list = []
    with Library([tmp_path / "news"], cache_dir=tmp_path / "cache") as library:
        load_list(library, None, request(), posted.append, never)
    [failed] = posted
    assert isinstance(failed, StoreFailed) and isinstance(failed.error, NotIndexed)


def test_the_sidebar_with_a_state_file(library, tmp_path: Path) -> None:
    with State(tmp_path / "state.sqlite3") as state:
        library.state_path = state.path
        rows = library.search(parse_query("topic:Zoo"))
        state.mark_read([identity(r.url, r.path, library.roots) for r in rows])
        state.set_starred(identity(rows[0].url, rows[0].path, library.roots))
        state.save_search("zebras", "zebra")
        state.save_search("broken", 'topic:"unclosed')
        posted: list = []
        count_sidebar(library, state, posted.append, never)
    [counted] = posted
    assert counted.unread == {"animals": 6, "farm": 6}
    assert counted.views == [(Unread(), 6), (Starred(), 1), (Saved("zebras", "zebra"), 6)]  # the broken one left out


def test_an_article_is_read_with_its_links_in_the_library(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    write(folder, "a.md", article("Linking", related='[{title: "B", webUrl: "https://x.example/b"}, {title: "C", webUrl: "https://x.example/c"}]'))
    write(folder, "b.md", article("B", webUrl="https://x.example/b"))
    with Library([folder], cache_dir=tmp_path / "cache") as library:
        library.refresh()
        loaded = read_article(library, str(folder / "a.md"), None)
        assert loaded.article.title == "Linking" and loaded.in_library == {"https://x.example/b"} and loaded.problems == []
        (folder / "a.md").unlink()
        gone = read_article(library, str(folder / "a.md"), None)
        assert gone.article is None and gone.problems


def test_a_refresh_reports_its_progress_and_its_end(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    for n in range(5):
        write(folder, f"{n}.md", article(f"Story {n}"))
    posted: list = []
    with Library([folder], cache_dir=tmp_path / "cache") as library:
        refresh_index(library, None, posted.append, never)
        assert isinstance(posted[-1], IndexRefreshed) and posted[-1].changed and not posted[-1].cancelled
        assert all(isinstance(m, IndexProgress) for m in posted[:-1])
        posted.clear()
        refresh_index(library, None, posted.append, never)
        assert posted[-1] == IndexRefreshed(changed=False)  # nothing new
        posted.clear()
        refresh_index(library, "it was damaged", posted.append, never)  # a rebuild
        assert posted[-1].changed and library.article_count() == 5


def test_a_cancelled_refresh_stops_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    for n in range(50):
        write(folder, f"d{n % 5}/{n}.md", article(f"Story {n}"))
    posted: list = []
    with Library([folder], cache_dir=tmp_path / "cache") as library:
        library.refresh()
        write(folder, "d0/new.md", article("New"))
        refresh_index(library, None, posted.append, lambda: True)  # stopped at its first check
        assert posted[-1].cancelled
        assert library.article_count() == 50  # the new file waits for the next refresh
        refresh_index(library, None, posted.append, never)
        assert library.article_count() == 51


def test_a_refresh_that_fails_says_why(tmp_path: Path, monkeypatch) -> None:
    posted: list = []
    with Library([tmp_path], cache_dir=tmp_path / "cache") as library:
        monkeypatch.setattr(library, "refresh", lambda **kwargs: 1 / 0)
        refresh_index(library, None, posted.append, never)
    assert posted == [IndexRefreshed(error="The library could not be refreshed: division by zero")]


def test_state_writes_hand_back_what_they_did(library, tmp_path: Path) -> None:
    with State(tmp_path / "state.sqlite3") as state:
        library.state_path = state.path
        changed = set_marks(7, "https://x.example/a", Marks(), Marks(read=True, starred=True), state)
        assert changed == MarksChanged({7: Marks(read=True, starred=True)})
        assert set_marks(7, "https://x.example/a", Marks(read=True, starred=True), Marks(starred=True), state).marks == {7: Marks(starred=True)}
        everything = mark_all_read(library, parse_query("zebra"), state)
        assert everything == MarksChanged(everything=6)
        assert mark_all_read(library, array("q", library.ids()), state).everything == 6  # the other six
        assert save_search("z", "zebra", state) == SearchSaved("z", "zebra")
    closed = set_marks(7, "https://x.example/a", Marks(starred=True), Marks(), state)  # the file closed: an error, the old marks
    assert closed.marks == {7: Marks(starred=True)} and "closed" in closed.error
