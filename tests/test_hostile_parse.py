"""The parser against hostile input: whatever a file holds, the answer is an
Article or a reported Problem, never an exception, a hang or a memory blow-up.

The strategies here are also what ``bench/fuzz.py`` runs for minutes on end.
"""

from __future__ import annotations

import functools
import json
import math
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader import parse
from reader.model import Article, Image, Problem, Provider, Related
from reader.parse import parse_bytes, parse_file, parse_text

PATH = "folder/2024-01-02-hostile-file.md"
# One file must never take longer than this (CPU seconds). Generous: the
# point is to catch hangs, not to time the parser.
SLOW = 5.0
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- what every answer must look like ------------------------------------------


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_text(value: object, *, empty: bool = True) -> bool:
    return isinstance(value, str) and _utf8(value) and (empty or bool(value))


def _is_number(value: object) -> bool:
    """None, a finite float, or an int that SQLite can keep."""
    if value is None or type(value) is float:
        return value is None or math.isfinite(value)
    return type(value) is int and -(2**63) < value < 2**63


def _is_when(value: object) -> bool:
    return value is None or (isinstance(value, datetime) and value.utcoffset() == timedelta(0))


def _check_provider(provider: object) -> None:
    if provider is None:
        return
    assert isinstance(provider, Provider)
    assert provider.name or provider.domain
    for value in (provider.name, provider.domain):
        assert value is None or _is_text(value, empty=False)
    assert isinstance(provider.label(), str)


def _check_images(images: object) -> None:
    assert isinstance(images, tuple)
    for image in images:
        assert isinstance(image, Image)
        assert _is_text(image.url, empty=False)
        for size in (image.width, image.height):
            assert size is None or (type(size) is int and 0 <= size <= 2**63)
        assert image.title is None or _is_text(image.title)
        assert image.is_cached is None or isinstance(image.is_cached, bool)


def _check_related(related: object) -> None:
    assert isinstance(related, tuple)
    assert len(related) <= parse.MAX_ITEMS
    for item in related:
        assert isinstance(item, Related)
        for value in (item.title, item.url, item.excerpt, item.type, item.amp_url, item.cdn_amp_url):
            assert value is None or _is_text(value)
        assert _is_when(item.published_at)
        assert _is_number(item.quality)
        _check_provider(item.provider)
        _check_images(item.images)


def _line_count(source: str | bytes) -> int:
    if isinstance(source, bytes):
        return source.count(b"\n") + source.count(b"\r") + 1
    return source.count("\n") + source.count("\r") + 1


def check(result: object, path: str, source: str | bytes) -> tuple[Article | None, list[Problem]]:
    """Assert that ``result`` is what a caller of the parser may rely on."""
    assert isinstance(result, tuple) and len(result) == 2
    article, problems = result
    assert isinstance(problems, list)
    assert len(problems) <= parse.MAX_WARNINGS + 5
    lines = _line_count(source)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path == path
        assert isinstance(problem.reason, str) and problem.reason.strip()
        # one line, and nothing that a terminal would act on
        assert problem.reason.isprintable(), repr(problem.reason)
        assert problem.line is None or (type(problem.line) is int and 1 <= problem.line <= lines), (problem, lines)
        assert isinstance(problem.format(), str)
    if article is None:
        assert any(p.skipped for p in problems), problems
        return article, problems
    assert isinstance(article, Article)
    assert not any(p.skipped for p in problems), problems
    assert article.path == path
    assert _is_text(article.title, empty=False)
    assert any(ch.isprintable() and not ch.isspace() for ch in article.title), repr(article.title)
    for value in (article.excerpt, article.category, article.original_url, article.web_url,
                  article.amp_web_url, article.cdn_amp_web_url, article.type):
        assert value is None or _is_text(value)
    assert article.url is None or isinstance(article.url, str)
    assert _is_when(article.published_at)
    assert _is_number(article.quality)
    assert _is_number(article.heat) and article.heat != -1
    assert article.published is None or isinstance(article.published, bool)
    _check_provider(article.provider)
    assert isinstance(article.topics, tuple) and len(article.topics) <= parse.MAX_TOPICS
    assert all(_is_text(t, empty=False) and t == t.strip() for t in article.topics)
    assert len(set(article.topics)) == len(article.topics)
    _check_images(article.images)
    _check_related(article.related)
    # one related article past the allowance is kept with the images it had
    assert len(article.images) + sum(1 + len(r.images) for r in article.related) <= parse.MAX_ITEMS + 1
    assert isinstance(article.has_secured, bool)
    assert _is_text(article.body)
    assert isinstance(article.extra, dict)
    stored = json.dumps(article.extra, ensure_ascii=False, allow_nan=False)  # the cache keeps it as JSON
    assert _utf8(stored)
    assert len(stored) <= 8 * parse.MAX_EXTRA_CHARS
    return article, problems


