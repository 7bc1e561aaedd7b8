"""One article as Rich renderables: used by `reader show`.

Every value from the file is wrapped in Text after clean(); the body goes
to Rich's Markdown with hyperlinks off, so a link prints its address
instead of hiding it in an escape sequence.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from reader.format import absolute, relative, score
from reader.model import Article, Related
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


def render_article(article: Article, uid: str | None = None, in_library: Iterable[str] = ()) -> RenderableType:
    parts: list[RenderableType] = [Text(clean(article.title), style="bold"), metadata_lines(article, uid)]
    if article.excerpt:
        parts += [Text(""), Text(clean(article.excerpt), style="italic")]
    if article.body.strip():
        parts += [Rule(style="dim"), body_markdown(article.body)]
    if article.related:
        parts += [Rule("Related", style="dim"), *related_lines(article, in_library)]
    return Group(*parts)
