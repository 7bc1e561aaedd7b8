"""The full text on the main screen (F): the article's page fetched in a
thread worker, one at a time, shown in the pane in place of the body once
it comes; Esc stops it. An article already cached is re-validated (a
conditional request). Nothing is fetched unless asked: F, or with
`full_text = "auto"` an article with no body that stays shown.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from textual.worker import Worker, get_current_worker

from reader.links import refusal
from reader.messages import FullTextFetched
from reader.store import StoreError
from reader.text import clean

if TYPE_CHECKING:
    from reader.screens.main import MainScreen

AUTO_REST = 0.5  # seconds an article stays shown before auto mode fetches its full text
_WARMED = False  # the extractor's import has been started (once a process)


def _import_extractor() -> None:
    try:
        import trafilatura  # noqa: F401
    except Exception:  # noqa: BLE001 - F will say what is wrong when it is pressed
        pass


class FullTextFetch:
    """Fetches the pane's article's full text for the main screen."""

    def __init__(self, screen: "MainScreen") -> None:
        self.screen = screen
        self._worker: Worker | None = None
        self._path: str | None = None  # the article being fetched for
        self._quiet = False  # asked by auto mode: a failure shows in the pane, without a notice
        self._waiting = False  # the newest fetch's text has not come yet

    @property
    def running(self) -> bool:
        """A fetch's text is still awaited (its worker may go on indexing it after)."""
        return self._waiting

    def start(self, quiet: bool = False) -> None:
        """Fetch the full text of the article shown (F); ``quiet``: asked by
        auto mode, so an article that cannot be fetched says nothing."""
        screen = self.screen
        pane = screen.pane
        pane.flush()
        article = pane.article
        if article is None or screen.services.full_texts is None:
            if not quiet:
                screen.notify("The article is still loading." if pane.fetching else "No article to fetch.", severity="warning")
            return
        url = article.url
        problem = refusal(url)
        if problem is not None:
            if not quiet:
                screen.notify(problem[:1].upper() + problem[1:], severity="error")
            return
        refresh = pane.full is not None  # F again on a cached article: re-validate it
        self._cancel()
        self._path = article.path
        self._quiet = quiet
        self._waiting = True
        pane.show_fetching(clean((urlsplit(url).hostname or url).removeprefix("www.")))
        self._worker = screen.run_worker(
            partial(self._fetch, url, refresh, article.path), thread=True, exclusive=True, group="fulltext", exit_on_error=False
        )

    def warm(self) -> None:
        """An article with no body is shown: F is likely. Import the
        extractor now, once, on a thread of its own (trafilatura takes about
        0.12 s to import, which the first F would otherwise wait for)."""
        global _WARMED
        article = self.screen.pane.article
        if _WARMED or article is None or article.body.strip():
            return
        _WARMED = True
        threading.Thread(target=_import_extractor, name="reader-warm-extractor", daemon=True).start()

    def auto(self) -> None:
        """With `full_text = "auto"`: the article just shown, when it has no
        body and no full text yet, gets one once it stays shown a moment
        longer (never one the cursor only passed over), one at a time."""
        pane = self.screen.pane
        article = pane.article
        if article is None or article.body.strip() or pane.full is not None or not pane.display:
            return
        from reader.widgets.search import SearchInput

        if isinstance(self.screen.app.focused, SearchInput):
            return  # typing a search: what lands under the cursor is not being read
        path = article.path

        def still_there() -> None:
            shown = self.screen.pane.article
            if shown is not None and shown.path == path and self.screen.pane.full is None and not (self.running and self._path == path):
                self.start(quiet=True)  # (the newest wins: a fetch for an article left behind stops)

        self.screen.set_timer(AUTO_REST, still_there)

    def _fetch(self, url: str, refresh: bool, path: str) -> None:
        from reader.fulltext.service import FullTextError

        screen = self.screen
        worker = get_current_worker()
        try:
            full = screen.services.full_texts.get(url, refresh=refresh, cancelled=lambda: worker.is_cancelled)
        except FullTextError as exc:
            if not worker.is_cancelled:
                screen.post_message(FullTextFetched(path, None, str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - anything else is said in one line, never a traceback
            if not worker.is_cancelled:
                screen.post_message(FullTextFetched(path, None, f"The full text could not be had: {clean(str(exc) or type(exc).__name__)}"))
            return
        if not worker.is_cancelled:
            screen.post_message(FullTextFetched(path, full))  # shown at once...
        try:
            # ...then searched: indexing waits for a refresh under way to end.
            screen.library.add_full_text(url, full.markdown)
        except StoreError:
            pass  # kept in the cache all the same; `reader fetch` indexes what is cached and not indexed

    def stop(self) -> bool:
        """Esc: stop the fetch of the article shown, if one is under way;
        whether it did (a fetch for an article left behind carries on, and
        Esc does what it does elsewhere)."""
        pane = self.screen.pane
        if not self.running or pane.article is None or pane.article.path != self._path:
            return False
        self._cancel()
        pane.fetch_ended("Stopped: the full text was not fetched.")
        return True

    def _cancel(self) -> None:
        if self._waiting and self._worker is not None and not self._worker.is_finished:
            self._worker.cancel()
        self._worker = None
        self._waiting = False

    def fetched(self, event: FullTextFetched) -> None:
        """Show what a fetch brought, if its article is still the one shown."""
        if event.path == self._path:
            self._waiting = False
        pane = self.screen.pane
        if pane.article is None or pane.article.path != event.path:
            return  # moved on: it is cached, and shows when the article does
        if event.full is None:
            pane.fetch_ended(event.error)
            if not (self._quiet and event.path == self._path):
                self.screen.notify(event.error or "The full text could not be had.", severity="error", timeout=8)
        else:
            pane.show_full(event.full)