def run(function: Any, source: str | bytes, path: str = PATH) -> tuple[Article | None, list[Problem]]:
    started = time.process_time()
    result = function(source, path)
    spent = time.process_time() - started
    assert spent < SLOW, f"{spent:.1f} s for one file"
    return check(result, path, source)


# -- strategies ----------------------------------------------------------------

# Characters that hurt: wide, combining, right-to-left, bidi controls,
# zero-width and other format characters, C0/C1 controls, lone surrogates,
# YAML's own punctuation and the other line breaks libyaml knows.
NASTY_CHARS = (
    "中文字漢字한글ｶﾀｶﾅ🎉👩‍👩‍👧"
    "e\u0301\u0300\u0336\u20dd"
    "עברית العربية"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u061c"
    "\x00\x01\x07\x08\t\x0b\x0c\x1b\x7f\x80\x85\x9b\x9f\u2028\u2029"
    "\ud800\udbff\udc00\udfff"
    "\ufffd\uffff\U0010ffff"
    ":-?[]{},#&*!|>'\"%@`\\ \n"
)
nasty_text = st.text(
    alphabet=st.one_of(st.sampled_from(NASTY_CHARS), st.characters()),
    max_size=40,
)
# Text that might be valid in a file: no surrogates (no file holds them).
file_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40) | st.text(
    alphabet=st.sampled_from(NASTY_CHARS.replace("\ud800", "").replace("\udbff", "").replace("\udc00", "").replace("\udfff", "")),
    max_size=40,
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**200), max_value=2**200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 0.0, -0.0, 1e308, 5e-324]),
    file_text,
    st.sampled_from(["", " ", "-1", "34", "34%", "yes", "no", "~", "null", "2023-07-18T18:30:00Z", "9999-12-31T23:59:59-23:59",
                     "0001-01-01T00:00:00+23:00", ".nan", "1e999", "0x1F", "https://example.com/a", "[bold]x[/]"]),
)
yaml_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(file_text | st.integers(), children, max_size=4),
    max_leaves=12,
)

# Raw YAML fragments, written by hand: tags, anchors, odd numbers and dates,
# broken syntax. Each is put after "field: ".
RAW_VALUES = [
    "", "~", "null", "!!null x", "true", "yes", "On", "0", "1", "-1", "0o17", "0x_FF", "0b1010", "1_000", "1:30:00",
    "190:20:30.15", ".inf", "-.INF", ".NaN", "1e400", "-1e400", "12e", "0x" + "f" * 40, "1" + ":59" * 50,
    "2023-07-18", "2023-07-18T18:30:00Z", "2023-7-8 1:02:03.123456789 -5", "2023-02-30", "0000-01-01", "9999-12-31T23:59:59+25:00",
    "!!binary aGVsbG8=", "!!binary ===", "!!timestamp nope", "!!int nope", "!!float nope", "!!bool maybe", "!!str 12",
    "!!python/object/apply:os.system ['true']", "!!python/name:os.system", "!<tag:yaml.org,2002:int> 12", "!local x",
    "!<%1B%5B31m%E2%80%AE> x", "!!set {a, b}", "!!omap [a: 1, b: 2]", "!!pairs [a: 1]", "!!map [1]", "!!seq {a: 1}",
    "&a [1, *a]", "&b {x: *b}", "{<<: {a: 1}, b: 2}", "{<<: [{a: 1}, {b: 2}], c: 3}", "{<<: 5}", "{? [1, 2] : x, ? {a: b} : y}",
    "[a, [b, [c, [d]]]]", "{a: {b: {c: {d: e}}}}", "[]", "{}", "[[], {}, [{}]]",
    "'single ''quoted'''", '"double \\e[31m \\x1b \\u202e \\0 \\N \\L \\P \\_"', '"\\ud800"', '"unterminated',
    "|\n  literal\n  block", ">-\n  folded\n  block", "|2-\n    kept\n", "[unclosed", "{unclosed: 1", "a: b: c", "- a\n- b",
    "\n  - one\n  - two", "\n  name: n\n  domain: d", "\n  - url: u\n    width: 10", "*undefined", "&only", "@reserved", "`tick",
    "%YAML 1.1", "? complex", "'\t'", '"\\t\\n "', "\u202e\u2066reversed", "\x85next", "a\u2028b", "\ufeffbom",
]
raw_value = st.sampled_from(RAW_VALUES) | nasty_text.map(json.dumps) | file_text

