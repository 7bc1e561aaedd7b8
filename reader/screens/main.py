"""The main screen: topics, the article list and the article pane.

Wiring only: widgets post messages, this screen answers them, and all
slow work (index refresh, id lists, loading a body) runs in thread workers
that hand results back with call_from_thread.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from array import array
from dataclasses import dataclass, field

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, ProgressBar, Static
from textual.worker import get_current_worker

from reader.index import IndexBusy, Library, Row
from reader.links import refusal
from reader.model import Article
from reader.query import Query, Term
from reader.sqlite import sqlite3
from reader.text import clean
from reader.widgets.article_list import ArticleList
from reader.widgets.article_view import ArticleView, RelatedList
from reader.widgets.search import SearchBar, SearchInput
from reader.widgets.topics import SEARCH, STARRED, UNREAD, TopicList

PANE_DELAY = 0.06  # seconds the cursor rests before the article pane follows it
# While a search is typed the pane waits for a pause in the typing: laying it
# out between two keys would hold up the list's update for the next one.
TYPING_PANE_DELAY = 0.4
NARROW = 110  # below this width the panes stack and the sidebar folds away
TINY_WIDTH, TINY_HEIGHT = 50, 14  # below either, only the list shows


@dataclass
class Place:
    """An article shown in the pane, for the back history."""

    path: str
    row: Row | None


@dataclass
class View:
    topic: str | None = None
    search: Query = field(default_factory=Query)  # the search bar's last good query
    sort: str | None = None  # None: quality, or relevance when the search has words
    reverse: bool = False
    # Quick filters (no typing): a minimum quality, unpublished hidden, one provider.
    min_quality: float | None = None
    hide_unpublished: bool = False
    provider: str | None = None
    history: list[Place] = field(default_factory=list)


_FROZEN = False


def _settle_memory() -> None:
    """What the app made while starting lives as long as it does: keep it out
    of the collector's full passes, which otherwise stall a frame by 35-70 ms
    while the user types. Once a process (a second app in the same process,
    as in the tests, would freeze the first one's garbage for good)."""
    global _FROZEN
    if not _FROZEN:
        _FROZEN = True
        gc.freeze()


class MainScreen(Screen):
    ESCAPE_TO_MINIMIZE = False  # escape is "back": through the history first
    BINDINGS = [
        Binding("o", "open_link", "Open", id="open", tooltip="Open the article's link in the browser"),
        Binding("y", "copy_link", "Copy link", id="copy", tooltip="Copy the article's link", show=False),
        Binding("i", "raw", "Raw", id="raw", tooltip="Show every field of the article's front matter", show=False),
        Binding("t", "toggle_topics", "Topics", id="topics", tooltip="Show or hide the topic list"),
        # A priority binding runs while the app reads its keys, before it hands
        # the next ones on: keys typed in a burst after `/` reach the search bar.
        Binding("slash", "search", "Search", id="search", tooltip="Search with the query language", priority=True),
        Binding("m", "toggle_read", "Unread", id="mark.read", tooltip="Mark the article read or unread"),
        Binding("f", "toggle_star", "Star", id="mark.star", tooltip="Star or unstar the article"),
        Binding("plus,equals_sign", "quality_step(10)", "Quality +10", id="filter.quality_up", tooltip="Raise the minimum quality by 10", show=False),
        Binding("minus", "quality_step(-10)", "Quality -10", id="filter.quality_down", tooltip="Lower the minimum quality by 10", show=False),
        Binding("u", "toggle_unpublished", "Hide unpublished", id="filter.unpublished", tooltip="Hide or show unpublished articles", show=False),
        Binding("p", "choose_provider", "Provider", id="filter.provider", tooltip="Show only one provider's articles", show=False),
        Binding("x", "clear_filters", "Clear filters", id="filter.clear", tooltip="Clear the quick filters", show=False),
        Binding("A", "mark_all_read", "Mark all read", id="mark.all", tooltip="Mark every article in this view read", show=False),
        Binding("w", "save_search", "Save search", id="search.save", tooltip="Save the current search under a name", show=False),
        Binding("n", "next_unread(1)", "Next unread", id="next_unread", tooltip="Next unread article", show=False),
        Binding("N", "next_unread(-1)", "Previous unread", id="previous_unread", tooltip="Previous unread article", show=False),
        Binding("s", "cycle_sort", "Sort", id="sort", tooltip="Sort by quality, date, heat, title"),
        Binding("S", "reverse_sort", "Reverse", id="sort.reverse", tooltip="Reverse the sort", show=False),
        Binding("escape,backspace", "back", "Back", id="back", tooltip="Back to the previous article, or to the list"),
        *[
            Binding(str(n), f"follow({n})", f"Related {n}", id=f"related.{n}", tooltip=f"Follow related link {n}", show=False)
            for n in range(1, 10)
        ],
    ]

    def __init__(self, library: Library, watch_files: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.watch_files = watch_files
        self.library = library
        self.view = View()
        self._last_reload = 0.0
        self._indexing = False
        self._article_timer = None
        self._refresh_after_ids = False
        self._loads = 0  # list loads started: the rest of a list is taken only from the newest
        self._wanted: str | None = None  # the file the pane should show
        self._pending: Row | None = None  # the row the pane shows once the cursor rests
        self._bindings_had: bool | None = None
        # what the newest list load runs (Library.plan), None when unknown or failed
        self._requested_plan: tuple[str, tuple] | None = None
        self._user_marked: set[int] = set()  # rows marked by hand since the pane last showed them
        self._last_failure: tuple[str, int] | None = None  # the last list error shown, and when (5 s slots)
        self._loading = False
        self.watcher = None
        self._recount = None
        self._rebuilding = False
        self._missing_roots: set[str] = set()  # library folders last found missing

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield TopicList(id="topics")
            with Vertical(id="list-pane"):
                yield SearchBar(self._search_changed, self.app_history, id="search")
                yield Static(id="list-header")
                yield ProgressBar(id="progress", show_eta=False)
                yield ArticleList(self.rows_with_marks, now=getattr(self.app, "now", None), id="articles")
            yield ArticleView(id="article")
        yield Footer()

    # read and starred --------------------------------------------------------------

    @property
    def state(self):
        return getattr(self.app, "state", None)

    def key(self, row: Row) -> str:
        from reader.state import identity

        return identity(row.url, row.path, self.library.roots)

    def rows_with_marks(self, ids: list[int]) -> list[Row]:
        """Rows from the index, with the user's marks from the state file."""
        try:
            rows = self.library.rows(ids)
        except sqlite3.Error as exc:
            self._cache_failed(exc)
            return []
        state = self.state
        if state is not None and rows:
            from reader.state import StateError

            keys = {row.id: self.key(row) for row in rows}
            try:
                read = state.read_keys(keys.values())
                starred = state.starred_keys(keys.values())
            except StateError:
                return rows
            for row in rows:
                row.read = keys[row.id] in read
                row.starred = keys[row.id] in starred
        return rows

    def _change_mark(self, row: Row | None, change) -> None:
        from reader.state import StateError

        if row is None:
            return
        if self.state is None:
            self.notify("Marks cannot be kept: there is no state file.", severity="warning")
            return
        try:
            change(self.state, self.key(row))
        except StateError as exc:
            self.notify(clean(str(exc)), severity="error")
            return
        fresh = self.rows_with_marks([row.id])
        if fresh:
            row.read, row.starred = fresh[0].read, fresh[0].starred
            self.query_one(ArticleList).refresh_row(row)
        self._sidebar_timer()

    def _sidebar_timer(self) -> None:
        """Recount the sidebar a moment after the last change of marks."""
        if self._recount is not None:
            self._recount.stop()
        self._recount = self.set_timer(0.5, self.refresh_sidebar)

    def _marked_row(self) -> Row | None:
        self._flush_pane()
        view = self.query_one(ArticleView)
        if view.row is not None:
            return view.row
        return self.query_one(ArticleList).current_row

    def action_toggle_read(self) -> None:
        row = self._marked_row()
        if row is not None:
            # the user's word on this row wins over mark-read-on-open, should
            # the row's body arrive after the key
            self._user_marked.add(row.id)
        self._change_mark(row, lambda state, key: state.toggle_read(key))

    def action_toggle_star(self) -> None:
        self._change_mark(self._marked_row(), lambda state, key: state.toggle_starred(key))

    def action_next_unread(self, step: int = 1) -> None:
        """Move to the next (step 1) or previous (step -1) unread article in the list."""
        articles = self.query_one(ArticleList)
        ids = articles.ids
        index = articles.cursor + step
        while 0 <= index < len(ids):
            window = list(ids[index : index + 200]) if step > 0 else list(ids[max(0, index - 199) : index + 1])[::-1]
            for offset, row in enumerate(self._ordered(window)):
                if not row.read:
                    articles.move_to(index + offset * step)
                    return
            index += step * len(window)
        if step > 0 and not articles.complete:
            self.notify("The rest of the list is still being ranked.", timeout=2)
            return
        self.notify("No more unread articles this way.", timeout=2)

    def action_mark_all_read(self) -> None:
        from reader.screens.ask import Confirm

        count = self.query_one(ArticleList).count
        if not count or self.state is None:
            return

        asked = self.current_query()

        def answered(yes: bool | None) -> None:
            if yes:
                articles = self.query_one(ArticleList)
                self._mark_all(array("q", articles.ids) if articles.complete else asked)

        self.app.push_screen(Confirm(f"Mark all {count:,} articles in “{self.view_label()}” read?"), answered)

    @work(thread=True, group="marks")
    def _mark_all(self, ids: array | Query) -> None:
        """Mark these articles read (or those of a view's query, when the
        list was not all there yet)."""
        from reader.state import StateError

        try:
            if isinstance(ids, Query):
                # By quality, not ranked: on the main connection, which a new
                # search does not interrupt (the search connection it does).
                ids = array("q", [row.id for row in self.library.search(ids, sort="quality", prefix_last=True)])
            changed = self.state.mark_read(self.library.idents(ids))
        except (StateError, sqlite3.Error) as exc:
            self.app.call_from_thread(self.notify, clean(str(exc)), severity="error")
            return
        self.app.call_from_thread(self._after_marking_all, changed)

    def _after_marking_all(self, changed: int) -> None:
        self.query_one(ArticleList).forget_rows()
        self.notify(f"Marked {changed:,} articles read.", timeout=3)
        self.refresh_sidebar()

    def action_save_search(self) -> None:
        from reader.screens.ask import AskName
        from reader.state import StateError

        text = self.current_query().text.strip() if self.view.search.text else ""
        if not text or self.state is None:
            self.notify("Search first (/), then save the search with w.", severity="warning")
            return

        def named(name: str | None) -> None:
            if not name:
                return
            try:
                self.state.save_search(name, text)
            except StateError as exc:
                self.notify(clean(str(exc)), severity="error")
                return
            self.notify(f"Saved “{clean(name)}”: {clean(text)}", timeout=3)
            self.refresh_sidebar()

        self.app.push_screen(AskName("Save this search as:"), named)

    def _ordered(self, ids: list[int]) -> list[Row]:
        by_id = {row.id: row for row in self.rows_with_marks(ids)}
        return [by_id[i] for i in ids if i in by_id]

    @property
    def app_history(self):
        """Earlier queries (and a place to add new ones), kept between runs when there is a state file."""
        return getattr(self.app, "query_history", None)

    def on_mount(self) -> None:
        self.query_one("#progress").display = False
        view = self.query_one(ArticleView)
        view.now = getattr(self.app, "now", None)
        self.query_one(ArticleList).focus()
        self._layout(self.size.width, self.size.height)
        self._header()
        if self.library.open_cached():
            # Show what the cache holds first; look at the files once that is on screen.
            self._refresh_after_ids = True
            self.load_ids()
        else:
            self.query_one(ArticleList).empty_text = "Indexing articles…"
            self.refresh_index()

    def on_resize(self, event) -> None:
        self._layout(event.size.width, event.size.height)

    def _layout(self, width: int, height: int) -> None:
        self.set_class(width < NARROW, "-narrow")
        self.set_class(width < TINY_WIDTH or height < TINY_HEIGHT, "-tiny")

    # loading ------------------------------------------------------------------

    def current_query(self) -> Query:
        """The sidebar's choice, the search bar's query and the quick filters,
        with the config's defaults."""
        query = self._chosen_query()
        filters = self._filter_terms()
        if filters:
            query = Query(text=query.text, terms=(*query.terms, *filters), sort=query.sort)
        config = getattr(self.app, "config", None)
        if config is None:
            return query
        from reader.config import apply_config

        return apply_config(query, config)

    def _chosen_query(self) -> Query:
        search = self.view.search
        chosen = self.view.topic
        if chosen is None:
            return search
        sort = search.sort
        if chosen == UNREAD:
            terms: tuple[Term, ...] = (Term("is", "unread"),)
        elif chosen == STARRED:
            terms = (Term("is", "starred"),)
        elif isinstance(chosen, tuple) and chosen[0] == SEARCH:
            from reader.query import QueryError, parse_query

            try:
                saved = parse_query(chosen[2])
            except QueryError:
                saved = Query()
            terms, sort = saved.terms, sort or saved.sort
        else:
            terms = (Term("topic", chosen),)
        return Query(text=search.text, terms=(*terms, *search.terms), sort=sort)

    def view_label(self) -> str:
        chosen = self.view.topic
        if chosen is None:
            return "All"
        if chosen == UNREAD:
            return "Unread"
        if chosen == STARRED:
            return "Starred"
        if isinstance(chosen, tuple):
            return f"⌕ {clean(chosen[1])}"
        return clean(str(chosen))

    def load_ids(self, keep: int | None = None, counts: bool = True) -> None:
        """Show the current view's articles (and, with ``counts``, recount the sidebar).

        A query still running for an earlier view is interrupted: while
        typing a search, only the newest query matters.
        """
        self.library.interrupt()
        query, sort, reverse = self.current_query(), self.view.sort, self.view.reverse
        self._requested_plan = self._plan(query, sort, reverse)
        # The article _show_ids will keep under the cursor, and the lines it
        # needs below it: the first rows of a ranked list must hold them.
        articles = self.query_one(ArticleList)
        held = keep
        if held is None and articles.count and not self.view.history and articles.cursor < len(articles.ids):
            held = articles.ids[articles.cursor]
        self._loads += 1
        self._load_ids(keep, counts, query, sort, reverse, held, max(1, articles.size.height), self._loads)

    def _plan(self, query: Query, sort: str | None, reverse: bool) -> tuple[str, tuple] | None:
        return self.library.plan(query, sort, reverse, prefix_last=True)

    @work(thread=True, exclusive=True, group="ids")
    def _load_ids(
        self,
        keep: int | None,
        counts: bool,
        query: Query,
        sort: str | None,
        reverse: bool,
        held: int | None,
        height: int,
        load: int,
    ) -> None:
        try:
            total = self.library.article_count()
            # A search ranked by relevance shows its first screen as soon as
            # that is ranked (a word in a fifth of 100k articles: 20 ms, not
            # 30), the rest follows; unless the article under the cursor
            # (kept there) lies further down: then the list comes whole.
            first = self.library.first(query, sort, reverse, prefix_last=True, keep=held)
            part = first is not None and len(first[0]) < first[1]
            if part and held is not None and held in first[0] and first[0].index(held) + height > len(first[0]):
                first, part = None, False
            if part:
                if get_current_worker().is_cancelled:
                    return
                drawn = threading.Event()
                self.app.call_from_thread(self._show_ids, first[0], keep, total, first[1], drawn)
                # The rest once that screen is drawn: ranking on the other
                # core meanwhile slows the drawing down (2-3x, measured).
                drawn.wait(0.5)
                if get_current_worker().is_cancelled:
                    return
            ids = first[0] if first is not None and not part else self.library.ids(query, sort, reverse, prefix_last=True)
        except sqlite3.Error as exc:
            if "interrupt" in str(exc):
                return  # a newer view took over
            self.app.call_from_thread(self._cache_failed, exc)
            return
        if get_current_worker().is_cancelled:
            return
        if part:
            self.app.call_from_thread(self._finish_ids, ids, load)
        else:
            self.app.call_from_thread(self._show_ids, ids, keep, total)
        if counts:
            try:
                self._sidebar(total)
            except sqlite3.Error:
                pass  # the counts stay as they were; the list itself is shown

    @work(thread=True, exclusive=True, group="sidebar")
    def refresh_sidebar(self) -> None:
        """Counts again (after marks changed)."""
        try:
            self._sidebar(self.library.article_count())
        except sqlite3.Error:
            pass  # the counts stay as they were

    def _sidebar(self, total: int) -> None:
        """Topic counts, then unread counts and the saved searches (from the state file)."""
        topics = self.library.topics(with_quality=False)
        if get_current_worker().is_cancelled:
            return
        sidebar = self.query_one(TopicList)
        if self.state is None:
            self.app.call_from_thread(sidebar.set_topics, total, topics)
            return
        # With a state file, everything at once: entries must not shift under the cursor.
        from reader.query import QueryError, parse_query
        from reader.state import StateError

        unread_query = Query(terms=(Term("is", "unread"),))
        unread = {name.casefold(): n for name, n, _ in self.library.topics(unread_query)}
        views: list[tuple[object, str, int]] = [
            (UNREAD, "Unread", self.library.count(unread_query)),
            (STARRED, "Starred", self.library.count(Query(terms=(Term("is", "starred"),)))),
        ]
        try:
            searches = self.state.searches()
        except StateError:
            searches = []
        for name, text in searches:
            try:
                count = self.library.count(parse_query(text))
            except QueryError:
                continue
            views.append(((SEARCH, name, text), f"⌕ {clean(name)}", count))
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(sidebar.set_topics, total, topics, unread, views)

    def _show_ids(
        self, ids: array, keep: int | None, total: int, length: int | None = None, drawn: threading.Event | None = None
    ) -> None:
        articles = self.query_one(ArticleList)
        if keep is None and articles.count and not self.view.history:
            row = articles.current_row
            keep = row.id if row else None
        articles.empty_text = "Indexing articles…" if self._indexing else "No articles here."
        articles.set_ids(ids, keep, length)
        self._header()
        if drawn is not None:
            self.call_after_refresh(drawn.set)
        if self._refresh_after_ids:
            self._refresh_after_ids = False
            self.call_after_refresh(self.refresh_index)

    def _finish_ids(self, ids: array, load: int) -> None:
        """The rest of a list whose first screen is shown, unless a newer
        load has begun since (its list, or its first screen, comes next)."""
        articles = self.query_one(ArticleList)
        if load == self._loads and articles.finish(ids):
            self._header()

    def _header(self) -> None:
        articles = self.query_one(ArticleList)
        text = Text()
        text.append(self.view_label(), style="bold")
        sort = self.view.sort or self.current_query().sort
        if sort == "quality" and not self.view.search.has_text_search:
            sort = None
        if sort is None:
            order = "best match first" if self.view.search.has_text_search else "best first"
            if self.view.reverse:
                order = "worst match first" if self.view.search.has_text_search else "lowest quality first"
        else:
            first = {"quality": ("best first", "lowest quality first"), "date": ("newest first", "oldest first"),
                     "heat": ("hottest first", "coolest first"), "title": ("by title, A→Z", "by title, Z→A")}[sort]
            order = first[1] if self.view.reverse else first[0]
        text.append(f" · {articles.count:,} · {order}", style="dim")
        if self.view.search.text:
            text.append("  /", style="bold")
            text.append(clean(self.view.search.text))
        filters = self.filters_text()
        if filters:
            text.append(f"  [{filters}; x clears]", style="yellow")
        if self._indexing:
            text.append("  · indexing…", style="italic")
        self.query_one("#list-header", Static).update(text, layout=False)  # one line, fixed size

    def _cache_failed(self, exc: Exception) -> None:
        """A query failed. A damaged cache is dropped and built again (the list
        empty meanwhile, so nothing asks it for rows); anything else is shown."""
        self._requested_plan = None  # the list is not what was asked for: the next key loads
        if isinstance(exc, IndexBusy):
            return  # the refresh building the index loads the list when it is done
        if self._rebuilding:
            return  # the damaged cache is being replaced: its other errors say nothing new
        if isinstance(exc, sqlite3.ProgrammingError):
            return  # a connection closed under a query (a refresh swapping it): the next draw reads again
        damaged = isinstance(exc, sqlite3.DatabaseError) and (
            not isinstance(exc, sqlite3.OperationalError)
            # a damaged schema page shows up as tables that are not there
            # (of the cache: the state file is attached as "st" and is not ours to drop)
            or (any(sign in str(exc) for sign in ("no such table", "no such column", "malformed")) and "st." not in str(exc))
        )
        if not damaged:
            message = f"The list could not be read: {clean(str(exc))}"
            # Rows are read while lines are drawn: one notice, not one a line.
            if (message, int(time.monotonic() // 5)) != self._last_failure:
                self._last_failure = (message, int(time.monotonic() // 5))
                self.notify(message, severity="error")
            return
        self._rebuilding = True
        articles = self.query_one(ArticleList)
        articles.empty_text = "Indexing articles…"
        articles.set_ids(array("q"), None)
        self.refresh_index(rebuild=str(exc))

    @work(thread=True, exclusive=True, group="refresh")
    def refresh_index(self, rebuild: str | None = None) -> None:
        """Bring the index up to date; on a first run, fill the list as batches land.

        With ``rebuild`` (why the cache is no good), the cache is dropped first.
        """
        self._indexing = True

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        try:
            if rebuild is not None:
                self.library.forget_cache(rebuild)
            stats = self.library.refresh(progress)
        except Exception as exc:  # noqa: BLE001 - reported; the app goes on with what it shows
            message = f"The library could not be refreshed: {clean(str(exc) or type(exc).__name__)}"
            self.app.call_from_thread(self.notify, message, severity="error", timeout=10)
            self.app.call_from_thread(self._progress_done)
            return
        finally:
            if not get_current_worker().is_cancelled:  # a newer refresh owns the flags now
                self._indexing = False
                self._rebuilding = False
        self.app.call_from_thread(self._report_roots)
        if stats.parsed or stats.removed or stats.cold:
            self.app.call_from_thread(self._after_refresh)
        else:
            self.app.call_from_thread(self._progress_done)
        if self.watch_files:
            self.app.call_from_thread(self.start_watching)

    def _report_roots(self) -> None:
        """Say when a library folder (or file) goes missing, and when it is back."""
        roots = {os.fspath(r) for r in self.library.roots}
        missing = {p.path for p in self.library.walk_problems if p.path in roots}
        for path in sorted(missing - self._missing_roots):
            reason = next(p.reason for p in self.library.walk_problems if p.path == path)
            self.notify(f"Library folder {clean(path)}: {clean(reason)}.", severity="warning", timeout=10)
        for path in sorted(self._missing_roots - missing):
            self.notify(f"The library folder {clean(path)} is back.", timeout=5)
        self._missing_roots = missing

    def _progress(self, done: int, total: int) -> None:
        bar = self.query_one("#progress", ProgressBar)
        if total >= 200 and done < total:
            bar.display = True
            bar.update(total=total, progress=done)
        now = time.monotonic()
        if done and now - self._last_reload > 1.0:
            self._last_reload = now
            self.load_ids()
        self._header()

    def start_watching(self) -> None:
        """Refresh when the library's files change (inotify, else polling)."""
        if self.watcher is not None or not self.app.is_running:
            return
        from reader.watch import Watcher

        def changed() -> None:
            try:
                self.app.call_from_thread(self.refresh_index)
            except RuntimeError:  # the app has stopped
                pass

        self.watcher = Watcher(self.library.roots, changed)
        self.watcher.start()

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    def _progress_done(self) -> None:
        self.query_one("#progress").display = False
        self._header()
        if not _FROZEN:
            self.call_after_refresh(_settle_memory)

    def _after_refresh(self) -> None:
        self._progress_done()
        self.query_one(ArticleList).forget_rows()
        self.load_ids()

    # the article pane -----------------------------------------------------------

    @on(ArticleList.Highlighted)
    def _highlighted(self, event: ArticleList.Highlighted) -> None:
        if self.screen.maximized is not None and self.view.history:
            return  # reading a linked article: the list moving under it changes nothing
        self.view.history.clear()
        view = self.query_one(ArticleView)
        if event.row is not None and event.row == view.row and view.article is not None:
            self._pending = None
            if self._article_timer is not None:
                self._article_timer.stop()
            return  # the same article, unchanged (a refresh of the list): keep the pane as it is
        if event.row is None:
            self._pending = None
            view.show_nothing("No articles here.")
            self._wanted = None
            self._bindings_changed()
            return
        # The pane follows a moment later, once the cursor (or the search
        # being typed) rests: laying the pane out again on every step would
        # slow the list down. Actions on "this article" use the pending row.
        self._pending = event.row
        self._wanted = event.row.path
        self._bindings_changed()
        if self._article_timer is not None:
            self._article_timer.stop()
        typing = isinstance(self.app.focused, SearchInput)
        self._article_timer = self.set_timer(TYPING_PANE_DELAY if typing else PANE_DELAY, self._show_pending)

    def _show_pending(self) -> None:
        """Show the row the cursor rests on in the pane, and load its file."""
        row = self._pending
        self._pending = None
        if self._article_timer is not None:
            self._article_timer.stop()
            self._article_timer = None
        view = self.query_one(ArticleView)
        if row is None or not view.children:
            return  # nothing waiting, or the app is closing
        self._user_marked.discard(row.id)  # shown anew: opening it marks it read again
        view.show_row(row)
        self.load_article(row.path, row)

    def _flush_pane(self) -> None:
        """Show the pending row now: a key that acts on "this article" must
        act on the one under the cursor, not on the one the pane still shows."""
        if self._pending is not None:
            self._show_pending()

    def _has_article(self) -> bool:
        """Whether keys that act on "this article" have one (shown or pending)."""
        view = self.query_one(ArticleView)
        return self._pending is not None or view.row is not None or view.article is not None

    def _bindings_changed(self) -> None:
        """Refresh the footer only when what the keys can act on changed
        (the footer is rebuilt on each refresh, which costs a frame)."""
        has = self._has_article()
        if has != self._bindings_had:
            self._bindings_had = has
            self.refresh_bindings()

    @on(ArticleList.Selected)
    def _selected(self, event: ArticleList.Selected) -> None:
        self.action_read()

    def action_read(self) -> None:
        self._flush_pane()
        view = self.query_one(ArticleView)
        if view.row is None and view.article is None:
            return
        if not self.has_class("-tiny"):
            self.maximize(view, container=False)
        else:
            self.set_class(True, "-reading")
        view.focus()

    def load_article(self, path: str, row: Row | None) -> None:
        """Load the article at ``path`` into the pane (off the UI thread)."""
        self._wanted = path
        self._loading = True
        self._load_article(path, row)

    @work(thread=True, exclusive=True, group="article")
    def _load_article(self, path: str, row: Row | None) -> None:
        from reader.parse import parse_file

        article, problems = parse_file(path)
        urls = [r.url for r in article.related if r.url] if article else []
        try:
            in_library = set(self.library.by_url(urls)) if urls else set()
        except sqlite3.Error:
            in_library = set()  # the links are shown all the same, unmarked
        if get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self._show_article, path, article, row, in_library, [p.format() for p in problems])

    def _show_article(self, path: str, article: Article | None, row: Row | None, in_library: set[str], problems: list[str]) -> None:
        view = self.query_one(ArticleView)
        if path != self._wanted:
            return  # the cursor has moved on since this load began
        self._loading = False
        if article is None:
            reasons = "; ".join(problems).replace(path, view.shown_path(path))
            view.show_nothing("This file can no longer be read: " + reasons)
            view.row = row
        else:
            view.show_article(article, row, in_library, problems)
            if (
                row is not None
                and not row.read
                and row.id not in self._user_marked
                and self.state is not None
                and getattr(self.app, "mark_read_on_open", True)
            ):
                self._change_mark(row, lambda state, key: state.mark_read([key]))
        self._bindings_changed()

    # links --------------------------------------------------------------------

    def _current_url(self) -> str | None:
        self._flush_pane()
        view = self.query_one(ArticleView)
        if view.article is not None:
            return view.article.url
        if view.row is not None:
            return view.row.url
        return None

    def action_open_link(self) -> None:
        self.app.open_url(self._current_url() or "")

    def action_copy_link(self) -> None:
        url = self._current_url()
        if not url:
            self.notify("This article has no link.", severity="warning")
            return
        self.app.copy_to_clipboard(url)
        self.notify(clean(url), title="Link copied")

    def action_follow(self, number: int) -> None:
        self._flush_pane()
        view = self.query_one(ArticleView)
        article = view.article
        if article is None and view.row is not None and self._loading:
            self.notify("The article is still loading.", severity="warning")
            return
        if article is None or not article.related:
            self.notify("This article has no related links.", severity="warning")
            return
        if not 1 <= number <= len(article.related):
            self.notify(f"There is no related link {number}.", severity="warning")
            return
        url = article.related[number - 1].url
        self.follow_url(url)

    def follow_url(self, url: str | None) -> None:
        """Open a related link inside reader when it is one of ours, else in the browser."""
        problem = refusal(url)
        if problem is not None:
            self.notify(problem, severity="error")
            return
        assert url is not None
        try:
            found = self.library.by_url([url]).get(url)
        except sqlite3.Error:
            found = None
        if found is None:
            self.app.open_url(url)
            return
        self.open_row(found)

    def open_row(self, row: Row) -> None:
        """Read ``row`` full screen, with the article shown now kept in the back history."""
        self._flush_pane()
        view = self.query_one(ArticleView)
        if view.article is not None:
            self.view.history.append(Place(view.article.path, view.row))
        elif view.row is not None:
            self.view.history.append(Place(view.row.path, view.row))
        self._user_marked.discard(row.id)
        view.show_row(row)
        self.load_article(row.path, row)
        self._bindings_changed()
        self.action_read()

    @on(ArticleView.Follow)
    def _follow(self, event: ArticleView.Follow) -> None:
        self.action_follow(event.number)

    def action_back(self) -> None:
        self._flush_pane()
        view = self.query_one(ArticleView)
        if self.view.history:
            place = self.view.history.pop()
            if place.row is not None:
                view.show_row(place.row)
            self.load_article(place.path, place.row)
            return
        if self.maximized is not None or self.has_class("-reading"):
            self.minimize()
            self.set_class(False, "-reading")
            articles = self.query_one(ArticleList)
            articles.focus()
            row = articles.current_row
            if row is not None and (view.row is None or view.row.id != row.id):
                view.show_row(row)
                self.load_article(row.path, row)
            return
        if self.focused is not self.query_one(ArticleList):
            self.query_one(ArticleList).focus()

    # sorting and searching -------------------------------------------------------

    SORTS = (None, "date", "heat", "title")

    def _filter_terms(self) -> tuple[Term, ...]:
        view = self.view
        terms: list[Term] = []
        if view.min_quality is not None:
            terms.append(Term("quality", view.min_quality, False, ">="))
        if view.hide_unpublished:
            terms.append(Term("is", "unpublished", True))
        if view.provider:
            terms.append(Term("provider", view.provider))
        return tuple(terms)

    def filters_text(self) -> str:
        view = self.view
        parts = []
        if view.min_quality is not None:
            parts.append(f"quality ≥ {int(view.min_quality)}")
        if view.hide_unpublished:
            parts.append("published only")
        if view.provider:
            parts.append(f"provider: {clean(view.provider)}")
        return ", ".join(parts)

    def action_quality_step(self, step: int) -> None:
        """Raise (+10) or lower (-10) the minimum quality."""
        current = self.view.min_quality or 0
        value = max(0, current + step)
        self.view.min_quality = value if value > 0 else None
        self.load_ids()

    def action_toggle_unpublished(self) -> None:
        self.view.hide_unpublished = not self.view.hide_unpublished
        self.load_ids()

    def action_choose_provider(self) -> None:
        from reader.screens.ask import AskName

        def chosen(name: str | None) -> None:
            self.view.provider = name
            self.load_ids()

        row = self.query_one(ArticleList).current_row
        suggestion = (row.provider or row.domain or "") if row else ""
        self.app.push_screen(AskName("Only articles from the provider (name or domain, part of it is enough):", suggestion), chosen)

    def action_clear_filters(self) -> None:
        self.view.min_quality = None
        self.view.hide_unpublished = False
        self.view.provider = None
        self.load_ids()

    def action_cycle_sort(self) -> None:
        current = self.view.sort if self.view.sort in self.SORTS else None
        self.view.sort = self.SORTS[(self.SORTS.index(current) + 1) % len(self.SORTS)]
        self.load_ids()

    def action_reverse_sort(self) -> None:
        self.view.reverse = not self.view.reverse
        self.load_ids()

    def action_search(self) -> None:
        self.query_one(SearchBar).focus_input()

    def _search_changed(self, query: Query) -> None:
        """A new good query in the search bar (called by the bar at once)."""
        self.view.search = query
        self.view.history.clear()
        words = [str(t.value).rstrip("*") for t in query.words if not t.negated]
        articles = self.query_one(ArticleList)
        articles.highlight = words
        self.query_one(ArticleView).highlight = words
        plan = self._plan(self.current_query(), self.view.sort, self.view.reverse)
        if plan is not None and plan == self._requested_plan:
            # A word still too short to search by (or a change that selects
            # the same articles): the list stays, only its marks change.
            articles.refresh()
            return
        self.load_ids(counts=False)

    @on(SearchBar.Done)
    def _search_done(self, event: SearchBar.Done) -> None:
        self.query_one(ArticleList).focus()
        if self.query_one(SearchBar).has_class("-error"):
            return  # the bar's text is not a query: the list keeps the last good one as it is
        search = self.view.search
        last = search.terms[-1] if search.terms else None
        if not event.cleared and last is not None and last.kind == "word" and len(str(last.value)) < 3 and not search.text.endswith(" "):
            # Enter ends the typing: a last word too short to search by while
            # typing ("AI") is searched now, as the whole word.
            from reader.query import parse_query

            self.view.search = parse_query(search.text + " ")
            self.load_ids(counts=False)

    # topics -------------------------------------------------------------------

    @on(TopicList.Chosen)
    def _topic(self, event: TopicList.Chosen) -> None:
        self.view.topic = event.topic
        self.view.history.clear()
        self.query_one(ArticleList).focus()
        self.load_ids(keep=None)
        if self.has_class("-narrow"):
            self.set_class(False, "-show-topics")

    def action_toggle_topics(self) -> None:
        if self.has_class("-narrow"):
            showing = not self.has_class("-show-topics")
            self.set_class(showing, "-show-topics")
            if showing:
                self.query_one(TopicList).focus()
            else:
                self.query_one(ArticleList).focus()
        else:
            self.set_class(not self.has_class("-hide-topics"), "-hide-topics")
            if self.has_class("-hide-topics"):
                self.query_one(ArticleList).focus()

    def action_raw(self) -> None:
        self._flush_pane()
        view = self.query_one(ArticleView)
        path = view.article.path if view.article else (view.row.path if view.row else None)
        if path is None:
            return
        from reader.screens.raw import RawScreen

        self.app.push_screen(RawScreen(path))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "search" and isinstance(self.focused, Input):
            return False  # a `/` typed into the search bar (or any field) is text
        if action in ("open_link", "copy_link", "raw", "follow"):
            return self._has_article()
        return True

    @on(RelatedList.OptionHighlighted)
    def _related_highlighted(self, event) -> None:
        event.stop()
