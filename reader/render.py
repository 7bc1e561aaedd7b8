"""One article as Rich renderables: `reader show` (render_article) and
the app's article pane (pane_meta, DetailsLine, body_with_links).

Every value from the file is wrapped in Text after clean(); the body goes
to Rich's Markdown with hyperlinks off, so a link prints its address
instead of hiding it in an escape sequence (`reader show`), or, in the
pane, is numbered as newsboat does (``text[1]``) with the addresses listed
after the body.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Sequence

from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.markdown import Markdown
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from reader.format import absolute, relative, score
from reader.links import refusal
from reader.model import Article, ListRow, Provider, Related
from reader.text import clean, clean_block

MAX_BODY_CHARS = 200_000


def _field(table: Table, label: str, value: str | Text | None) -> None:
    if value is None or value == "":
        return
    table.add_row(Text(label, style="dim"), value if isinstance(value, Text) else Text(value))


def metadata_lines(
    article: Article, uid: str | None = None, shown_path: str | None = None, now: datetime | None = None
) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    provider = article.provider
    if provider is not None:
        name = clean(provider.name)
        domain = clean(provider.domain)
        _field(table, "Provider", f"{name} ({domain})" if name and domain else name or domain)
    if article.published_at is not None:
        _field(table, "Published", f"{absolute(article.published_at)} ({relative(article.published_at, now)})")
    kind = " / ".join(clean(x) for x in (article.type, article.category) if x)
    _field(table, "Type", kind)
    scores = Text()
    scores.append(f"quality {score(article.quality)}")
    scores.append(f"   heat {score(article.heat)}")
    if article.published is not None:
        scores.append("   published" if article.published else "   not published")
    _field(table, "Scores", scores)
    if article.topics:
        _field(table, "Topics", ", ".join(clean(t) for t in article.topics))
    for label, url in (
        ("Link", article.web_url),
        ("Original", article.original_url if article.original_url != article.web_url else None),
        ("AMP", article.amp_web_url),
    ):
        _field(table, label, clean(url) if url else None)
    for image in article.images:
        size = f"{image.width}x{image.height} " if image.width and image.height else ""
        _field(table, "Image", f"{size}{clean(image.url)}")
    if article.has_secured:
        _field(table, "Secured", Text("an encrypted payload is present (not shown)", style="italic"))
    for key, value in article.extra.items():
        _field(table, clean(key), clean(value)[:200])
    if uid:
        _field(table, "ID", uid)
    _field(table, "File", clean(shown_path or article.path))
    return table


def body_markdown(body: str) -> RenderableType:
    text = clean_block(body)
    note = None
    if len(text) > MAX_BODY_CHARS:
        note = Text(f"(body shortened: showing {MAX_BODY_CHARS:,} of {len(text):,} characters)", style="dim italic")
        text = text[:MAX_BODY_CHARS]
    markdown = Markdown(text, hyperlinks=False)
    return Group(markdown, note) if note else markdown


def body_with_links(body: str) -> tuple[RenderableType, list[tuple[str, str]]]:
    """The body as Markdown with its links numbered in the text
    (``text[1]``, one number per address) and listed after it; and the
    links as (text, address), in number order."""
    text = clean_block(body)
    note = None
    if len(text) > MAX_BODY_CHARS:
        note = Text(f"(body shortened: showing {MAX_BODY_CHARS:,} of {len(text):,} characters)", style="dim italic")
        text = text[:MAX_BODY_CHARS]
    markdown = NumberedLinks(text)
    parts: list[RenderableType] = [markdown]
    if note is not None:
        parts.append(note)
    if markdown.links:
        parts.append(link_list(markdown.links))
    return (parts[0] if len(parts) == 1 else Group(*parts)), list(zip(markdown.labels, markdown.links))


def link_list(links: Sequence[str]) -> Text:
    """``[1] address`` a line, after a blank line; addresses reader will not
    open (not http or https) say so."""
    out = Text("\nLinks", style="bold")
    for number, url in enumerate(links, 1):
        out.append(f"\n[{number}] ", style="bold")
        out.append(clean(url), style="dim" if refusal(url) else "")
        if refusal(url):
            out.append("  (not opened: only http and https)", style="dim italic")
    return out


class NumberedLinks(Markdown):
    """Rich's Markdown with each link shown as its text and a number
    (``text[1]``, in the link colour), the same address keeping its number;
    ``links`` holds the addresses by number (1-based order)."""

    inlines = Markdown.inlines | {"link"}  # the tag of the tokens _numbered makes

    def __init__(self, markup: str) -> None:
        super().__init__(markup, hyperlinks=False)
        self.links: list[str] = []
        self.labels: list[str] = []  # each link's text where it first appears, by number
        numbers: dict[str, int] = {}
        for token in self.parsed:
            if token.children:
                token.children = self._numbered(token.children, numbers)

    def _numbered(self, tokens: list, numbers: dict[str, int]) -> list:
        from markdown_it.token import Token

        out = []
        open_links: list[tuple[int, int]] = []  # (number, where its text starts in out)
        for token in tokens:
            if token.type == "link_open":
                href = str(token.attrs.get("href", ""))
                if href not in numbers:
                    self.links.append(href)
                    self.labels.append("")
                    numbers[href] = len(self.links)
                open_links.append((numbers[href], len(out) + 1))
                # Styled as "markdown.link" by Markdown's inline branch.
                out.append(Token("numbered-link_open", "link", 1))
            elif token.type == "link_close" and open_links:
                number, start = open_links.pop()
                if not self.labels[number - 1]:
                    words = "".join(t.content for t in out[start:] if t.type in ("text", "code_inline"))
                    self.labels[number - 1] = clean(words)
                out.append(Token("text", "", 0, content=f"[{number}]"))
                out.append(Token("numbered-link_close", "link", -1))
            else:
                if token.children:
                    token.children = self._numbered(token.children, numbers)
                out.append(token)
        return out


def row_meta(row: ListRow, shown_path: str, now: datetime | None) -> Group:
    """The pane's lines under the title for what the list knows of an
    article: the lines article_meta() gives once the file is read."""
    lines = pane_meta(
        row.provider or "", row.domain or "", row.published_datetime, row.quality, row.heat, row.published, row.topics, now, _story(row)
    )
    return Group(*lines, DetailsLine([], shown_path))


def _story(row: ListRow | None) -> tuple[int, float | None] | None:
    return (row.story_size, row.story_heat) if row is not None and row.story_size > 1 else None


def article_meta(article: Article, shown_path: str, now: datetime | None, row: ListRow | None = None) -> Group:
    """The pane's lines under the title: provider · date · scores (and its
    story's, from the list's ``row``), the topics, and one line of details."""
    provider = article.provider or Provider()
    lines = pane_meta(
        provider.name or "", provider.domain or "", article.published_at, article.quality, article.heat, article.published, article.topics, now,
        _story(row),
    )
    return Group(*lines, DetailsLine(article_details(article), shown_path))


def pane_meta(
    provider: str,
    domain: str,
    when: datetime | None,
    quality: float | None,
    heat: float | None,
    published: bool | None,
    topics: Sequence[str],
    now: datetime | None,
    story: tuple[int, float | None] | None = None,
) -> list[Text]:
    """provider · date (relative) · quality · heat (wrapped when narrow),
    then the topics on one line. ``story``: its size and heat, when the
    article is one of several reports of one story."""
    parts = []
    name, site = clean(provider), clean(domain)
    if name or site:
        parts.append(f"{name} ({site})" if name and site and name.casefold() != site.casefold() else name or site)
    parts.append(f"{absolute(when)[:10]} ({relative(when, now)})" if when is not None else "no date")
    parts.append(f"quality {score(quality)}" if quality is not None else "no quality score")
    if heat is not None:
        story_heat = f" (story {score(story[1])})" if story is not None and story[1] is not None else ""
        parts.append(f"heat {score(heat)}{story_heat}")
    elif story is not None and story[1] is not None:
        parts.append(f"story heat {score(story[1])}")
    if story is not None:
        parts.append(f"{story[0]} sources")
    if published is False:
        parts.append("not published")
    lines = [Text(" · ".join(parts))]
    shown = [clean(t) for t in topics if clean(t)]
    if shown:
        second = Text("Topics ", style="dim", no_wrap=True, overflow="ellipsis")
        second.append(", ".join(shown), style="italic")
        lines.append(second)
    return lines


def article_details(article: Article) -> list[str]:
    """What the pane keeps to one line: images, other links, the secured
    payload, the type, the other fields (all of them shown by `i`)."""
    parts = []
    if article.images:
        parts.append(f"{len(article.images)} image{'s' if len(article.images) != 1 else ''}")
    if article.amp_web_url or article.cdn_amp_web_url:
        parts.append("AMP")
    if article.original_url and article.original_url != article.web_url:
        parts.append("original link")
    if article.has_secured:
        parts.append("secured payload")
    kind = " / ".join(clean(x) for x in (article.type, article.category) if x)
    if kind:
        parts.append(kind)
    if article.extra:
        parts.append(f"{len(article.extra)} more field{'s' if len(article.extra) != 1 else ''}")
    return parts


class DetailsLine:
    """One dim line: ``parts`` joined by " · ", then the file's name, cut
    in its middle to fit the width (its end, the extension, stays)."""

    def __init__(self, parts: Sequence[str], file: str) -> None:
        self.parts = list(parts)
        self.file = clean(file)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        if width < 1:
            return
        line = " · ".join([*self.parts, "file "])
        room = width - cell_len(line)
        if room >= min(12, cell_len(self.file)):
            line += middle_cut(self.file, room)
        else:
            line = " · ".join(self.parts)
        text = Text(line, style="dim", no_wrap=True, overflow="ellipsis")
        text.truncate(width, overflow="ellipsis")
        yield text


def middle_cut(text: str, cells: int, tail: int = 10) -> str:
    """``text`` in at most ``cells`` cells: its start and its last ``tail``
    cells around an ellipsis when too long."""
    if cell_len(text) <= cells:
        return text
    if cells <= 1:
        return "…"[:cells]
    tail = min(tail, (cells - 1) // 2)
    head = cells - 1 - tail
    end = text
    while cell_len(end) > tail:
        end = end[1:]
    return set_cell_size(text, head).rstrip() + "…" + end


def related_details(item: Related, date_only: bool = False) -> str:
    """'Provider · date · quality N' for a related article (the parts it has)."""
    details = []
    if item.provider is not None:
        details.append(clean(item.provider.label()))
    if item.published_at is not None:
        details.append(absolute(item.published_at)[:10] if date_only else absolute(item.published_at))
    if item.quality is not None:
        details.append(f"quality {score(item.quality)}")
    return " · ".join(d for d in details if d)


def related_option(number: int, item: Related, in_library: bool) -> Text:
    """A related article in the pane: its number and title, whether it is
    in the library, provider · date · quality, and its excerpt (cut at 240)."""
    text = Text()
    text.append(f"{number}. " if number < 10 else f"{number}.", style="bold")
    text.append(clean(item.title) or "(untitled)", style="bold")
    if in_library:
        text.append("  ◆ in library", style="green")
    details = related_details(item, date_only=True)
    if details:
        text.append("\n   " + details, style="dim")
    if item.excerpt:
        excerpt = clean(item.excerpt)
        text.append("\n   " + (excerpt if len(excerpt) <= 240 else excerpt[:239] + "…"))
    return text


def related_lines(article: Article, in_library: Iterable[str] = ()) -> list[RenderableType]:
    inside = set(in_library)
    out: list[RenderableType] = []
    for number, item in enumerate(article.related, 1):
        line = Text(f"{number}. ", style="bold")
        line.append(clean(item.title) or "(untitled)", style="bold")
        if item.url and item.url in inside:
            line.append("  [in library]", style="green")
        out.append(line)
        meta = "   " + related_details(item)
        out.append(Text(meta, style="dim"))
        if item.url:
            out.append(Text("   " + clean(item.url), style="blue"))
        if item.excerpt:
            out.append(Text("   " + clean(item.excerpt)))
    return out


def full_text_heading(full, now) -> Text:
    """The line over a full text: where it came from and when it was fetched."""
    from reader.format import relative

    return Text(f"Full text from {full.host} · fetched {relative(full.fetched_at, now)}", style="dim italic")


def render_article(article: Article, uid: str | None = None, in_library: Iterable[str] = (), full=None) -> RenderableType:
    """``reader show``'s article; with ``full`` (reader.fulltext.service.FullText)
    its page's full text in place of the body."""
    parts: list[RenderableType] = [Text(clean(article.title), style="bold"), metadata_lines(article, uid)]
    if article.excerpt:
        parts += [Text(""), Text(clean(article.excerpt), style="italic")]
    if full is not None:
        from datetime import datetime, timezone

        parts += [Rule(style="dim"), full_text_heading(full, datetime.now(timezone.utc)), Text(""), body_markdown(full.markdown)]
    elif article.body.strip():
        parts += [Rule(style="dim"), body_markdown(article.body)]
    if article.related:
        parts += [Rule("Related", style="dim"), *related_lines(article, in_library)]
    return Group(*parts)