ARTICLE_FIELDS = [
    "category", "title", "excerpt", "publishedDateTime", "originalUrl", "webUrl", "ampWebUrl", "cdnAmpWebUrl",
    "type", "quality", "heat", "published", "provider", "topics", "images", "related", "secured",
]
RELATED_FIELDS = ["title", "excerpt", "publishedDateTime", "webUrl", "originalUrl", "ampWebUrl", "cdnAmpWebUrl",
                  "type", "provider", "quality", "images"]
IMAGE_FIELDS = ["url", "width", "height", "title", "isCached"]

# Values that fit the field, so the wrong ones are tried beside right ones.
GOOD = {
    "title": st.just("A title"),
    "publishedDateTime": st.sampled_from(["2023-07-18T18:30:00Z", datetime(2023, 7, 18, 18, 30)]),
    "quality": st.integers(0, 100),
    "heat": st.integers(-1, 100),
    "published": st.booleans(),
    "topics": st.lists(st.sampled_from(["AI", "Chips", " padded "]), max_size=3),
    "webUrl": st.just("https://example.com/a"),
    "url": st.just("https://img.example/a.jpg"),
    "width": st.integers(0, 4000),
    "height": st.integers(0, 4000),
    "isCached": st.booleans(),
}


def _field(name: str, inner: dict[str, st.SearchStrategy[Any]] | None = None) -> st.SearchStrategy[Any]:
    options = [yaml_values]
    if name in GOOD:
        options.append(GOOD[name])
    if inner is not None and name in inner:
        options.append(inner[name])
    return st.one_of(*options)


def _record(fields: list[str], inner: dict[str, st.SearchStrategy[Any]] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """A mapping holding some of ``fields``, each with any value, plus unknown keys."""
    return st.fixed_dictionaries({}, optional={name: _field(name, inner) for name in fields}).flatmap(
        lambda known: st.dictionaries(file_text, yaml_values, max_size=2).map(lambda extra: {**extra, **known})
    )


providers = _record(["name", "domain"]) | file_text
images = _record(IMAGE_FIELDS)
image_lists = st.lists(images | file_text | yaml_values, max_size=3) | images
related_items = _record(RELATED_FIELDS, {"provider": providers, "images": image_lists})
related_lists = st.lists(related_items | yaml_values, max_size=3) | related_items
articles = _record(
    ARTICLE_FIELDS,
    {"provider": providers, "images": image_lists, "related": related_lists, "topics": st.lists(yaml_values, max_size=4)},
)


def _dump(meta: dict[str, Any]) -> str:
    return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)


@st.composite
def article_texts(draw: st.DrawFn) -> str:
    """A whole file: front matter from any values (dumped by PyYAML), and a body."""
    meta = draw(articles)
    body = draw(nasty_text)
    return "---\n" + _dump(meta) + "---\n" + body


@st.composite
def raw_article_texts(draw: st.DrawFn) -> str:
    """A whole file written by hand: known fields and nested fields with raw YAML values."""
    lines = ["---"]
    for name in draw(st.lists(st.sampled_from(ARTICLE_FIELDS + ["extra", "<<"]), max_size=6)):
        lines.append(f"{name}: {draw(raw_value)}")
    if draw(st.booleans()):
        lines.append("provider:")
        lines += [f"  {key}: {draw(raw_value)}" for key in draw(st.lists(st.sampled_from(["name", "domain"]), max_size=2))]
    if draw(st.booleans()):
        lines.append("related:")
        for _ in range(draw(st.integers(0, 2))):
            keys = draw(st.lists(st.sampled_from(RELATED_FIELDS), min_size=1, max_size=4))
            lines.append(f"  - {keys[0]}: {draw(raw_value)}")
            lines += [f"    {key}: {draw(raw_value)}" for key in keys[1:]]
            if draw(st.booleans()):
                lines.append("    images:")
                image_keys = draw(st.lists(st.sampled_from(IMAGE_FIELDS), min_size=1, max_size=3))
                lines.append(f"      - {image_keys[0]}: {draw(raw_value)}")
                lines += [f"        {key}: {draw(raw_value)}" for key in image_keys[1:]]
    lines.append("---")
    lines.append(draw(nasty_text))
    text = "\n".join(lines)
    if draw(st.booleans()):
        text = draw(st.sampled_from(["\r\n", "\r", "\n\n", "\x85", "\u2028"])).join(text.split("\n"))
    return draw(st.sampled_from(["", "\ufeff", "\n\n", " \t\n"])) + text


