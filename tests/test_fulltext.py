"""The full text end to end (issue 13): pages served from a local server,
fetched by `reader show --full`, `reader fetch` and F in the app, cached,
searched, and shown offline."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from werkzeug import Response

from conftest import article, write
from helpers_app import build, pane, pane_text, press, settle, wait_until
from reader.cli import main
from reader.query import parse_query
from reader.store import Library

STORY = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title} - The Daily Example</title></head>
<body>
<nav><a href="/">Home</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
<article>
<h1>{title}</h1>
<p>The first airship to carry passengers across the bay in eighty years landed on Tuesday,
its crew said, after a crossing that took a little under four hours in calm weather.</p>
<p>Engineers from the harbour authority said the zeppelin used a hydrogen cell that can be
refilled at the pier, and that three more crossings are planned before the end of the month.</p>
<p>Residents gathered on the sea wall to watch it come in. "We have not seen anything like it
since our grandparents' time," said one, who brought a folding chair and a flask of tea.</p>
<p>The operator plans a regular service next spring if the trial flights go as well as this one,
with tickets priced close to those of the ferry that runs the same route today.</p>
</article>
<footer>Copyright The Daily Example. All rights reserved. Cookie settings.</footer>
</body></html>
"""


def page(title: str = "Airship crosses the bay") -> str:
    return STORY.format(title=title)


@pytest.fixture
def library(tmp_path: Path, httpserver) -> Path:
    """Three cards with no body whose links are pages of the local server, and one with a body."""
    folder = tmp_path / "news"
    write(folder, "a.md", article("Airship card", quality=80, webUrl=httpserver.url_for("/airship")))
    write(folder, "b.md", article("Harbour card", quality=70, webUrl=httpserver.url_for("/harbour")))
    write(folder, "c.md", article("Broken card", quality=60, webUrl=httpserver.url_for("/gone")))
    write(folder, "d.md", article("Has a body", quality=50, webUrl=httpserver.url_for("/body"), body="A body of its own."))
    httpserver.expect_request("/airship").respond_with_data(page(), content_type="text/html; charset=utf-8")
    httpserver.expect_request("/harbour").respond_with_data(page("Harbour opens a new pier"), content_type="text/html")
    httpserver.expect_request("/gone").respond_with_data("not here", status=404)
    return folder


def held_page(httpserver, path: str) -> threading.Event:
    """Serve ``path`` only once the event returned is set (at most 5 s)."""
    released = threading.Event()

    def slow(request):
        released.wait(5)
        return Response(page(), content_type="text/html")

    httpserver.expect_request(path).respond_with_handler(slow)
    return released


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def requests_to(httpserver, path: str) -> int:
    return sum(1 for request, _ in httpserver.log if request.path == path)


def test_show_full_prints_the_page_text_then_reads_it_from_the_cache(capsys, library: Path, httpserver) -> None:
    code, out, err = run(capsys, "show", library / "a.md", "--full")
    assert code == 0, err
    assert "Full text from" in out and "fetched" in out
    assert "hydrogen cell that can be refilled at the pier" in " ".join(out.split())
    assert "Cookie settings" not in out and "Weather" not in out  # no menu, no footer
    code, out, err = run(capsys, "show", library / "a.md", "--full", "--format", "json")
    assert code == 0, err
    item = json.loads(out)
    assert "zeppelin" in item["full_text"] and item["full_text_source"]["url"].endswith("/airship")
    assert item["full_text_source"]["fetched_at"].endswith("Z")
    assert requests_to(httpserver, "/airship") == 1  # the second came from the cache, offline


def test_show_full_of_a_page_that_is_gone_exits_1_with_one_line(capsys, library: Path) -> None:
    code, out, err = run(capsys, "show", library / "c.md", "--full")
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "404" in err and "Traceback" not in err


def test_fetch_gets_every_card_with_no_body_and_the_text_is_searched(capsys, library: Path, httpserver) -> None:
    code, out, err = run(capsys, "fetch", library)
    assert code == 1  # one page is gone
    assert "2 fetched, 0 cached already, 1 failed" in out
    assert "/gone" in err and "404" in err
    assert requests_to(httpserver, "/body") == 0  # it has a body: not fetched
    code, out, _ = run(capsys, "list", library, "zeppelin", "--format", "jsonl")
    assert sorted(json.loads(line)["title"] for line in out.splitlines()) == ["Airship card", "Harbour card"]
    code, out, _ = run(capsys, "list", library, "-has:fulltext", "--format", "jsonl")
    assert sorted(json.loads(line)["title"] for line in out.splitlines()) == ["Broken card", "Has a body"]
    # Again: the cached ones are not asked for.
    code, out, _ = run(capsys, "fetch", library, "card")
    assert "0 fetched, 2 cached already, 1 failed" in out
    assert requests_to(httpserver, "/airship") == 1


