"""The main screen's slow work, done in thread workers.

Each function here asks the store (or the state file, or the files) and
hands back what it found as a message (reader.messages), through ``post``:
none of them touches a widget, so they run, and are tested, without an app.
``cancelled`` tells a function that its worker was cancelled: a newer one
has taken over, or the app is closing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

from textual.message import Message

from reader.messages import ArticleLoaded, IndexProgress, IndexRefreshed, ListCompleted, ListLoaded, SidebarCounted, StoreFailed
from reader.model import ListRow
from reader.query import Query, QueryError, parse_query
from reader.store import Library, NotIndexed, SearchInterrupted, StoreError
from reader.text import clean
from reader.view import STARRED_TERMS, UNREAD_TERMS, Choice, Saved, Starred, Unread

Post = Callable[[Message], object]
Cancelled = Callable[[], bool]

DRAWN_WAIT = 0.5  # seconds a ranked list's rest waits for its first rows to be drawn
FIRST_ROWS: int | None = None  # the best rows a ranked list shows first (None: the store's FIRST_PAGE, 200)


@dataclass(frozen=True, slots=True)
class ListRequest:
    """One load of the article list, as the screen asked for it."""

    load: int  # the screen's count of loads: only the newest one's results are shown
    query: Query
    sort: str | None
    reverse: bool
    keep: int | None = None  # the article to keep under the cursor
    keep_cursor: bool = True  # else the one under the cursor when the list comes
    held: int | None = None  # the article the first rows must hold, to keep it on its screen line
    height: int = 1  # the list's lines on screen
    counts: bool = True  # recount the sidebar after
    then_refresh: bool = False  # look at the files once the list is shown
    grouped: bool = False  # one row a story (StoryRows.heads)


def load_list(library: Library, state, request: ListRequest, post: Post, cancelled: Cancelled) -> None:
    """The request's articles: a ranked search's best rows first (shown as
    soon as they are ranked: a word in a fifth of 100k articles, 20 ms not
    30), then the rest; any other list whole. Then, if asked, the sidebar."""
    try:
        total = library.article_count()
        first = library.first(
            request.query, sort=request.sort, reverse=request.reverse, prefix_last=True, limit=FIRST_ROWS, keep=request.held
        )
        part = first is not None and len(first[0]) < first[1]
        held = request.held
        if part and held is not None and held in first[0] and first[0].index(held) + request.height > len(first[0]):
            # The article kept under the cursor lies too far down for the
            # first rows to fill the screen below it: the whole list.
            first, part = None, False
        def one_a_story(ids):
            # A search ranked by relevance: a story's row is its best match
            # (the first listed), so the first rows' stories stay where the
            # whole list puts them. Any other order: its best-ranked member.
            return library.story_rows.heads(ids, first_listed=first is not None) if request.grouped else ids

        if first is not None and request.grouped:
            first = (one_a_story(first[0]), first[1])
        if part:
            if cancelled():
                return
            drawn = threading.Event()
            post(ListLoaded(request.load, first[0], total, request.keep, request.keep_cursor, first[1], drawn, request.then_refresh))
            # The rest once that screen is drawn: ranking on the other core
            # meanwhile slows the drawing down (2-3x, measured).
            drawn.wait(DRAWN_WAIT)
            if cancelled():
                return
            ids = one_a_story(library.ids(request.query, sort=request.sort, reverse=request.reverse, prefix_last=True))
        elif first is not None:
            ids = first[0]
        else:
            ids = library.ids(request.query, sort=request.sort, reverse=request.reverse, prefix_last=True, grouped=request.grouped)
    except NotIndexed as exc:
        post(StoreFailed(exc))  # a refresh is building the index: it loads the list when done
        return
    except SearchInterrupted:
        return  # a newer list took over
    except StoreError as exc:
        post(StoreFailed(exc))
        return
    if cancelled():
        return
    if part:
        post(ListCompleted(request.load, ids))
    else:
        post(ListLoaded(request.load, ids, total, request.keep, request.keep_cursor, None, None, request.then_refresh))
    if request.counts:
        count_sidebar(library, state, post, cancelled, total)


def count_sidebar(library: Library, state, post: Post, cancelled: Cancelled, total: int | None = None) -> None:
    """The sidebar's counts: topics; with a state file also the unread
    counts, Unread, Starred and the saved searches, all in one message (the
    entries must not shift under the cursor). A failure leaves the counts
    as they were."""
    from reader.state import StateError

    try:
        if total is None:
            total = library.article_count()
        topics = library.topics(with_quality=False)
        if cancelled():
            return
        if state is None:
            post(SidebarCounted(total, topics))
            return
        unread_query = Query(terms=UNREAD_TERMS)
        unread = {name.casefold(): n for name, n, _ in library.topics(unread_query)}
        views: list[tuple[Choice, int]] = [
            (Unread(), library.count(unread_query)),
            (Starred(), library.count(Query(terms=STARRED_TERMS))),
        ]
        try:
            searches = state.searches()
        except StateError:
            searches = []
        for name, text in searches:
            try:
                views.append((Saved(name, text), library.count(parse_query(text))))
            except QueryError:
                continue
    except StoreError:
        return
    if not cancelled():
        post(SidebarCounted(total, topics, unread, views))


def read_article(library: Library, path: str, row: ListRow | None, full_texts=None) -> ArticleLoaded:
    """The file at ``path``, parsed, with which of its related links are
    articles in the library, and its page's full text when the cache has it
    (``full_texts``: reader.fulltext.service.LazyFullTexts; no request)."""
    from reader.parse import parse_file

    article, problems = parse_file(path)
    urls = [r.url for r in article.related if r.url] if article else []
    try:
        in_library = set(library.by_url(urls)) if urls else set()
    except StoreError:
        in_library = set()  # the links are shown all the same, unmarked
    full = None
    if article is not None and article.url and full_texts is not None:
        try:
            full = full_texts.cached(article.url)
        except Exception:  # noqa: BLE001 - a cache of our own: the article shows without it
            full = None
    return ArticleLoaded(path, row, article, in_library, [p.format() for p in problems], full)


def refresh_index(library: Library, rebuild: str | None, post: Post, cancelled: Cancelled) -> None:
    """Bring the index up to date with the files, reporting progress; with
    ``rebuild`` (why the cache is no good), the cache is dropped first. A
    cancelled refresh stops between batches."""

    def progress(done: int, total: int) -> None:
        post(IndexProgress(done, total))

    try:
        if rebuild is not None:
            library.forget_cache(rebuild)
        stats = library.refresh(progress=progress, cancelled=cancelled)
    except Exception as exc:  # noqa: BLE001 - reported; the app goes on with what it shows
        post(IndexRefreshed(error=f"The library could not be refreshed: {clean(str(exc) or type(exc).__name__)}"))
        return
    post(IndexRefreshed(changed=stats.changed_anything, cancelled=stats.cancelled))