def _mangle(text: str, cut: int, junk: str) -> str:
    at = cut % (len(text) + 1)
    return text[:at] + junk + text[at:]


mangled_texts = st.builds(_mangle, article_texts() | raw_article_texts(), st.integers(0, 10_000), nasty_text)


def encode(text: str, how: str) -> bytes:
    """The text as a file would hold it (lone surrogates kept, as invalid bytes)."""
    if how == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    return text.encode(how, "surrogatepass" if how.startswith("utf") else "replace")


file_bytes = st.one_of(
    st.binary(max_size=300),
    st.builds(encode, article_texts() | raw_article_texts() | mangled_texts, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "latin-1"])),
    st.builds(lambda head, tail: b"---\n" + head + b"\n---\n" + tail, st.binary(max_size=100), st.binary(max_size=50)),
)
any_text = st.one_of(nasty_text, article_texts(), raw_article_texts(), mangled_texts)
any_path = st.one_of(st.just(PATH), st.sampled_from(["", "/", "a/", ".md", "---.md", "2024-01-01-.md", " .md"]), file_text)


# -- properties -----------------------------------------------------------------


@FAST
@given(st.binary(max_size=2000) | file_bytes)
def test_any_bytes_give_an_article_or_a_problem(data: bytes) -> None:
    run(parse_bytes, data)


@FAST
@given(any_text)
def test_any_text_gives_an_article_or_a_problem(text: str) -> None:
    run(parse_text, text)


@FAST
@given(article_texts())
def test_any_value_in_any_field_keeps_the_article(text: str) -> None:
    # Well-formed YAML with a mapping at the top: the article must survive
    # whatever the values are; wrong ones cost warnings, not the file.
    article, problems = run(parse_text, text)
    assert article is not None, [p.format() for p in problems]


@FAST
@given(raw_article_texts())
def test_hand_written_yaml_in_every_field(text: str) -> None:
    run(parse_text, text)


@FAST
@given(any_text, any_path)
def test_any_display_path(text: str, path: str) -> None:
    article, problems = run(parse_text, text, path)
    assert all(p.path == path for p in problems)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.binary(max_size=500) | file_bytes)