@pytest.fixture
def threaded_server():
    from pytest_httpserver import HTTPServer

    server = HTTPServer(threaded=True)  # requests answered at once, each on a thread of its own
    server.start()
    yield server
    server.clear()
    server.stop()


def test_fetch_keeps_to_two_requests_a_site(capsys, tmp_path: Path, threaded_server) -> None:
    httpserver = threaded_server
    folder = tmp_path / "many"
    for n in range(8):
        write(folder, f"{n}.md", article(f"Card {n}", webUrl=httpserver.url_for(f"/p{n}")))
    lock, now, most = threading.Lock(), [0], [0]

    def slow(request):
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        time.sleep(0.15)
        with lock:
            now[0] -= 1
        return Response(page(f"Page {request.path}"), content_type="text/html")

    for n in range(8):
        httpserver.expect_request(f"/p{n}").respond_with_handler(slow)
    code, out, err = run(capsys, "fetch", folder, "--jobs", "8")
    assert code == 0, err
    assert "8 fetched" in out
    assert most[0] == 2  # one site: two at a time, never more


async def test_F_fetches_the_full_text_into_the_pane_and_it_is_searched(library: Path, tmp_path: Path, httpserver) -> None:
    app = build(library, tmp_path, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert pane(app).row.title == "Airship card"
        assert "zeppelin" not in pane_text(app)
        await pilot.press("F")
        await wait_until(pilot, lambda: "hydrogen cell" in pane_text(app), what="the full text never came")
        assert "Full text from localhost · fetched just now" in pane_text(app) or "Full text from 127.0.0.1" in pane_text(app)
        await settle(pilot)
        assert [row.title for row in app.library.search(parse_query("zeppelin"))] == ["Airship card"]
        await press(pilot, "j", "k")  # shown again: from the cache, no request
        assert "hydrogen cell" in pane_text(app)
        assert requests_to(httpserver, "/airship") == 1


async def test_F_on_a_page_that_is_gone_says_why_and_keeps_the_card(library: Path, tmp_path: Path, notices) -> None:
    app = build(library, tmp_path, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "j", "j")
        assert pane(app).row.title == "Broken card"
        await pilot.press("F")
        await wait_until(pilot, lambda: any("404" in n.message for n in notices), what="no notice")
        assert "404" in pane_text(app) and app.is_running


async def test_escape_stops_a_slow_fetch(tmp_path: Path, httpserver) -> None:
    folder = tmp_path / "news"
    write(folder, "a.md", article("Slow card", webUrl=httpserver.url_for("/slow")))
    released = held_page(httpserver, "/slow")
    app = build(folder, tmp_path, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await wait_until(pilot, lambda: "Fetching the full text" in pane_text(app))
        await pilot.press("j", "k")  # the list stays quick meanwhile
        await pilot.press("escape")
        await wait_until(pilot, lambda: "Stopped" in pane_text(app))
        released.set()
        await settle(pilot)
        assert "Full text from" not in pane_text(app)


async def test_auto_fetches_an_article_that_stays_shown_never_one_passed_over(library: Path, tmp_path: Path, httpserver) -> None:
    from reader.config import Config

    app = build(library, tmp_path, watch=False, config=Config(full_text="auto"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)  # the first card stays shown
        await wait_until(pilot, lambda: "hydrogen cell" in pane_text(app), what="auto never fetched it")
        await pilot.press("j", "j", "j")  # passed over the next two quickly, onto the one with a body
        await settle(pilot)
        await pilot.pause(0.8)
        await settle(pilot)
        assert requests_to(httpserver, "/harbour") == 0 and requests_to(httpserver, "/gone") == 0
        assert requests_to(httpserver, "/body") == 0  # it has a body of its own


async def test_key_mode_fetches_nothing_by_itself(library: Path, tmp_path: Path, httpserver) -> None:
    app = build(library, tmp_path, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(0.8)
        await settle(pilot)
        assert len(httpserver.log) == 0


async def test_F_again_on_a_cached_article_revalidates_it(tmp_path: Path, httpserver) -> None:
    folder = tmp_path / "news"
    write(folder, "a.md", article("Card", webUrl=httpserver.url_for("/etag")))
    asked: list[str | None] = []

    def tagged(request):
        asked.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(page(), content_type="text/html", headers={"ETag": '"v1"'})

    httpserver.expect_request("/etag").respond_with_handler(tagged)
    app = build(folder, tmp_path, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await wait_until(pilot, lambda: "Full text from" in pane_text(app))
        await settle(pilot)
        await pilot.press("F")  # again: a conditional request, answered "not modified"
        await wait_until(pilot, lambda: len(asked) == 2)
        await settle(pilot)
        assert asked == [None, '"v1"']
        assert "hydrogen cell" in pane_text(app)  # the cached text, kept


def test_a_card_changed_after_its_fetch_keeps_its_full_text_searched(capsys, library: Path, httpserver) -> None:
    run(capsys, "fetch", library)
    write(library, "a.md", article("Airship card, edited", quality=80, webUrl=httpserver.url_for("/airship")))
    code, out, _ = run(capsys, "list", library, "hydrogen", "has:fulltext", "--format", "jsonl")  # (indexes the change)
    assert "Airship card, edited" in [json.loads(line)["title"] for line in out.splitlines()]


# -- found in review ------------------------------------------------------------------------


async def test_F_during_a_refresh_shows_the_text_at_once(library: Path, tmp_path: Path) -> None:
    app = build(library, tmp_path, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        with app.library._write_lock:  # a refresh under way holds it (a big library's first one)
            await pilot.press("F")
            await wait_until(pilot, lambda: "Full text from" in pane_text(app), what="the text waited for the refresh")
        await settle(pilot)
        assert [row.title for row in app.library.search(parse_query("zeppelin"))] == ["Airship card"]  # indexed after


async def test_escape_on_another_article_goes_back_and_the_fetch_carries_on(tmp_path: Path, httpserver) -> None:
    folder = tmp_path / "news"
    write(folder, "a.md", article("Slow card", quality=90, webUrl=httpserver.url_for("/slow")))
    write(folder, "b.md", article("Other card", quality=80, webUrl=httpserver.url_for("/other")))
    released = held_page(httpserver, "/slow")
    app = build(folder, tmp_path, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await wait_until(pilot, lambda: "Fetching the full text" in pane_text(app))
        await press(pilot, "j", "enter")  # reading the other one full screen
        await press(pilot, "escape")  # back to the list: not taken by the fetch
        assert not app.screen.reading
        released.set()
        await settle(pilot)
        await press(pilot, "k")  # the slow one's text came meanwhile, from the cache now
        assert "hydrogen cell" in pane_text(app)


async def test_auto_mode_says_a_failure_in_the_pane_only(library: Path, tmp_path: Path, notices) -> None:
    from reader.config import Config

    app = build(library, tmp_path, watch=False, config=Config(full_text="auto"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "j", "j")  # the card whose page is gone
        await wait_until(pilot, lambda: "404" in pane_text(app), what="auto never tried it")
        assert not any("404" in n.message for n in notices)


def test_fetch_indexes_texts_cached_by_an_earlier_fetch_of_another_library(capsys, library: Path, tmp_path: Path) -> None:
    run(capsys, "list", library)  # the library indexed first...
    run(capsys, "fetch", library / "a.md")  # ...then a fetch through a library of one file (its own index)
    code, out, _ = run(capsys, "list", library, "zeppelin", "--format", "jsonl")
    assert out == ""  # cached, not yet searched in the first one (the file did not change)
    code, out, _ = run(capsys, "fetch", library, "airship")
    assert "1 cached already" in out
    code, out, _ = run(capsys, "list", library, "zeppelin", "--format", "jsonl")
    assert [json.loads(line)["title"] for line in out.splitlines()] == ["Airship card"]


def test_a_cache_that_cannot_be_used_is_one_line(capsys, library: Path, xdg_dirs) -> None:
    (xdg_dirs["XDG_CACHE_HOME"] / "reader" / "fulltext.sqlite3").mkdir(parents=True)
    code, out, err = run(capsys, "show", library / "a.md", "--full")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "full-text cache" in err
    code, out, err = run(capsys, "fetch", library)
    assert code == 1 and "full-text cache" in err and "Traceback" not in err
