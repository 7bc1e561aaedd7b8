"""Links out of the article on the main screen: to the browser (o, O),
the clipboard (y), a command (|), the list of every link (l), and a link
followed inside reader when it is an article of the library.

Only http(s) links leave reader (reader.links.refusal); the browser, the
clipboard and the command are the app's (ReaderApp.open_url, copy_text,
pipe_text), run without a shell.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from reader.links import refusal
from reader.store import StoreError

if TYPE_CHECKING:
    from reader.screens.main import MainScreen


class Handoff:
    """The main screen's keys that hand the article, or one of its links, on."""

    def __init__(self, screen: "MainScreen") -> None:
        self.screen = screen

    @property
    def app(self):
        return self.screen.app

    def open_link(self) -> None:
        """The article's link in the browser (o); opening it reads it."""
        screen = self.screen
        url = screen.pane.link()
        self.app.open_url(url or "")
        if url and refusal(url) is None:
            screen.marker.opened(screen.pane.row)

    def copy_link(self) -> None:
        url = self.screen.pane.link()
        if not url:
            self.screen.notify("This article has no link.", severity="warning")
            return
        self.app.copy_text(url)

    def open_and_next(self) -> None:
        """Open the article's link in the browser, mark it read and move to the next unread (O)."""
        screen = self.screen
        url = screen.pane.link()
        problem = refusal(url)
        if problem is not None:
            screen.notify(problem, severity="error")
            return
        row = screen.pane.row
        self.app.open_url(url or "")
        if row is not None and screen.state is not None:
            screen.list_pane.change_marks(row, lambda marks: replace(marks, read=True))
        failed = screen.list_pane.next_unread(1)
        if failed:
            screen.notify(failed, timeout=2)

    def links(self) -> None:
        """Every link of the article, the body's and the related ones, to follow, open or copy (l)."""
        from reader.screens.links import LinksScreen

        screen = self.screen
        pane = screen.pane
        pane.flush()
        entries = pane.link_entries()
        if not entries:
            screen.notify("The article is still loading." if pane.fetching else "This article has no links.", severity="warning")
            return

        def chosen(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            what, url = result
            if what == "follow":
                self.follow_url(url)  # one of ours inside reader, else the browser; non-http(s) refused
                return
            problem = refusal(url)
            if problem is not None:
                screen.notify(problem, severity="error")
            elif what == "browser":
                self.app.open_url(url)
            else:
                self.app.copy_text(url)

        self.app.push_screen(LinksScreen(entries), chosen)

    def pipe(self) -> None:
        """Send the article as Markdown to the config's pipe command (|), asking for one when none is set."""
        from reader.pipe import article_markdown

        screen = self.screen
        pane = screen.pane
        pane.flush()
        article = pane.article
        if article is None:
            screen.notify("The article is still loading." if pane.fetching else "No article to send.", severity="warning")
            return
        text = article_markdown(article)
        if screen.config.pipe:
            self.app.pipe_text(screen.config.pipe, text)
            return
        from reader.screens.ask import AskName

        def chosen(command: str | None) -> None:
            if command:
                self.app.pipe_text(command, text)

        self.app.push_screen(AskName("Send the article's Markdown to the command (no shell; set pipe in the config to skip this):", "less"), chosen)

    def follow_url(self, url: str | None) -> None:
        """Read a link inside reader when it is an article of the library, else open it in the browser."""
        screen = self.screen
        problem = refusal(url)
        if problem is not None:
            screen.notify(problem, severity="error")
            return
        assert url is not None
        try:
            found = screen.library.by_url([url]).get(url)
        except StoreError:
            found = None
        if found is None:
            self.app.open_url(url)
            return
        screen.open_row(found)