def test_any_file_on_disk(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(data)
    started = time.process_time()
    got = check(parse_file(str(path), "shown/a.md"), "shown/a.md", data)
    assert time.process_time() - started < SLOW
    assert got == parse_bytes(data, "shown/a.md")


def test_surrogates_in_text_are_reported_and_replaced() -> None:
    article, problems = run(parse_text, "---\ntitle: caf\udce9\n---\nbody \ud800 text\n")

    assert article is not None and article.title == "caf?"
    assert article.body == "body ? text"
    [note] = problems
    assert note.line == 2 and "surrogate" in note.reason


def test_terminal_escapes_in_a_tag_do_not_reach_the_message() -> None:
    text = "---\ntitle: T\nx: !<%1B%5D0;owned%07%E2%80%AE> y\n---\n"

    _, [problem] = run(parse_text, text)

    assert "\x1b" not in problem.reason and "\u202e" not in problem.reason and "\x07" not in problem.reason
    assert "\\x1b" in problem.reason  # shown, escaped
    assert problem.line == 3


@pytest.mark.parametrize("br", ["\x85", "\u2028", "\u2029"])
def test_other_line_breaks_do_not_shift_reported_lines(br: str) -> None:
    # libyaml counts these as line breaks; the lines people see do not.
    text = f"---\ntitle: T{br}{br}{br}\nquality: [1]\nexcerpt: a: b\n---\n"

    _, [problem] = run(parse_text, text)
    assert problem.skipped and problem.line == 4

    _, [warning] = run(parse_text, text.replace("excerpt: a: b", "excerpt: fine"))
    assert "quality" in warning.reason and warning.line == 3


@pytest.mark.parametrize("title", ['"\\u200b\\u202e"', '"\\e\\a\\x7f"', "'\u3000'", '"\\t\\x0b"'])
def test_title_that_shows_nothing_falls_back_to_the_file_name(title: str) -> None:
    article, problems = run(parse_text, f"---\ntitle: {title}\n---\n")

    assert article.title == "Hostile file"
    assert any("title" in p.reason and p.line == 2 for p in problems)


@pytest.mark.parametrize("path", ["", "/", "dir/", "---.md", "\u200b.md"])
def test_title_from_an_odd_path_is_never_empty(path: str) -> None:
    article, _ = run(parse_text, "---\nquality: 1\n---\n", path)

    assert article.title.strip()


@pytest.mark.parametrize("value", ["0x" + "f" * 30_000, "0b" + "1" * 50_000, "0" + "7" * 20_000, "1" + ":59" * 20_000])
@pytest.mark.parametrize("field", ["title", "quality", "topics", "extra", "width"])
def test_huge_integers_are_text_or_ignored(field: str, value: str) -> None:
    if field == "width":
        text = f"---\ntitle: T\nimages: [{{url: u, width: {value}}}]\n---\n"
    elif field == "topics":
        text = f"---\ntitle: T\ntopics: [{value}]\n---\n"
    else:
        text = f"---\ntitle: T\n{field}: {value}\n---\n"

    article, _ = run(parse_text, text)

    assert article is not None
    assert article.quality is None


@pytest.mark.parametrize("item", ["", "- "], ids=["one image", "a list"])
def test_image_size_beyond_what_the_cache_holds_is_ignored(item: str) -> None:
    # found by bench/fuzz.py: a float just over 2**63 became a 64-bit-overflowing int
    pad = " " * len(item)
    text = f"---\ntitle: T\nimages:\n  {item}url: u\n  {pad}height: 9.223372036854778e+18\n  {pad}width: 1.0e+300\n---\n"

    article, problems = run(parse_text, text)

    assert article.images == (Image(url="u"),)
    assert sorted(p.line for p in problems) == [5, 6]


@pytest.mark.parametrize("value", [2**63, -(2**63) - 5, "1e300"])
def test_quality_beyond_what_the_cache_holds(value: object) -> None:
    article, problems = run(parse_text, f"---\ntitle: T\nquality: {value}\nheat: {value}\n---\n")

    assert article is not None
    assert article.quality is None or isinstance(article.quality, float)
    if isinstance(value, int):
        assert article.quality is None and any("quality" in p.reason and p.line == 3 for p in problems)


def test_topics_are_capped() -> None:
    topics = ", ".join(f"t{i}" for i in range(parse.MAX_TOPICS + 50))

    article, problems = run(parse_text, f"---\ntitle: T\ntopics: [{topics}]\n---\n")

    assert len(article.topics) == parse.MAX_TOPICS
    assert any("topics" in p.reason and p.line == 3 for p in problems)


def test_warnings_are_capped_and_the_rest_counted() -> None:
    many = parse.MAX_WARNINGS + 300
    text = "---\ntitle: T\ntopics: [" + ", ".join(["[x]"] * many) + "]\n---\n"

    article, problems = run(parse_text, text)

    assert article is not None
    assert len(problems) == parse.MAX_WARNINGS + 1
    assert problems[-1].reason == "300 more warnings not shown"


# -- files that change or are not files ---------------------------------------------


def test_file_deleted_before_the_read(tmp_path: Path) -> None:
    path = tmp_path / "gone.md"
    path.write_text("---\ntitle: T\n---\n")
    path.unlink()

    got, [problem] = check(parse_file(str(path)), str(path), "")

    assert got is None and problem.skipped


def _during_read(monkeypatch: pytest.MonkeyPatch, action: Any) -> None:
    """Run ``action`` just after parse_file has opened the file and taken its size."""
    real = os.fstat

    def fstat(fd: int) -> os.stat_result:
        info = real(fd)
        action()
        return info

    monkeypatch.setattr(parse.os, "fstat", fstat)


@pytest.mark.parametrize("change", ["delete", "folder", "grow", "shrink", "grow past the limit"])
def test_file_changed_between_the_stat_and_the_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    path = tmp_path / "moving.md"
    path.write_text("---\ntitle: Before\n---\n" + "x" * 1000)
    monkeypatch.setattr(parse, "MAX_FILE_BYTES", 4000)

    def act() -> None:
        if change in ("delete", "folder"):
            path.unlink()
            if change == "folder":
                path.mkdir()
        elif change == "shrink":
            path.write_text("---\ntitle: After\n---\n")
        elif change == "grow":
            with path.open("a") as handle:
                handle.write("y" * 2000)
        else:
            with path.open("a") as handle:
                handle.write("y" * 5000)

    _during_read(monkeypatch, act)
    got, problems = check(parse_file(str(path)), str(path), "\n" * 10)

    if change == "grow past the limit":
        assert got is None and "large" in problems[0].reason
    elif change == "shrink":
        assert got is not None and got.title in ("Before", "After")  # either, never half of each
    else:
        # the open file is still read whole (POSIX keeps it until closed)
        assert got is not None and got.title == "Before"
        if change == "grow":
            assert got.body.endswith("y" * 2000)


def test_folder_in_place_of_the_file_before_the_open(tmp_path: Path) -> None:
    path = tmp_path / "now-a-folder.md"
    path.mkdir()

    got, [problem] = check(parse_file(str(path)), str(path), "")

    assert got is None and problem.skipped and "folder" in problem.reason


def test_a_file_that_never_ends_is_cut_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "endless.md"
    path.write_text("---\ntitle: T\n---\n")
    real_open = open

    class Endless:
        """A regular file whose reads never reach the end (as a file being appended to forever)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.inner = real_open(*args, **kwargs)

        def __enter__(self) -> Endless:
            return self

        def __exit__(self, *exc: object) -> None:
            self.inner.close()

        def fileno(self) -> int:
            return self.inner.fileno()

        def read(self, size: int = -1) -> bytes:
            assert size > 0, "an unbounded read"
            return b"-" * min(size, 1 << 16)

    monkeypatch.setattr(parse, "open", Endless, raising=False)
    monkeypatch.setattr(parse, "MAX_FILE_BYTES", 1 << 20)

    got, [problem] = check(parse_file(str(path)), str(path), "")

    assert got is None and "large" in problem.reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_reported_without_waiting_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "pipe.md"
    os.mkfifo(path)
    code = f"from reader.parse import parse_file; print(parse_file({str(path)!r}))"

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)

    assert done.returncode == 0, done.stderr
    assert "not a regular file" in done.stdout


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_link_to_an_endless_device_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "zero.md"
    path.symlink_to("/dev/zero")

    got, [problem] = check(parse_file(str(path)), str(path), "")

    assert got is None and problem.skipped and "not a regular file" in problem.reason


def test_size_limit_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"---\ntitle: Big\n---\n" + b"x" * (parse.MAX_FILE_BYTES + 1))

    got, [problem] = check(parse_file(str(path)), str(path), "")

    assert got is None and problem.skipped and "16 MB" in problem.reason


def test_path_with_a_nul_is_reported() -> None:
    got, [problem] = check(parse_file("bad\x00name.md"), "bad\x00name.md", "")

    assert got is None and problem.skipped


# -- YAML built to hurt -------------------------------------------------------------------


def laughs(where: str, levels: int = 9, wide: int = 9) -> str:
    """Nested anchors, each a list of ``wide`` aliases to the one before: wide**levels leaves."""
    lines = ["---", "title: Laughs", "anchors:", '  - &l0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"  - &l{level} [" + ", ".join([f"*l{level - 1}"] * wide) + "]")
    lines += [where.replace("BOMB", f"*l{levels}"), "---", "body"]
    return "\n".join(lines) + "\n"


def _aliases(count: int, target: str) -> str:
    return "[" + ", ".join([target] * count) + "]"


def chain(links: int) -> str:
    """Each anchor a list holding the one before: a shallow text, a very deep value."""
    items = ", ".join(["&c0 x"] + [f"&c{i} [*c{i - 1}]" for i in range(1, links)])
    return f"---\ntitle: Chained\nlinks: [{items}]\ndeep: *c{links - 1}\nrelated: *c{links - 1}\n---\n"


HURTFUL: dict[str, str] = {
    # alias expansion, placed in an unknown field, in every kind of known field, and as a key
    **{
        f"laughs in {field}": laughs(f"{field}: BOMB")
        for field in ["boom", "title", "excerpt", "topics", "related", "images", "provider", "quality", "published", "publishedDateTime"]
    },
    "laughs as a key": laughs("boom: {? BOMB : x}"),
    "laughs in a related article": laughs("related:\n  - title: R\n    images: BOMB\n    provider: {name: BOMB}"),
    "laughs of mappings": laughs("boom: BOMB").replace('&l0 "lol"', "&l0 {a: lol, b: [lol]}"),
    # deep nesting, in the text itself
    **{f"[ x {n}": f"---\ntitle: Deep\nx: {'[' * n}{']' * n}\n---\n" for n in (990, 10_000, 100_000)},
    **{f"{{a: x {n}": f"---\ntitle: Deep\nx: {'{a: ' * n}1{'}' * n}\n---\n" for n in (990, 10_000, 100_000)},
    "block list 990 deep": "---\ntitle: Deep\nx:\n" + "".join(" " * i + "-\n" for i in range(1, 990)) + "---\n",
    "related 990 deep": f"---\ntitle: Deep\nrelated: {'[' * 990}{']' * 990}\n---\n",
    "provider 990 deep": f"---\ntitle: Deep\nprovider: {'{name: ' * 990}1{'}' * 990}\n---\n",
    # deep nesting made with anchors: far deeper than libyaml lets the text go
    "anchor chain 3000": chain(3_000),
    "anchor chain 30000": chain(30_000),
    # size
    "4 MB title": "---\ntitle: " + "a" * 4_000_000 + "\n---\n",
    "4 MB quoted excerpt": '---\ntitle: T\nexcerpt: "' + "\\u202e\\e" * 500_000 + '"\n---\n',
    "4 MB body": "---\ntitle: T\n---\n" + ("word " * 800_000),
    "4 MB key": "---\ntitle: T\n" + "k" * 4_000_000 + ": v\n---\n",
    "1M one-letter items": "---\ntitle: T\nx: [" + "a," * 1_000_000 + "]\n---\n",
    "100k keys": "---\ntitle: T\n" + "".join(f"k{i}: {i}\n" for i in range(100_000)) + "---\n",
    "100k topics": "---\ntitle: T\ntopics:\n" + "".join(f"  - t{i}\n" for i in range(100_000)) + "---\n",
    "30k related": "---\ntitle: T\nrelated:\n" + "".join(f"  - {{title: r{i}}}\n" for i in range(30_000)) + "---\n",
    # many aliases
    "500k aliases to a list": "---\ntitle: T\na: &a [1, 2]\nb: " + _aliases(500_000, "*a") + "\n---\n",
    "500k aliases to a long text": "---\ntitle: T\na: &a " + "x" * 100_000 + "\nb: " + _aliases(500_000, "*a") + "\n---\n",
    "500k aliased topics": "---\ntitle: T\na: &a t\ntopics: " + _aliases(500_000, "*a") + "\n---\n",
    "500k aliased tags": "---\ntitle: T\na: &a !odd t\nb: " + _aliases(500_000, "*a") + "\n---\n",
    "200k aliased related": "---\ntitle: T\nr: &r {title: x, excerpt: " + "e" * 10_000 + ", images: [u, v]}\nrelated: " + _aliases(200_000, "*r") + "\n---\n",
    "related times images": (
        "---\ntitle: T\ni: &i " + _aliases(20_000, "{url: u, width: x}") + "\nr: &r {title: x, images: *i}\n"
        "related: " + _aliases(20_000, "*r") + "\n---\n"
    ),
    "merge bomb": "---\ntitle: T\nbig: &b {" + ", ".join(f"k{i}: {i}" for i in range(20_000)) + "}\nx: " + _aliases(20_000, "{<<: *b}") + "\n---\n",
    "merge a list of aliases": "---\ntitle: T\nbig: &b {" + ", ".join(f"k{i}: {i}" for i in range(1000)) + "}\nx: {<<: " + _aliases(500_000, "*b") + "}\n---\n",
    "long sexagesimal": "---\ntitle: T\nquality: 1" + ":59" * 1_000_000 + "\n---\n",
    "long hex": "---\ntitle: 0x" + "f" * 2_000_000 + "\n---\n",
    "recursive anchors": "---\ntitle: T\na: &a [*a, {b: *a}]\nrelated: &r [*r]\nprovider: &p {name: *p}\n---\n",
}

_CHILD = """
import json, resource, sys, time, tracemalloc
from reader.parse import parse_text
resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))
name, text = json.loads(sys.stdin.read())
tracemalloc.start()
started = time.process_time()
try:
    article, problems = parse_text(text, "hurt.md")
    outcome = {
        "title": article and article.title[:40],
        "extra": article and len(json.dumps(article.extra)),
        "related": article and len(article.related),
        "images": article and sum(len(r.images) for r in article.related),
        "problems": [[p.line, p.reason, p.skipped] for p in problems],
    }
