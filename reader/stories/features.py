"""What grouping knows of one article: its words, its links and its time.

Made in the parsing workers at index time (reader.store.records) and again
from the cache's columns for the articles a refresh regroups, by the same
function, so both give the same story.
"""

from __future__ import annotations

from typing import Iterable, NamedTuple

from reader.stories.canon import canonical_url
from reader.stories.text import title_key, words

EXCERPT_WORDS = 25  # an excerpt's first words are its lead; later ones drift
EXCERPT_CHARS = 400  # enough text for those words (a long excerpt is not read to its end)


class Features(NamedTuple):
    """The evidence of one article, as compact as it can be passed between
    processes: words and links joined into single strings."""

    title: str  # the headline's telling words, space-joined
    excerpt: str  # the excerpt's first telling words, space-joined
    links: str  # canonical links of the article itself, newline-joined
    related_links: str  # canonical links of its related items, newline-joined
    related_titles: str  # title keys of its related items, newline-joined
    title_key: str  # the headline, normalised (the usual dedupe's key)


def features(
    title: str | None,
    excerpt: str | None,
    urls: Iterable[str | None],
    related: Iterable[tuple[str | None, str | None]],
) -> Features:
    """``related`` holds (title, url) of the article's related items."""
    own = _links(urls)
    rel_links: list[str] = []
    rel_titles: list[str] = []
    for rel_title, rel_url in related:
        link = canonical_url(rel_url)
        if link and link not in own:
            rel_links.append(link)
        key = title_key(rel_title)
        if key:
            rel_titles.append(key)
    return Features(
        " ".join(words(title)),
        " ".join(words(excerpt[:EXCERPT_CHARS] if excerpt else excerpt, EXCERPT_WORDS)),
        "\n".join(own),
        "\n".join(dict.fromkeys(rel_links)),
        "\n".join(dict.fromkeys(rel_titles)),
        title_key(title),
    )


def _links(urls: Iterable[str | None]) -> list[str]:
    out: dict[str, None] = {}
    for url in urls:
        link = canonical_url(url)
        if link:
            out[link] = None
    return list(out)
