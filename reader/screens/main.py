"""The main screen: topics, the article list and the article pane.

Wiring: the keys' actions, and the handlers of what widgets and workers
post. What the list shows is a value (reader.view.View); the slow work runs
in thread workers (reader.screens.loading) that post their results
(reader.messages); the index is kept up to date by a Refresher; the state
file is written by the app's StateWriter (reader.saving); the article pane
follows the cursor and keeps its back history itself.
"""

from __future__ import annotations

import time
from array import array
from dataclasses import replace

from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input
from textual.worker import get_current_worker

from reader.messages import (
    FilesChanged,
    IndexProgress,
    IndexRefreshed,
    ListLoaded,
    FullTextFetched,
    MarksChanged,
    ProblemsCounted,
    SearchSaved,
    SidebarCounted,
    StoreFailed,
)
from reader.model import ListRow
from reader.query import Query
from reader.screens.fetching import FullTextFetch
from reader.screens.handoff import Handoff
from reader.screens.keys import MAIN_KEYS
from reader.screens.loading import count_sidebar
from reader.screens.marking import ReadMarker
from reader.screens.problems import ProblemsTracker
from reader.screens.refreshing import Refresher
from reader.screens.stories import StoryNavigator
from reader.store import CacheDamaged, NotIndexed, SearchInterrupted, StoreError
from reader.services import Services
from reader.text import clean
from reader.view import All, Filters, View
from reader.widgets.article_list import ArticleList
from reader.widgets.article_view import ArticleView, RelatedList
from reader.widgets.list_pane import ListPane
from reader.widgets.search import SearchBar, SearchInput
from reader.widgets.topics import TopicList

PANE_DELAY = 0.06  # seconds the cursor rests before the article pane follows it
# While a search is typed the pane waits for a pause in the typing: laying it
# out between two keys would hold up the list's update for the next one.
TYPING_PANE_DELAY = 0.4


def find_main(app: App) -> "MainScreen | None":
    """The app's main screen, under whatever screens lie over it."""
    for screen in reversed(app.screen_stack):
        if isinstance(screen, MainScreen):
            return screen
    return None