except BaseException as exc:
    outcome = {"raised": f"{type(exc).__name__}: {str(exc)[:200]}"}
outcome["seconds"] = time.process_time() - started
outcome["peak_mb"] = tracemalloc.get_traced_memory()[1] / 2 ** 20
outcome["text_mb"] = len(text) / 2 ** 20
print(json.dumps(outcome))
"""


@functools.lru_cache(maxsize=None)
def hurt(name: str) -> dict[str, Any]:
    """Parse one hostile document in a child process, with a memory cap and a timeout."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=json.dumps([name, HURTFUL[name]]),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.skipif(sys.platform == "win32", reason="uses resource limits")
@pytest.mark.parametrize("name", list(HURTFUL))
def test_yaml_built_to_hurt(name: str) -> None:
    got = hurt(name)

    assert "raised" not in got, got["raised"]
    # An Article, or one reported problem that skips the file.
    skipped = [p for p in got["problems"] if p[2]]
    assert (got["title"] is None) == bool(skipped), got["problems"][:3]
    assert len(got["problems"]) <= parse.MAX_WARNINGS + 5
    lines = HURTFUL[name].count("\n") + 1
    assert all(line is None or 1 <= line <= lines for line, _, _ in got["problems"])
    # Bounded: well under a tenth of a second per MB in practice.
    assert got["seconds"] < 20, got["seconds"]
    assert got["peak_mb"] < 200, got["peak_mb"]
    if got["title"] is not None:
        assert got["extra"] < 8 * parse.MAX_EXTRA_CHARS
        assert got["related"] + got["images"] <= parse.MAX_ITEMS + 1


