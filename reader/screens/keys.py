"""The main screen's keys: each with an id (for the config's [keys] and
App.set_keymap) and a tooltip; the ones shown in the footer fit 80 columns
with the app's own q and ?."""

from __future__ import annotations

from textual.binding import Binding

MAIN_KEYS = [
    Binding("o", "open_link", "Open", id="open", tooltip="Open the article's link in the browser"),
    Binding("O", "open_and_next", "Open, next", id="open.next", tooltip="Open the link in the browser, mark the article read, go to the next unread", show=False),
    Binding("F", "full_text", "Full text", id="full_text", tooltip="Fetch the article's full text from its link (again: re-validate it)", show=False),
    Binding("y", "copy_link", "Copy link", id="copy", tooltip="Copy the article's link", show=False),
    Binding("l", "links", "Links", id="links", tooltip="The article's links: follow, open or copy", show=False),
    Binding("vertical_line", "pipe", "Pipe", id="pipe", tooltip="Send the article's Markdown to a command (the config's pipe)", show=False),
    Binding("i", "raw", "Raw", id="raw", tooltip="Show every field of the article's front matter", show=False),
    Binding("t", "toggle_topics", "Topics", id="topics", tooltip="Show or hide the topic list"),
    Binding("exclamation_mark", "problems", "Problems", id="problems", tooltip="Files that could not be read, and field warnings", show=False),
    # A priority binding runs while the app reads its keys, before it hands
    # the next ones on: keys typed in a burst after `/` reach the search bar.
    Binding("slash", "search", "Search", id="search", tooltip="Search with the query language", priority=True),
    Binding("m", "toggle_read", "Read/unread", id="mark.read", tooltip="Mark the article read or unread"),
    Binding("f", "toggle_star", "Star", id="mark.star", tooltip="Star or unstar the article"),
    Binding("plus,equals_sign", "quality_step(10)", "Quality +10", id="filter.quality_up", tooltip="Raise the minimum quality by 10", show=False),
    Binding("minus", "quality_step(-10)", "Quality -10", id="filter.quality_down", tooltip="Lower the minimum quality by 10", show=False),
    Binding("u", "toggle_unpublished", "Hide unpublished", id="filter.unpublished", tooltip="Hide or show unpublished articles", show=False),
    Binding("U", "toggle_unscored", "Hide unscored", id="filter.unscored", tooltip="Hide or show articles with no quality score", show=False),
    Binding("number_sign", "toggle_read_shown", "Hide read", id="filter.read", tooltip="Hide or show the read articles", show=False),
    Binding("p", "choose_provider", "Provider", id="filter.provider", tooltip="Show only one provider's articles", show=False),
    Binding("x", "clear_filters", "Clear filters", id="filter.clear", tooltip="Clear the quick filters", show=False),
    Binding("A", "mark_all_read", "Mark all read", id="mark.all", tooltip="Mark every article in this view read", show=False),
    Binding("w", "save_search", "Save search", id="search.save", tooltip="Save the current search under a name", show=False),
    Binding("n", "next_unread(1)", "Next unread", id="next_unread", tooltip="Next unread article", show=False),
    Binding("N", "next_unread(-1)", "Previous unread", id="previous_unread", tooltip="Previous unread article", show=False),
    Binding("v", "toggle_stories", "Stories", id="stories", tooltip="One row a story, or one row an article", show=False),
    Binding("right", "open_story", "Open story", id="story.open", tooltip="The articles of the story under the cursor", show=False),
    Binding("s", "cycle_sort", "Sort", id="sort", tooltip="Sort by quality, date, heat, title, sources", show=False),
    Binding("S", "reverse_sort", "Reverse", id="sort.reverse", tooltip="Reverse the sort", show=False),
    Binding("escape,backspace", "back", "Back", id="back", tooltip="Back to the previous article, or to the list", show=False),
    *[
        Binding(str(n), f"follow({n})", f"Related {n}", id=f"related.{n}", tooltip=f"Follow related link {n}", show=False)
        for n in range(1, 10)
    ],
]
