"""Where reader leans on how Textual works inside, for speed. These fail
loudly when a Textual release changes what they lean on; pyproject.toml pins
Textual to the minor version they passed on.

- ArticleList changes its length with set_reactive(virtual_size) and
  Widget._scroll_update (private): the scrollbar and the scroll limits
  follow, and nothing is laid out again (a layout is a few ms of every key
  typed into a search).
- SearchInput sets its virtual size, before Input's own watcher does, to
  what Input.content_width will be: typing lays nothing out.
"""

from __future__ import annotations

import inspect
from array import array
from pathlib import Path

from textual.geometry import Size
from textual.widget import Widget

from conftest import article, write
from helpers_app import build, settle
from reader.widgets.search import SearchInput


def layouts(widget) -> list[dict]:
    """Record the refreshes ``widget`` asks for with a layout."""
    asked: list[dict] = []
    refresh = widget.refresh

    def recording(*args, **kwargs):
        if kwargs.get("layout"):
            asked.append(kwargs)
        return refresh(*args, **kwargs)

    widget.refresh = recording
    return asked


def typing_layouts(field: SearchInput) -> list[dict]:
    """Record the layouts ``field`` asks for as its value changes: from its
    validator (which runs first) to its public watcher (which runs last)."""
    asked = layouts(field)
    changing: list[dict] = []
    validate, watch = field.validate_value, field.watch_value

    def validating(value: str) -> str:
        asked.clear()
        return validate(value)

    def watching(value: str) -> None:
        changing.extend(asked)
        watch(value)

    field.validate_value = validating
    field.watch_value = watching
    return changing


def test_scroll_update_is_there_and_takes_a_size() -> None:
    update = getattr(Widget, "_scroll_update", None)
    assert callable(update), "Textual no longer has Widget._scroll_update: see ArticleList._set_length"
    assert list(inspect.signature(update).parameters) == ["self", "virtual_size"]


async def test_a_new_length_moves_the_scrollbar_without_a_layout(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    for n in range(40):
        write(folder, f"{n:02}.md", article(f"Story {n:02}", quality=n))
    app = build(folder, tmp_path, watch=False)
    async with app.run_test(size=(100, 20)) as pilot:
        await settle(pilot)
        articles = app.screen.articles
        ids = array("q", articles.ids)
        assert articles.show_vertical_scrollbar
        asked = layouts(articles)
        articles.set_ids(ids * 50, None)  # 2,000 lines
        assert articles.virtual_size.height == 2000
        assert articles.max_scroll_y == 2000 - articles.size.height
        assert articles.vertical_scrollbar.window_virtual_size == 2000
        articles.set_ids(ids * 10, None)
        assert articles.max_scroll_y == 400 - articles.size.height
        assert articles.vertical_scrollbar.window_virtual_size == 400
        assert asked == []
        await pilot.pause()
        articles.move_to(399)
        assert int(articles.scroll_offset.y) == 400 - articles.size.height


async def test_typing_a_search_lays_nothing_out(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    write(folder, "a.md", article("Story"))
    app = build(folder, tmp_path, watch=False)
    async with app.run_test(size=(40, 20)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        field = app.screen.query_one(SearchInput)
        asked = typing_layouts(field)
        for key in "quantum computing topic:AI quality:>=10":
            await pilot.press({" ": "space", ":": "colon", "-": "minus", ">": "greater_than_sign", "=": "equals_sign"}.get(key, key))
            assert field.virtual_size == Size(field.content_width, 1), "Input.content_width changed: see SearchInput.validate_value"
        assert asked == []
        assert field.scroll_x > 0  # the text still scrolls to show what is typed
        for _ in range(8):
            await pilot.press("backspace")
        assert field.virtual_size == Size(field.content_width, 1) and asked == []