class MainScreen(Screen):
    """The one screen reader is read in.

    Bigger than 300 lines (about 540): it is where 40 keys and a dozen
    messages meet the parts, one short action or handler each; every job
    they start lives in a module of its own (view, loading, refreshing,
    saving, marking, handoff, the problems, the list pane, the article
    pane; the keys in screens/keys.py), and splitting the handlers
    themselves would only scatter the wiring.
    """

    ESCAPE_TO_MINIMIZE = False  # escape is "back": through the history first
    BINDINGS = MAIN_KEYS

    def __init__(self, services: Services, watch_files: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.library = services.library
        self.state = services.state  # reader.state.State, or None when marks cannot be kept
        self.config = services.config
        self.clock = services.clock
        self.writer = services.writer
        self.watch_files = watch_files
        self.refresher = Refresher(self, services.library)
        self._last_reload = 0.0  # when the list was last reloaded during a refresh
        self._last_failure: tuple[str, int] | None = None  # the last list error shown, and its 5 s slot
        self._bindings_had: bool | None = None  # whether keys on "this article" had one, at the last footer refresh
        self._recount = None  # the timer that recounts the sidebar after marks changed
        self.marker = ReadMarker(self, services.config, self._change_marks, self._still_shown)
        self.handoff = Handoff(self)
        self.full_text = FullTextFetch(self)
        self.problems = ProblemsTracker()  # the library's problems as of the last refresh
        self.stories = StoryNavigator(self)

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield TopicList(id="topics")
            yield ListPane(self.services, self._search_changed, lambda: self.refresher.running, id="list-pane")
            yield ArticleView(self.library, self.clock, self.services.full_texts, id="article")
        # Without the palette's own entry (ctrl+p is in the help), every key shown fits 80 columns, ? Keys too.
        yield Footer(show_command_palette=False)

    @property
    def list_pane(self) -> ListPane:
        return self.query_one(ListPane)

    @property
    def view(self) -> View:
        """What the list shows (kept by the list pane, which shows it)."""
        return self.list_pane.view

    @property
    def articles(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def pane(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def watcher(self):
        """The folder watch, once started (reader.watch.Watcher)."""
        return self.refresher.watcher

    @property
    def indexing(self) -> bool:
        return self.refresher.running

    @property
    def reading(self) -> bool:
        """An article is read full screen (the list is out of sight)."""
        return self.maximized is not None or self.has_class("-reading")

    def on_mount(self) -> None:
        self.articles.focus()
        self._layout(self.size.width, self.size.height)
        if self.library.open_cached():
            self.load_ids(then_refresh=True)  # what the cache holds first; the files once that is on screen
        else:
            self.articles.empty_text = "Indexing articles…"
            self._refresh()

    def on_unmount(self) -> None:
        self.refresher.stop()

    def on_resize(self, event) -> None:
        self._layout(event.size.width, event.size.height)

    def _layout(self, width: int, height: int) -> None:
        from reader.layout import classes

        for name, wanted in classes(width, height).items():
            self.set_class(wanted, name)

    # marks ------------------------------------------------------------------------

    @on(MarksChanged)
    def _marks_changed(self, event: MarksChanged) -> None:
        if event.everything is not None:
            self.refresh_sidebar()
        elif not event.error:
            # Count the sidebar again a moment after the last change of marks.
            if self._recount is not None:
                self._recount.stop()
            self._recount = self.set_timer(0.5, self.refresh_sidebar)

    def _marked_row(self) -> ListRow | None:
        """The article keys like m and f act on: the pane's, else the cursor's."""
        pane = self.pane
        pane.flush()
        return pane.row if pane.row is not None else self.articles.current_row

    def action_toggle_read(self) -> None:
        row = self._marked_row()
        if row is not None and not self.reading and self.stories.mark(row):
            return  # a story's row in the list: every member
        if row is not None:
            self.marker.stop()  # the user's word: the dwell must not undo it...
            self.pane.marked_by_hand(row.id)  # ...nor one that starts as the pane says it shows the row
            self.list_pane.change_marks(row, lambda marks: replace(marks, read=not marks.read))

    def action_toggle_star(self) -> None:
        row = self._marked_row()
        if row is not None:
            self.list_pane.change_marks(row, lambda marks: replace(marks, starred=not marks.starred))

    def _change_marks(self, row: ListRow, change) -> None:
        if self.state is not None:
            self.list_pane.change_marks(row, change)

    def _still_shown(self, row: ListRow) -> bool:
        """Whether ``row`` is in the pane, loaded and in sight (a tiny
        terminal shows the list alone), and not marked by hand since."""
        pane = self.pane
        return (
            pane.row is not None and pane.row.id == row.id and pane.settled and pane.display
            and not pane.marked_by_hand_since_shown(row.id)
        )

    @on(ArticleView.Shown)
    def _shown(self, event: ArticleView.Shown) -> None:
        self._bindings_changed()
        self._dwell_on(event.row if event.readable else None)
        if event.readable:
            self.full_text.warm()
            if self.config.full_text == "auto":
                self.full_text.auto()

    def _dwell_on(self, row: ListRow | None) -> None:
        """Start the dwell time of the row shown, when it is read there: in
        sight, not while a search is typed, not marked by hand meanwhile (an
        m handled between the pane's Shown and this)."""
        if row is None or isinstance(self.app.focused, SearchInput) or not self._still_shown(row):
            self.marker.stop()
            return
        self.marker.shown(row)

    def action_next_unread(self, step: int = 1) -> None:
        """Move to the next (step 1) or previous (step -1) unread article in the list."""
        failed = self.list_pane.next_unread(step)
        if failed:
            self.notify(failed, timeout=2)

    def action_mark_all_read(self) -> None:
        self.list_pane.ask_to_mark_all_read()

    def action_save_search(self) -> None:
        self.list_pane.ask_to_save_search()

    @on(SearchSaved)
    def _search_saved(self, event: SearchSaved) -> None:
        if not event.error:
            self.refresh_sidebar()

    # the list and the sidebar ----------------------------------------------------------

    def current_query(self) -> Query:
        """The sidebar's choice, the search bar's query and the quick filters,
        with the config's defaults."""
        return self.view.query(self.config)

    def load_ids(
        self, keep: int | None = None, counts: bool = True, then_refresh: bool = False, view: View | None = None, keep_cursor: bool = True
    ) -> None:
        """Show the view's articles (and, with ``counts``, recount the sidebar);
        with ``view``, that view from now on; with ``keep_cursor``, the
        article under the cursor stays under it (while an article is read
        full screen, the list's cursor stays where reading began)."""
        ready = self.list_pane.show(view or self.view, keep, keep_cursor, counts, then_refresh)
        if ready is not None:  # read while the app started: into the first frame, the sidebar after it
            self._list_loaded(ready)
            if counts:
                self.call_after_refresh(self.refresh_sidebar)

    @on(ListLoaded)
    def _list_loaded(self, event: ListLoaded) -> None:
        self.list_pane.show_list(event)
        if event.then_refresh:
            self.call_after_refresh(self._refresh)  # the first screen came from the cache: now the files

    @work(thread=True, exclusive=True, group="sidebar")
    def refresh_sidebar(self) -> None:
        """Count the sidebar again (after marks changed)."""
        worker = get_current_worker()
        count_sidebar(self.library, self.state, self.post_message, lambda: worker.is_cancelled)

    @on(SidebarCounted)
    def _sidebar_counted(self, event: SidebarCounted) -> None:
        self.query_one(TopicList).set_topics(event.total, event.topics, event.unread, event.views)

    def topic_counts(self) -> list[tuple[str, int]]:
        """The topics in the sidebar, with their counts (for the command palette)."""
        return self.query_one(TopicList).topic_counts

    @on(StoreFailed)
    def _store_failed(self, event: StoreFailed) -> None:
        """A question to the store failed. A damaged cache is dropped and
        built again (the list empty meanwhile, so nothing asks it for rows);
        anything else is shown."""
        exc = event.error
        self.list_pane.forget_plan()  # the list is not what was asked for: the next key loads
        if isinstance(exc, (NotIndexed, SearchInterrupted)) or self.refresher.rebuilding:
            return  # a refresh brings the list; a newer search took over; the cache is being replaced
        if isinstance(exc, CacheDamaged):
            articles = self.articles
            articles.empty_text = "Indexing articles…"
            articles.set_ids(array("q"), None)
            self._refresh(rebuild=str(exc))
            return
        message = f"The list could not be read: {clean(str(exc))}"
        # Rows are read while lines are drawn: one notice, not one a line.
        if (message, int(time.monotonic() // 5)) != self._last_failure:
            self._last_failure = (message, int(time.monotonic() // 5))
            self.notify(message, severity="error")

    # refreshing the index -----------------------------------------------------------------

    def _refresh(self, rebuild: str | None = None) -> None:
        self.refresher.request(rebuild)
        self.list_pane.header()

    @on(FilesChanged)
    def _files_changed(self) -> None:
        self._refresh()

    @on(IndexProgress)
    def _progress(self, event: IndexProgress) -> None:
        self.list_pane.progress(event.done, event.total)
        now = time.monotonic()
        if event.done and now - self._last_reload > 1.0:
            self._last_reload = now
            self.load_ids()  # a first run fills the list as batches land

    @on(IndexRefreshed)
    def _refreshed(self, event: IndexRefreshed) -> None:
        self.refresher.ended()  # (starts the refresh asked for meanwhile, if any)
        self.list_pane.progress_done()
        if event.error:
            self.notify(event.error, severity="error", timeout=10)
            return
        for message, severity, timeout in self.refresher.roots_report():
            self.notify(message, severity=severity, timeout=timeout)
        if event.changed:
            self.articles.forget_rows()
            self.load_ids()
        self._count_problems()
        if self.watch_files:
            self.refresher.watch(self.app.is_running)

    # the article pane -----------------------------------------------------------

    @on(ArticleList.Highlighted)
    def _highlighted(self, event: ArticleList.Highlighted) -> None:
        pane = self.pane
        if self.reading:
            if not event.moved:
                return  # the list reloaded under the article read full screen: it stays
            # n / N / O while reading: the next article is read in its place (opened).
            pane.history.clear()
            pane.follow(event.row, PANE_DELAY)
            self.marker.opened(event.row)
            self._bindings_changed()
            return
        typing = isinstance(self.app.focused, SearchInput)
        if event.row is None or self.marker.dwelling is None or self.marker.dwelling.id != event.row.id:
            self.marker.stop()  # moved on before the dwell time was up
        pane.follow(event.row, TYPING_PANE_DELAY if typing else PANE_DELAY)
        self._bindings_changed()

    def _bindings_changed(self) -> None:
        """Refresh the footer only when what the keys can act on changed
        (the footer is rebuilt on each refresh, which costs a frame)."""
        has = self.pane.has_article
        if has != self._bindings_had:
            self._bindings_had = has
            self.refresh_bindings()

    @on(ArticleList.Selected)
    def _selected(self, event: ArticleList.Selected) -> None:
        if not self.stories.enter(event.row):
            self.action_read()

    def action_open_story(self) -> None:
        """→ on a story's row: its members."""
        if self.focused is self.articles:
            self.stories.enter()

    def action_toggle_stories(self) -> None:
        self.stories.toggle()

    def action_read(self) -> None:
        pane = self.pane
        pane.flush()
        if pane.row is None and pane.article is None:
            return
        if not self.has_class("-tiny"):
            self.maximize(pane, container=False)
        else:
            self.set_class(True, "-reading")
        pane.focus()
        self.marker.opened(pane.row)

    # links out of the article: reader.screens.handoff

    def action_open_link(self) -> None:
        self.handoff.open_link()

    def action_copy_link(self) -> None:
        self.handoff.copy_link()

    def action_open_and_next(self) -> None:
        self.handoff.open_and_next()

    def action_links(self) -> None:
        self.handoff.links()

    def action_pipe(self) -> None:
        self.handoff.pipe()

    def action_full_text(self) -> None:
        """Fetch the article's full text (F); again on a cached one, re-validate it."""
        self.full_text.start()

    @on(FullTextFetched)
    def _full_text_fetched(self, event: FullTextFetched) -> None:
        self.full_text.fetched(event)

    def action_follow(self, number: int) -> None:
        url, problem = self.pane.related_link(number)
        if problem is not None:
            self.notify(problem, severity="warning")
            return
        self.follow_url(url)

    @on(ArticleView.Follow)
    def _follow(self, event: ArticleView.Follow) -> None:
        self.action_follow(event.number)

    def follow_url(self, url: str | None) -> None:
        """Open a link inside reader when it is one of ours, else in the browser."""
        self.handoff.follow_url(url)

    def open_row(self, row: ListRow) -> None:
        """Read ``row`` full screen. Followed from inside an article, the one
        read now is kept in the back history (Esc returns to it, where it was
        scrolled to); followed from the list, Esc returns to the list."""
        if self.reading:
            self.pane.open(row)
        else:
            self.pane.flush()
            self.pane.history.clear()
            self.pane.show_now(row)
        self._bindings_changed()
        self.action_read()

    def action_back(self) -> None:
        if self.full_text.stop():
            return  # Esc stops a fetch under way first
        pane = self.pane
        if pane.back():
            return
        articles = self.articles
        if self.maximized is not None or self.has_class("-reading"):
            self.minimize()
            self.set_class(False, "-reading")
            articles.focus()
            row = articles.current_row
            if row is not None and (pane.row is None or pane.row.id != row.id):
                pane.show_now(row)
            return
        if self.focused is not articles:
            articles.focus()
            return
        self._step_back()

    def _step_back(self) -> None:
        """Esc in the list: leave a story, else clear the search, else the quick filters, else back to All."""
        view = self.view
        if self.stories.leave():
            return
        if view.search.text:
            self.query_one(SearchBar).clear()
        elif view.filters != Filters():
            self.action_clear_filters()
        elif not isinstance(view.choice, All):
            self._change_view(replace(view, choice=All()))
            topics = self.query_one(TopicList)
            topics.chosen = All()
            topics.highlighted = 0

    # problems ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="problems")
    def _count_problems(self) -> None:
        try:
            problems = self.library.problems()
        except StoreError:
            return
        self.post_message(ProblemsCounted(problems))

    @on(ProblemsCounted)
    def _problems_counted(self, event: ProblemsCounted) -> None:
        from reader.screens.problems import ProblemsScreen, problem_line

        new = self.problems.update(event.problems)
        if new:
            first = problem_line(new[0], self.library.roots)
            more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
            self.notify(f"{first.plain}{more}; ! lists every problem", title="A file could not be read", severity="warning", timeout=8)
        self.list_pane.problems = self.problems.words()
        self.list_pane.header()
        for screen in self.app.screen_stack:
            if isinstance(screen, ProblemsScreen):
                screen.show(event.problems)

    def action_problems(self) -> None:
        from reader.screens.problems import ProblemsScreen

        if self.problems.problems is None:  # before the first refresh has ended
            try:
                self.problems.update(self.library.problems())
            except StoreError as exc:
                self.notify(f"The problems could not be read: {clean(str(exc))}", severity="error")
                return
        self.app.push_screen(ProblemsScreen(self.problems.problems or [], list(self.library.roots)))

    def action_raw(self) -> None:
        from reader.screens.raw import RawScreen

        path = self.pane.file()
        if path is not None:
            self.app.push_screen(RawScreen(path))

    @on(RelatedList.OptionHighlighted)
    def _related_highlighted(self, event) -> None:
        event.stop()

    # sorting, filtering, searching, topics ----------------------------------------------

    def _change_view(self, view: View, **load) -> None:
        """Show another view: from its top (only a refresh of the same view keeps the cursor)."""
        view = self.stories.outside(view)
        load.setdefault("keep_cursor", False)
        self.load_ids(view=view, **load)

    def action_quality_step(self, step: int) -> None:
        """Raise (+10) or lower (-10) the minimum quality."""
        self._change_view(replace(self.view, filters=self.view.filters.quality_step(step)))

    def action_toggle_unscored(self) -> None:
        filters = self.view.filters
        self._change_view(replace(self.view, filters=replace(filters, hide_unscored=not filters.hide_unscored)))

    def action_toggle_read_shown(self) -> None:
        filters = self.view.filters
        self._change_view(replace(self.view, filters=replace(filters, hide_read=not filters.hide_read)))

    def action_toggle_unpublished(self) -> None:
        filters = self.view.filters
        self._change_view(replace(self.view, filters=replace(filters, hide_unpublished=not filters.hide_unpublished)))

    def action_choose_provider(self) -> None:
        from reader.screens.ask import AskName

        def chosen(name: str | None) -> None:
            self._change_view(replace(self.view, filters=replace(self.view.filters, provider=name)))

        row = self.articles.current_row
        suggestion = (row.provider or row.domain or "") if row else ""
        self.app.push_screen(AskName("Only articles from the provider (name or domain, part of it is enough):", suggestion), chosen)

    def action_clear_filters(self) -> None:
        self._change_view(replace(self.view, filters=Filters()))

    def action_cycle_sort(self) -> None:
        self._change_view(self.view.next_sort())

    def action_reverse_sort(self) -> None:
        self._change_view(replace(self.view, reverse=not self.view.reverse))

    def action_search(self) -> None:
        self.query_one(SearchBar).focus_input()

    def _search_changed(self, query: Query) -> None:
        """A new good query in the search bar (called by the bar at once)."""
        view = self.stories.outside(replace(self.view, search=query))
        self.pane.history.clear()
        words = [str(t.value).rstrip("*") for t in query.words if not t.negated]
        self.articles.highlight = words
        self.pane.highlight = words
        if self.list_pane.same_list(view):
            # A word still too short to search by (or a change that selects
            # the same articles): the list stays, only its marks change.
            self.list_pane.keep_list(view)
            return
        self._change_view(view, counts=False)

    @on(SearchBar.Done)
    def _search_done(self, event: SearchBar.Done) -> None:
        self.articles.focus()
        self.call_after_refresh(self._dwell_on, self.pane.row)  # typing ended: the article shown is read now
        if self.query_one(SearchBar).has_class("-error"):
            return  # the bar's text is not a query: the list keeps the last good one as it is
        search = self.view.search
        last = search.terms[-1] if search.terms else None
        if not event.cleared and last is not None and last.kind == "word" and len(str(last.value)) < 3 and not search.text.endswith(" "):
            # Enter ends the typing: a last word too short to search by while
            # typing ("AI") is searched now, as the whole word.
            from reader.query import parse_query

            self._change_view(replace(self.view, search=parse_query(search.text + " ")), counts=False)

    @on(TopicList.Chosen)
    def _topic(self, event: TopicList.Chosen) -> None:
        self.pane.history.clear()
        self.articles.focus()
        self._change_view(replace(self.view, choice=event.choice))
        if self.has_class("-narrow"):
            self.set_class(False, "-show-topics")

    def action_toggle_topics(self) -> None:
        if self.has_class("-narrow"):
            showing = not self.has_class("-show-topics")
            self.set_class(showing, "-show-topics")
            if showing:
                self.query_one(TopicList).focus()
            else:
                self.articles.focus()
        else:
            self.set_class(not self.has_class("-hide-topics"), "-hide-topics")
            if self.has_class("-hide-topics"):
                self.articles.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "search" and isinstance(self.focused, Input):
            return False  # a `/` typed into the search bar (or any field) is text
        if action in ("open_link", "copy_link", "raw", "follow", "open_and_next", "pipe", "links", "full_text"):
            return self.pane.has_article
        return True