def test_alias_bomb_in_a_known_field_keeps_the_article() -> None:
    got = hurt("laughs in related")

    assert got["title"] == "Laughs"
    assert got["problems"]  # the lists that are not articles are reported


@pytest.mark.parametrize("name", ["[ x 10000", "{a: x 100000"])
def test_text_nested_too_deeply_is_a_yaml_error_at_its_line(name: str) -> None:
    got = hurt(name)

    [[line, reason, skipped]] = got["problems"]
    assert skipped and "nesting" in reason and line == 3


@pytest.mark.parametrize("name", ["[ x 990", "{a: x 990", "related 990 deep", "provider 990 deep", "anchor chain 30000"])
def test_deep_value_keeps_the_article(name: str) -> None:
    # Just within libyaml's limit, or deeper through anchors: the value is
    # built without recursion, so the result cannot depend on the stack.
    got = hurt(name)

    assert got["title"] in ("Deep", "Chained"), got["problems"]


def test_deep_value_does_not_depend_on_the_callers_stack() -> None:
    text = HURTFUL["[ x 990"]

    def nested(depth: int) -> tuple[Article | None, list[Problem]]:
        return parse_text(text, PATH) if depth == 0 else nested(depth - 1)

    assert nested(0)[0] is not None
    assert nested(sys.getrecursionlimit() - 150)[0] is not None


