"""reader.fulltext.extract: a page's article as safe Markdown.

Real news pages (tests/fixtures/pages, from newspaper4k's test suite) keep
their article's sentences and lose their menus, footers and comments; a
hostile page comes out inert: links only http(s) and absolute, no escape
sequences, Rich-markup brackets shown as brackets.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from rich.console import Console
from rich.markdown import Markdown

from reader.fulltext.extract import ExtractError, extract, plain_links, web_url

PAGES = Path(__file__).parent / "fixtures" / "pages"


def links(markdown: str) -> list[str]:
    """Every link and image target a CommonMark reader finds in ``markdown``
    (validation off, so a javascript: link counts as the link it would be)."""
    parser = MarkdownIt("commonmark").enable("table")
    parser.validateLink = lambda url: True
    found: list[str] = []

    def walk(tokens) -> None:
        for token in tokens:
            if token.type == "link_open":
                found.append(str(token.attrs.get("href")))
            elif token.type == "image":
                found.append(str(token.attrs.get("src")))
            if token.children:
                walk(token.children)

    walk(parser.parse(markdown))
    return found


def shown(markdown: str) -> str:
    """What the article pane shows: the Markdown rendered by Rich, as text
    (its lines joined with spaces)."""
    console = Console(width=200, record=True, file=io.StringIO(), color_system=None)
    console.print(Markdown(markdown, hyperlinks=False))
    return " ".join(console.export_text().split())


CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def assert_inert(markdown: str) -> None:
    assert not CONTROLS.search(markdown), repr(CONTROLS.search(markdown))
    for target in links(markdown):
        assert target.startswith(("https://", "http://")), target


# -- real pages ----------------------------------------------------------------------------

# (file, address it was saved from, the article's own text, text around it
# that is not the article: menus, footers, sidebars, comments)
REAL_PAGES = [
    (
        "time_001.html",
        "https://time.com/6330957/james-hansen-climate-warning-geoengineering-study/",
        [
            "he brings a new warning: Scientists are underestimating how fast the planet is warming.",
            "Humanity made a Faustian bargain by offsetting a substantial but uncertain fraction",
            "[James Hansen](https://content.time.com/time/specials/packages/article/0,28804,1975813_1975844_1976439,00.html)",
        ],
        [
            "Sign Up for Our Ideas Newsletter",  # the bar at the top
            "Modern Slavery Statement",  # the footer
            "Subscriber Benefits",
            "Give a Gift",
        ],
    ),
    (
        "fox13now_001.html",
        "https://www.fox13now.com/2013/12/30/new-year-new-laws-obamacare-pot-guns-and-drones",
        [
            "Not everyone subscribes to a New Year’s resolution, but Americans will be required to follow new laws in 2014.",
            "**Illinois and drones**",
            "Colorado: Marijuana becomes legal in the state for buyers over 21 at a licensed retail dispensary.",
        ],
        [
            "Positively Utah",  # the menu
            "Great Salt Lake Collaborative",
            "Closed Captioning",  # the footer
            "Give Light and the People Will Find Their Own Way",
        ],
    ),
    (
        "spanish_article.html",
        "http://ultimahora.es/mallorca/noticia/noticias/local/fiscalia-anticorrupcion-estudia-recurre-imputacion-infanta.html",
        [
            "### Anticorrupción decidirá en Madrid si recurre la imputación de la Infanta",
            "El fiscal Pedro Horrach está perfilando con el jefe de la Fiscalía Anticorrupción",
            "Ya lo hizo en abril, pero la Audiencia anuló su decisión.",
        ],
        [
            "Hemeroteca",  # the menu
            "Quiénes somos",  # the footer
            "Matas evita la cárcel",  # the sidebar's other stories
            "Normas de uso",  # the comment form's rules
            "Vaya comportamiento tan poco ejemplar",  # a reader's comment
            "Hace 28 minutos",
        ],
    ),
    (
        "cleveland.com1.html",
        "http://www.cleveland.com/food/index.ssf/2014/12/let_me_google_that_for_you_201.html",
        [
            "Chia seeds and goji berries are the new kale and quinoa",
            "- Pizza was searched more than the World Cup.",
            "- Oh, and nine million people watched a tiny hampster eating a tiny burrito.",
            "[Google's recent parsing](https://www.google.com/trends/2014/story/food.html)",
        ],
        [
            "View/Post Comments",  # the comments button
            "Report a Delivery Issue",  # the footer
            "Career Opportunities",
            "A-List Dining Guide",  # the sidebar
        ],
    ),
]


@pytest.mark.parametrize("name, url, article, around", REAL_PAGES, ids=[p[0] for p in REAL_PAGES])
def test_a_real_page_gives_its_article_and_not_what_is_around_it(
    name: str, url: str, article: list[str], around: list[str]
) -> None:
    html = (PAGES / name).read_text(encoding="utf-8")
    for text in around:
        assert text in html  # the test can fail: the page does hold it
    markdown = extract(html, url)
    for text in article:
        assert text in markdown
    for text in around:
        assert text not in markdown
    assert_inert(markdown)


# -- made-up pages ---------------------------------------------------------------------------

SENTENCES = [
    "The harbour authority said on Tuesday that the new sea wall would be finished before the winter storms, two years later than planned.",
    "Engineers had found that the old wall, built in 1911, was moving by a few millimetres each year, and asked for the work to start at once.",
    "Residents who live along the front said they were relieved, though some worried about the noise of the pile drivers through the summer.",
]


def page(article: str, head: str = "") -> str:
    """A news page around ``article``: a cookie banner, a menu, comments, a footer."""
    return f"""<!doctype html><html><head><title>Sea wall</title>{head}</head><body>
