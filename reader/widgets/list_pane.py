"""The list pane: the search bar, the list's header, the indexing progress
and the article list, and the loading of that list.

Given a View (reader.view), it loads the view's articles in an exclusive
thread worker (reader.screens.loading), whose messages bubble up to the
screen (which hands the list back: show_list); the rows on screen are read
as they are drawn, each with the user's marks from the state file, and
marks are written through the app's StateWriter.
"""

from __future__ import annotations

from array import array
from dataclasses import replace
from functools import partial
from typing import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static
from textual.worker import get_current_worker

from reader import saving
from reader.messages import ListCompleted, ListLoaded, MarksChanged, SearchSaved, StoreFailed
from reader.model import NO_MARKS, ListRow, Marks
from reader.query import Query
from reader.screens.loading import ListRequest, load_list
from reader.store import StoreError
from reader.services import Services
from reader.text import clean
from reader.view import All, Filters, View
from reader.widgets.article_list import ArticleList
from reader.widgets.search import SearchBar

# How long the first list waits for the list read while the app started
# (Library.prefetch) before it is loaded the usual way, in a worker.
PREFETCH_WAIT = 0.25


class ListPane(Vertical):
    """The articles of one view, and the bar that searches them."""

    def __init__(self, services: Services, searched: Callable[[Query], None], indexing: Callable[[], bool], **kwargs) -> None:
        """``searched`` is called with each new good query typed;
        ``indexing`` says whether a refresh is running."""
        super().__init__(**kwargs)
        self.library = services.library
        self.state = services.state  # reader.state.State, or None: no marks
        self.writer = services.writer
        self.config = services.config
        self.clock = services.clock
        self.history = services.history
        self.searched = searched
        # what the list shows (or is loading): the screen changes it through show()
        self.view = View(filters=Filters.from_config(services.config), grouped=services.config.group_stories)
        self.indexing = indexing
        self.loads = 0  # list loads asked for: only the newest one's results are shown
        self._requested_plan = None  # what the newest load runs (Library.plan); None when unknown or failed
        self._planned: tuple[View, object] | None = None  # the last view planned, and its plan
        self._writing: dict[int, int] = {}  # rows with changes of marks still being written, and how many
        self.problems = ""  # the library's problems in a few words ("1 skipped"), for the header; "" when none
        self._to_top = False  # the newest load is a new view's, to show from its top

    def compose(self) -> ComposeResult:
        yield SearchBar(self.searched, self.history, id="search")
        yield Static(id="list-header")
        yield ProgressBar(id="progress", show_eta=False)
        yield ArticleList(self._fetch_rows, self.clock, id="articles")

    def on_mount(self) -> None:
        self.query_one("#progress").display = False
        self.header()

    @property
    def articles(self) -> ArticleList:
        return self.query_one(ArticleList)

    # rows and their marks ---------------------------------------------------------

    def mark_key(self, row: ListRow) -> str:
        """The key the state file keeps this article's marks under."""
        from reader.state import identity

        return identity(row.url, row.path, self.library.roots)

    def marks(self, rows: list[ListRow]) -> list[Marks]:
        """The user's marks on these rows, from the state file."""
        if self.state is None or not rows:
            return [NO_MARKS] * len(rows)
        from reader.state import StateError

        keys = [self.mark_key(row) for row in rows]
        # A story's row is read once every member is (a list of stories only).
        stories = [row.story for row in rows if row.story_size > 1] if self.view.lists_stories else []
        try:
            members = self.library.story_rows.story_idents(stories) if stories else {}
        except StoreError:
            members = {}
        try:
            wanted = keys + [k for ks in members.values() for k in ks]
            read, starred = self.state.read_keys(wanted), self.state.starred_keys(keys)
        except StateError:
            return [NO_MARKS] * len(rows)
        out = []
        for row, key in zip(rows, keys):
            group = members.get(row.story) if row.story_size > 1 else None
            is_read = all(k in read for k in group) if group else key in read
            out.append(Marks(read=is_read, starred=key in starred))
        return out

    def change_story_read(self, row: ListRow) -> None:
        """m on a story's row: every member read, or (all read already) unread."""
        if self.state is None:
            self.notify("Marks cannot be kept: there is no state file.", severity="warning")
            return
        try:
            keys = self.library.story_rows.story_idents([row.story]).get(row.story) or [self.mark_key(row)]
        except StoreError as exc:
            self.notify(clean(str(exc)), severity="error")
            return
        old = self.marks_of(row)
        read = not old.read
        self.articles.set_marks(row.id, replace(old, read=read))
        self._writing[row.id] = self._writing.get(row.id, 0) + 1
        self.writer.write(partial(saving.set_story_read, row.id, keys, old.starred, read), self)

    def marks_of(self, row: ListRow) -> Marks:
        """The marks the list shows on ``row``, else those in the state file."""
        marks = self.articles.marks_of(row.id)
        return marks if marks is not None else self.marks([row])[0]

    def marked_rows(self, ids: list[int]) -> list[tuple[ListRow, Marks]]:
        """These articles' rows, in the order given, each with the user's marks."""
        rows = self.library.rows(ids)
        return list(zip(rows, self.marks(rows)))

    def _fetch_rows(self, ids: list[int]) -> list[tuple[ListRow, Marks]]:
        """marked_rows() for the lines being drawn: a failure is reported, not raised."""
        try:
            return self.marked_rows(ids)
        except StoreError as exc:
            self.post_message(StoreFailed(exc))
            return []

    def change_marks(self, row: ListRow, change: Callable[[Marks], Marks]) -> None:
        """Give ``row`` the marks ``change`` makes of its marks now: shown at
        once, written in a worker (MarksChanged says how that went)."""
        if self.state is None:
            self.notify("Marks cannot be kept: there is no state file.", severity="warning")
            return
        old = self.marks_of(row)
        new = change(old)
        if new == old:
            return
        key = self.mark_key(row)
        story = None
        shown = new
        if self.view.lists_stories and row.story_size > 1:
            # The row stands for its story: read once every member is. Its
            # own mark is what changes (o, O, the dwell); m marks them all.
            from reader.state import StateError

            try:
                story = self.library.story_rows.story_idents([row.story]).get(row.story)
                others = [k for k in story or () if k != key]
                shown = replace(new, read=new.read and len(self.state.read_keys(others)) == len(set(others)))
            except (StoreError, StateError):
                story = None
        self.articles.set_marks(row.id, shown)
        self._writing[row.id] = self._writing.get(row.id, 0) + 1
        self.writer.write(partial(saving.set_marks, row.id, key, old, new, story=story), self)

    def mark_all_read(self, asked: Query) -> None:
        """Mark every article of the list read (those of ``asked``, the
        view's query, while the list is not all there)."""
        articles = self.articles
        target = array("q", articles.ids) if articles.complete else asked
        self.writer.write(partial(saving.mark_all_read, self.library, target, stories=self.view.lists_stories), self)

    def ask_to_mark_all_read(self) -> None:
        """Ask, then mark every article of the view read (A)."""
        from reader.screens.ask import Confirm

        count = self.articles.count
        if not count or self.state is None:
            return
        asked = self.view_query()  # the view asked about, should the list change meanwhile

        def answered(yes: bool | None) -> None:
            if yes:
                self.mark_all_read(asked)

        self.app.push_screen(Confirm(mark_all_question(self.view, count)), answered)

    def ask_to_save_search(self) -> None:
        """Ask for a name, then save the whole view under it (w): the
        sidebar's choice, the search, the filters and the sort."""
        from reader.screens.ask import AskName

        if self.state is None:
            self.notify("Searches cannot be saved: there is no state file.", severity="warning")
            return
        try:
            text = self.view.saved_text(self.config)
        except ValueError as exc:
            self.notify(f"This view cannot be saved: {exc}", severity="warning")
            return
        if not text:
            self.notify("Choose a topic, search (/) or filter first, then save the view with w.", severity="warning")
            return

        def named(name: str | None) -> None:
            if name:
                self.writer.write(partial(saving.save_search, name, text), self)

        self.app.push_screen(AskName("Save this search as:"), named)

    @on(SearchSaved)
    def _search_saved(self, event: SearchSaved) -> None:
        """(Not stopped: the screen counts the sidebar again.)"""
        if event.error:
            self.notify(event.error, severity="error")
        else:
            self.notify(f"Saved “{clean(event.name)}”: {clean(event.text)}", timeout=3)

    @on(MarksChanged)
    def _marks_changed(self, event: MarksChanged) -> None:
        """(Not stopped: the screen counts the sidebar again.)"""
        if event.error:
            self.notify(event.error, severity="error")
        for row_id, marks in event.marks.items():
            waiting = self._writing.pop(row_id, 1) - 1
            if waiting > 0:
                # A later change of this row is still being written: what is
                # shown is the user's newest word, and that write's reply says
                # how the file ended up.
                self._writing[row_id] = waiting
                continue
            self.articles.set_marks(row_id, marks)
        if event.everything is not None:
            self.articles.forget_rows()
            self.notify(f"Marked {event.everything:,} articles read.", timeout=3)

    def next_unread(self, step: int) -> str | None:
        """Move to the next (step 1) or previous (-1) unread article; else say why not."""
        articles = self.articles
        ids = articles.ids
        index = articles.cursor + step
        while 0 <= index < len(ids):
            window = list(ids[index : index + 200]) if step > 0 else list(ids[max(0, index - 199) : index + 1])[::-1]
            for offset, (_, marks) in enumerate(self._fetch_rows(window)):
                if not marks.read:
                    articles.move_to(index + offset * step)
                    return None
            index += step * len(window)
        if step > 0 and not articles.complete:
            return "The rest of the list is still being ranked."
        return "No more unread articles this way."

    # loading -----------------------------------------------------------------------

    def view_query(self, view: View | None = None) -> Query:
        """The view's query (the one shown by default), with the config's defaults."""
        return (view or self.view).query(self.config)

    def _plan(self, view: View):
        """What ``view``'s load would run (asked once a view: a key typed asks
        same_list(), then show())."""
        if self._planned is not None and self._planned[0] == view:
            return self._planned[1]
        try:
            plan = self.library.plan(self.view_query(view), sort=view.sort, reverse=view.reverse, prefix_last=True)
        except StoreError:
            plan = None
        if plan is not None:
            plan = (plan, view.lists_stories)  # the same articles, one row a story or not
        self._planned = (view, plan)
        return plan

    def same_list(self, view: View) -> bool:
        """Whether ``view`` selects the very list the newest load asked for."""
        plan = self._plan(view)
        return plan is not None and plan == self._requested_plan

    def keep_list(self, view: View) -> None:
        """Show ``view`` with the list as it is (same_list() said it selects
        the same articles): only the words marked in it change."""
        self.view = view
        self.articles.refresh()

    def forget_plan(self) -> None:
        """The list is not what was asked for (a load failed): the next change loads."""
        self._requested_plan = None

    def show(
        self, view: View, keep: int | None = None, keep_cursor: bool = True, counts: bool = True, then_refresh: bool = False
    ) -> ListLoaded | None:
        """Load and show ``view``'s articles, keeping article ``keep`` under
        the cursor, else (with ``keep_cursor``) the one under it now, on the
        same screen line; with ``counts``, count the sidebar after.

        A query still running for an earlier view is interrupted: while
        typing a search, only the newest query matters.

        When the list was read before the app started (Library.prefetch), it
        is returned at once, for the caller to show in the first frame
        (nothing is loaded then, and the sidebar is not counted).
        """
        self.library.interrupt()
        if keep is None and keep_cursor and self._to_top and view == self.view:
            keep_cursor = False  # a reload before a new view's list landed: it still starts at its top
        self._to_top = keep is None and not keep_cursor
        self.view = view
        self._requested_plan = self._plan(view)
        articles = self.articles
        # The article kept under the cursor, and the lines it needs below
        # it: the first rows of a ranked list must hold them.
        held = keep
        if held is None and keep_cursor and articles.count and articles.cursor < len(articles.ids):
            held = articles.ids[articles.cursor]
        self.loads += 1
        request = ListRequest(
            self.loads, self.view_query(view), view.sort, view.reverse, keep, keep_cursor, held, max(1, articles.size.height), counts, then_refresh,
            view.lists_stories,
        )
        ready = self.library.prefetched(
            request.query, sort=request.sort, reverse=request.reverse, prefix_last=True, wait=PREFETCH_WAIT, grouped=request.grouped
        )
        if ready is not None:
            return ListLoaded(request.load, ready[0], ready[1], keep, keep_cursor, then_refresh=then_refresh)
        self._load(request)
        return None

    @work(thread=True, exclusive=True, group="ids")
    def _load(self, request: ListRequest) -> None:
        worker = get_current_worker()
        load_list(self.library, self.state, request, self.post_message, lambda: worker.is_cancelled)

    def show_list(self, event: ListLoaded) -> None:
        """Show the list a load found, unless a newer load has begun.

        Called by the screen, which ListLoaded bubbles up to: the cursor
        moving posts ArticleList.Highlighted, which Textual does not let
        bubble past the node whose handler caused it, and the screen is
        where it is wanted.
        """
        if event.load != self.loads:
            if event.drawn is not None:
                event.drawn.set()
            return  # a newer list is on its way
        self._to_top = False
        articles = self.articles
        keep = event.keep
        if keep is None and event.keep_cursor and articles.count and articles.cursor < len(articles.ids):
            # By id, not by row: the article under the cursor may be gone from
            # the index (its file deleted), and then its neighbour takes its place.
            keep = articles.ids[articles.cursor]
        articles.empty_text = "Indexing articles…" if self.indexing() else "No articles here."
        articles.sources = self.view.lists_stories
        articles.set_ids(event.ids, keep, event.length)
        self.header()
        if event.drawn is not None:
            self.call_after_refresh(event.drawn.set)

    @on(ListCompleted)
    def _completed(self, event: ListCompleted) -> None:
        """The rest of a list whose first rows are shown, unless a newer
        load has begun since (its list, or its first rows, come next)."""
        event.stop()
        if event.load == self.loads and self.articles.finish(event.ids):
            self.header()

    def header(self) -> None:
        """Write the line above the list again (two when the filters need a line of their own)."""
        widget = self.query_one("#list-header", Static)
        width = widget.content_region.width
        lines = self.view.header(self.articles.count, self.indexing(), self.config, width if width > 0 else None, self.problems)
        two = len(lines) > 1
        if two != widget.has_class("-two-lines"):
            widget.set_class(two, "-two-lines")
            widget.update(Text("\n").join(lines))
        else:
            widget.update(Text("\n").join(lines), layout=False)  # same size: no layout

    def on_resize(self) -> None:
        self.header()

    def progress(self, done: int, total: int) -> None:
        """A refresh has read ``done`` of ``total`` files (the bar shows for big ones)."""
        bar = self.query_one("#progress", ProgressBar)
        if total >= 200 and done < total:
            bar.display = True
            bar.update(total=total, progress=done)
        self.header()

    def progress_done(self) -> None:
        self.query_one("#progress").display = False
        self.header()


def mark_all_question(view: View, count: int) -> str:
    """What A asks: the view named exactly, the count with the right noun."""
    noun = "article" if count == 1 else "articles"
    words = [f"Mark {count:,} {noun}"]
    if not isinstance(view.choice, All):
        words.append(f"in '{view.label()}'")
    if view.search.text.strip():
        words.append(f"matching '{clean(view.search.text.strip())}'")
    filters = view.filters.text()
    if filters:
        words.append(f"with {filters}")
    return " ".join(words) + " read?"