def test_too_many_values_are_refused_before_they_fill_memory() -> None:
    # Composing costs a few hundred bytes a node: 1M nodes would be ~300 MB.
    got = hurt("1M one-letter items")

    [[line, reason, skipped]] = got["problems"]
    assert skipped and "values" in reason and line == 1
    assert got["peak_mb"] < 150


@pytest.mark.parametrize("name", ["long sexagesimal", "long hex", "4 MB title", "4 MB quoted excerpt"])
def test_long_scalars_cost_memory_in_proportion_to_their_text(name: str) -> None:
    got = hurt(name)

    assert got["title"] is not None
    assert got["peak_mb"] < 20 + 5 * got["text_mb"], got["peak_mb"]


def test_many_keys_are_read() -> None:
    got = hurt("100k keys")

    assert got["title"] == "T"


@pytest.mark.parametrize("name", ["merge bomb", "merge a list of aliases"])
def test_merge_bomb_is_refused_with_its_line(name: str) -> None:
    got = hurt(name)

    [[line, reason, skipped]] = got["problems"]
    assert skipped and "merge" in reason and line == 4


@pytest.mark.parametrize("name", ["200k aliased related", "related times images"])
def test_repeated_related_articles_are_cut_with_a_warning(name: str) -> None:
    got = hurt(name)

    assert got["title"] == "T"
    assert any("related" in reason and "kept in part" in reason for _, reason, _ in got["problems"])