<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience on our site.
By continuing you accept our use of cookies.</p><button>Accept all cookies</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article><h1>Sea wall to be finished before winter</h1>
{article}
</article>
<section id="comments" class="comments"><h3>4 comments</h3>
<div class="comment"><p>Seagull99 wrote: about time too, this wall has been falling down for years now.</p></div></section>
</main>
<footer><p>Copyright 2024 The Harbour Gazette. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>"""


def test_headings_lists_tables_and_links_are_kept_and_the_rest_left_out() -> None:
    article = f"""<p>{SENTENCES[0]} <a href="https://gazette.example/news/plan">The plan</a>.</p>
<h2>An old wall</h2><p>{SENTENCES[1]}</p>
<ul><li>Work starts in May</li><li>Cost: 12 million</li></ul>
<table><tr><th>Year</th><th>Movement</th></tr><tr><td>2020</td><td>3 mm</td></tr></table>
<p>{SENTENCES[2]}</p>"""
    markdown = extract(page(article), "https://gazette.example/news/sea-wall")
    assert "# Sea wall to be finished before winter" in markdown
    assert "## An old wall" in markdown
    assert "- Work starts in May\n- Cost: 12 million" in markdown
    assert "| Year | Movement |" in markdown and "| 2020 | 3 mm |" in markdown
    assert "[The plan](https://gazette.example/news/plan)" in markdown
    for sentence in SENTENCES:
        assert sentence in markdown
    for boilerplate in ("cookies", "Seagull99", "4 comments", "Copyright 2024", "Privacy policy", "Sport"):
        assert boilerplate not in markdown


def test_relative_links_come_out_absolute() -> None:
    article = f"""<p>{SENTENCES[0]} See <a href="/news/older.html">the older story</a>,
<a href="../maps/wall.html">the map</a>, <a href="photos?id=3">the photos</a>,
<a href="//cdn.gazette.example/report.pdf">the report</a> and <a href="#timeline">the timeline</a>.</p>
<p>{SENTENCES[1]}</p><p>{SENTENCES[2]}</p>"""
    markdown = extract(page(article), "https://gazette.example/news/2024/sea-wall")
    assert "[the older story](https://gazette.example/news/older.html)" in markdown
    assert "[the map](https://gazette.example/news/maps/wall.html)" in markdown
    assert "[the photos](https://gazette.example/news/2024/photos?id=3)" in markdown
    assert "[the report](https://cdn.gazette.example/report.pdf)" in markdown
    assert "[the timeline](https://gazette.example/news/2024/sea-wall#timeline)" in markdown
    assert_inert(markdown)


def test_a_base_element_is_what_relative_links_are_relative_to() -> None:
    article = f"""<p>{SENTENCES[0]} <a href="older.html">The older story</a>.</p><p>{SENTENCES[1]}</p><p>{SENTENCES[2]}</p>"""
    html = page(article, head='<base href="https://archive.gazette.example/2019/">')
    markdown = extract(html, "https://gazette.example/news/sea-wall")
    assert "[The older story](https://archive.gazette.example/2019/older.html)" in markdown


HOSTILE = f"""<!doctype html><html><head><title>x</title>
<script>document.write('<p>INJECTED by script</p>'); alert("script ran")</script>
<style>p {{ color: red }} .INJECTEDSTYLE {{}}</style></head><body><article>
<h1>Sea wall \x1b[2J\x1b[31mto be finished\x1b[0m</h1>
<p>{SENTENCES[0]} <a href="javascript:alert(1)">Click here</a> and
<a href="java&#10;script:alert(2)">here too</a> and <a href="data:text/html;base64,PHNjcmlwdD4=">this</a>
and <a href="file:///etc/passwd">that</a> and <a href="mailto:desk@gazette.example">write to us</a>
and <a href="vbscript:msgbox(1)">one more</a>.</p>
<p>{SENTENCES[1]} The title was [bold]markup[/] and [link=https://evil.example]a Rich link[/link],
with \x1b]8;;https://evil.example\x1b\\an OSC 8 link\x1b]8;;\x1b\\ and \x1b]0;new window title\x07 in it,
a bell\x07, a null\x00, a backspace\x08, C1 \x9b31mcontrols\x9c and a right-to-left \u202eoverride.</p>
<p>{SENTENCES[2]} Text that looks like links: [a](javascript:alert(3)) and &lt;javascript:alert(4)&gt;
and <a href="https://gazette.example/ok">[x](javascript:alert(5))</a>.</p>
<script>alert("late script")</script><noscript>INJECTED noscript</noscript>
</article></body></html>"""


def test_a_hostile_page_gives_inert_markdown() -> None:
    markdown = extract(HOSTILE, "https://gazette.example/news/sea-wall")
    assert_inert(markdown)
    assert "\u202e" not in markdown
    for sentence in SENTENCES:
        assert sentence in markdown
    # Escape sequences leave nothing of themselves behind.
    for rest in ("[2J", "[31m", "[0m", "]8;;", "]0;", "new window title", "31mcontrols"):
        assert rest not in markdown
    assert "Sea wall to be finished" in markdown
    # Scripts and styles are not text.
    for injected in ("INJECTED", "alert(", "color: red"):
        assert injected not in markdown.replace("alert(3)", "").replace("alert(4)", "").replace("alert(5)", "")
    # Links that are not http(s) become their text.
    for text in ("Click here", "here too", "this", "that", "write to us", "one more"):
        assert text in markdown
    assert "mailto:" not in markdown and "vbscript:" not in markdown and "data:" not in markdown
    # What the pane shows keeps Rich markup and look-alike links as text.
    screen = shown(markdown)
    assert "[bold]markup[/]" in screen
    assert "[link=https://evil.example]a Rich link[/link]" in screen
    assert "[a](javascript:alert(3))" in screen
    assert "<javascript:alert(4)>" in screen
    assert "\x1b" not in screen


def test_a_page_with_nothing_readable_raises() -> None:
    empty_shell = """<!doctype html><html><head><title>Not found</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav><h1>Page not found</h1>
<p>Sorry, that page has gone.</p><footer>© The Harbour Gazette</footer></body></html>"""
    only_script = "<html><head><script>var article = 'loaded later';</script></head><body><div id='app'></div></body></html>"
    for html in (empty_shell, only_script, "", "   \n", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj"):
        with pytest.raises(ExtractError) as raised:
            extract(html, "https://gazette.example/gone")
        message = str(raised.value)
        assert message and "\n" not in message


def test_the_message_for_an_empty_result_says_so() -> None:
    with pytest.raises(ExtractError, match="nothing readable could be found on the page"):
        extract("<html><body><article><p>Short.</p></article></body></html>", "https://gazette.example/")


# -- the link rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markdown, expected",
    [
        ("[a](javascript:x)", "a"),
        ("[a](<java script:x>)", "a"),
        ("![alt](data:image/png;base64,AA==)", "alt"),
        ("[a](file:///etc/passwd 'title')", "a"),
        ("[a](mailto:x@y.z)", "a"),
        ("\\[a](javascript:x)", "\\[a](javascript:x)"),  # escaped: text already
        ("\\\\[a](javascript:x)", "\\\\a"),  # an escaped backslash, then a real link
        ("<javascript:x>", "\\<javascript:x>"),
        ("<x@y.z>", "\\<x@y.z>"),
        ("[ref]: javascript:x", "\\[ref]: javascript:x"),
        ("[ok](https://a.example/(b)) and [t](http://b.example \"title\")", "[ok](https://a.example/(b)) and [t](http://b.example \"title\")"),
        ("<https://a.example/b>", "<https://a.example/b>"),
    ],
)
def test_plain_links_keeps_only_web_links(markdown: str, expected: str) -> None:
    assert plain_links(markdown) == expected
    assert all(target.startswith("http") for target in links(plain_links(markdown)))


def test_web_url_resolves_and_refuses() -> None:
    base = "https://gazette.example/news/a.html"
    assert web_url("/b", base) == "https://gazette.example/b"
    assert web_url("c d.html", base) == "https://gazette.example/news/c%20d.html"
    assert web_url("  https://other.example/x  ", base) == "https://other.example/x"
    assert web_url("java\tscript:alert(1)", base) is None
    assert web_url("JavaScript:alert(1)", base) is None
    assert web_url("ftp://files.example/x", base) is None
    assert web_url("http://[::1", base) is None
    assert web_url("", base) is None
