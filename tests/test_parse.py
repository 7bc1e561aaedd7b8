"""reader.parse: one file in, one Article (with warnings) or one skipped Problem out."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import frontmatter
import pytest
import yaml

from conftest import CORPUS, EXAMPLE, SEEDS, SHARED_EXAMPLE, article, write
from reader import parse
from reader.model import Image, Provider
from reader.parse import parse_file, parse_text

UTC = timezone.utc


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` line of ``text`` that contains ``needle``."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == nth:
                return number
    raise AssertionError(f"{needle!r} not in text")


def parse_one(folder: Path, name: str, text: str | bytes):
    path = write(folder, name, text)
    return parse_file(str(path))


def warnings_about(problems, field: str):
    return [p for p in problems if not p.skipped and field in p.reason]


def assert_well_formed(problems, path: str) -> None:
    for problem in problems:
        assert problem.path == path
        assert problem.reason.strip()
        assert "\n" not in problem.reason and "\r" not in problem.reason
        assert problem.line is None or problem.line >= 1


# -- safety -------------------------------------------------------------------


PYTHON_TAGS = [
    "!!python/object/apply:os.mkdir [{target}]",
    "!!python/object/new:os.mkdir [{target}]",
    "!!python/name:os.mkdir",
]


def _evil(tmp_path: Path, tag: str) -> tuple[str, Path]:
    target = tmp_path / "created-by-yaml"
    value = tag.format(target=json.dumps(str(target)))
    return f"---\ntitle: Harmless\nrun: {value}\n---\nbody\n", target


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_python_tags_are_never_run_and_are_reported(tmp_path: Path, tag: str) -> None:
    text, target = _evil(tmp_path, tag)

    got, problems = parse_one(tmp_path, "evil.md", text)

    assert not target.exists()
    assert any(p.line == line_of(text, "run:") for p in problems)
    assert_well_formed(problems, str(tmp_path / "evil.md"))
    if got is not None:
        assert json.dumps(got.extra)  # plain values only, never Python objects


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
def test_front_matter_is_read_with_the_c_safe_loader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaders = []
    for name in ("load", "compose", "safe_load"):
        real = getattr(yaml, name)

        def spy(*args, _real=real, **kwargs):
            loaders.append(kwargs.get("Loader", args[1] if len(args) > 1 else None))
            return _real(*args, **kwargs)

        monkeypatch.setattr(yaml, name, spy)

    got, _ = parse_one(tmp_path, "a.md", article("Fast", quality='"1"'))

    assert got is not None and got.title == "Fast"
    assert loaders
    assert all(isinstance(loader, type) and issubclass(loader, yaml.CSafeLoader) for loader in loaders)


# -- files that give no article ---------------------------------------------


SKIPPED = {
    "no front matter": (b"Just a note\nwith no fields\n", "front matter"),
    "front matter not closed": (b"---\ntitle: Open\nquality: 3\n\nbody text\n", "closed"),
    "front matter is a list": (b"---\n- one\n- two\n---\nbody\n", "mapping"),
    "front matter is a scalar": (b"---\njust some words\n---\nbody\n", "mapping"),
    "front matter is empty": (b"---\n---\nbody\n", "empty"),
    "empty file": (b"", "empty"),
    "whitespace only": (b"  \n\t\n\r\n   ", "empty"),
    "binary file": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
}


@pytest.mark.parametrize("content,word", SKIPPED.values(), ids=SKIPPED.keys())
def test_file_without_usable_front_matter_is_skipped(tmp_path: Path, content: bytes, word: str) -> None:
    path = write(tmp_path, "note.md", content)

    got, problems = parse_file(str(path))

    assert got is None
    [problem] = problems
    assert problem.skipped
    assert word in problem.reason.lower()
    assert_well_formed(problems, str(path))


@pytest.mark.parametrize(
    "content",
    [b"---\n- one\n- two\n---\n", b"---\njust words\n---\n", b"---\n---\n", b"---\ntitle: Open\n"],
    ids=["list", "scalar", "empty", "not closed"],
)
def test_front_matter_problem_points_into_the_front_matter(tmp_path: Path, content: bytes) -> None:
    text = content.decode()
    lines = text.splitlines()
    last = max(i for i, line in enumerate(lines, start=1) if line == "---")

    got, [problem] = parse_one(tmp_path, "note.md", content)

    assert got is None
    assert problem.line is not None
    assert 1 <= problem.line <= last


@pytest.mark.parametrize("lead", ["", "\n\n\n", "  \n\t\n"], ids=["at top", "after blank lines", "after blank-ish lines"])
def test_yaml_error_reports_the_file_line_of_the_error(tmp_path: Path, lead: str) -> None:
    text = lead + "---\ntitle: Fine\nquality: 3\nexcerpt: this: breaks\nheat: 4\n---\nbody\n"

    got, problems = parse_one(tmp_path, "broken.md", text)

    assert got is None
    [problem] = problems
    assert problem.skipped
    assert problem.line == line_of(text, "excerpt:")
    assert_well_formed(problems, str(tmp_path / "broken.md"))


def test_yaml_error_line_is_right_in_a_crlf_file(tmp_path: Path) -> None:
    text = "---\r\ntitle: Fine\r\n\r\nexcerpt: this: breaks\r\n---\r\n"

    _, [problem] = parse_one(tmp_path, "broken.md", text.encode())

    assert problem.skipped
    assert problem.line == line_of(text, "excerpt:")


def test_front_matter_indented_with_tabs_is_a_yaml_error_at_the_tab(tmp_path: Path) -> None:
    text = "---\ntitle: Tabs\ntopics:\n\t- AI\n---\n"

    got, [problem] = parse_one(tmp_path, "tabs.md", text)

    assert got is None
    assert problem.skipped
    assert problem.line == line_of(text, "\t- AI")


def test_invalid_utf8_is_skipped_with_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    content = b"---\ntitle: Fine\n---\nfirst line\ncaf\xe9 in latin-1\n"

    got, problems = parse_one(tmp_path, "latin1.md", content)

    assert got is None
    [problem] = problems
    assert problem.skipped
    assert problem.line == line_of(content.decode("latin-1"), "caf")
    assert_well_formed(problems, str(tmp_path / "latin1.md"))


def test_invalid_utf8_after_a_bom_still_reports_the_line(tmp_path: Path) -> None:
    content = codecs.BOM_UTF8 + b"---\ntitle: Fine\n---\nfirst line\ncaf\xe9 in latin-1\n"

    got, [problem] = parse_one(tmp_path, "latin1.md", content)

    assert got is None and problem.skipped
    assert problem.line == line_of(content.decode("latin-1"), "caf")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.md", article("Locked"))
    path.chmod(0)
    try:
        got, problems = parse_file(str(path))
    finally:
        path.chmod(0o644)

    assert got is None
    [problem] = problems
    assert problem.skipped
    assert "permission" in problem.reason.lower()
    assert_well_formed(problems, str(path))


def test_permission_error_is_reported_even_when_running_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "secret.md", article("Locked"))

    def refuse(*args: object, **kwargs: object):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(parse, "open", refuse, raising=False)
    got, problems = parse_file(str(path))

    assert got is None
    [problem] = problems
    assert problem.skipped
    assert "permission" in problem.reason.lower()
    assert_well_formed(problems, str(path))


def test_folder_is_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "looks-like-an-article.md"
    folder.mkdir()

    got, problems = parse_file(str(folder))

    assert got is None
    [problem] = problems
    assert problem.skipped
    assert "folder" in problem.reason.lower()
    assert_well_formed(problems, str(folder))


def test_missing_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "gone.md"

    got, problems = parse_file(str(path))

    assert got is None
    [problem] = problems
    assert problem.skipped
    assert_well_formed(problems, str(path))


def test_file_over_the_size_limit_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "big.md", article("Big", body="words " * 50))
    monkeypatch.setattr(parse, "MAX_FILE_BYTES", path.stat().st_size - 1)

    got, problems = parse_file(str(path))

    assert got is None
    [problem] = problems
    assert problem.skipped
    assert "large" in problem.reason.lower()
    assert_well_formed(problems, str(path))


def test_file_exactly_at_the_size_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "big.md", article("Big", body="words " * 50))
    monkeypatch.setattr(parse, "MAX_FILE_BYTES", path.stat().st_size)

    got, problems = parse_file(str(path))

    assert got is not None and got.title == "Big"
    assert problems == []


def test_problems_use_the_display_path(tmp_path: Path) -> None:
    path = write(tmp_path, "deep/in/here.md", "no front matter\n")

    _, [problem] = parse_file(str(path), display="in/here.md")

    assert problem.path == "in/here.md"
    assert problem.format().startswith("in/here.md")


# -- field coercion: warnings, the article is kept -----------------------------


def test_topics_given_as_text_become_one_topic(tmp_path: Path) -> None:
    text = article("T", topics="AI")

    got, problems = parse_one(tmp_path, "t.md", text)

    assert got.topics == ("AI",)
    [warning] = warnings_about(problems, "topics")
    assert warning.line == line_of(text, "topics:")


def test_provider_given_as_text_becomes_its_name(tmp_path: Path) -> None:
    got, problems = parse_one(tmp_path, "p.md", article("T", provider="ExtremeTech"))

    assert got.provider is not None
    assert got.provider.name == "ExtremeTech"
    assert got.provider.label() == "ExtremeTech"
    assert not any(p.skipped for p in problems)


def test_quality_given_as_text_is_read_as_a_number_with_a_warning(tmp_path: Path) -> None:
    text = article("T", quality='"34"', heat=7)

    got, problems = parse_one(tmp_path, "q.md", text)

    assert got.quality == 34
    assert got.heat == 7
    [warning] = problems
    assert not warning.skipped
    assert "quality" in warning.reason
    assert warning.line == line_of(text, "quality:")


def test_quality_given_as_true_is_unknown_with_a_warning(tmp_path: Path) -> None:
    text = article("T", quality="true")

    got, problems = parse_one(tmp_path, "q.md", text)

    assert got.quality is None
    [warning] = problems
    assert "quality" in warning.reason and not warning.skipped
    assert warning.line == line_of(text, "quality:")


@pytest.mark.parametrize("value", [".nan", ".inf", '"lots"'])
def test_quality_that_is_no_usable_number_is_unknown_with_a_warning(tmp_path: Path, value: str) -> None:
    text = article("T", quality=value)

    got, problems = parse_one(tmp_path, "q.md", text)

    assert got.quality is None
    [warning] = problems
    assert "quality" in warning.reason and warning.line == line_of(text, "quality:")


def test_heat_minus_one_means_unknown_without_a_warning(tmp_path: Path) -> None:
    got, problems = parse_one(tmp_path, "h.md", article("T", heat=-1, quality=50))

    assert got.heat is None
    assert got.quality == 50
    assert problems == []


def test_published_given_as_yes_text_is_true_with_a_warning(tmp_path: Path) -> None:
    text = article("T", published='"yes"')

    got, problems = parse_one(tmp_path, "p.md", text)

    assert got.published is True
    [warning] = problems
    assert "published" in warning.reason and not warning.skipped
    assert warning.line == line_of(text, "published:")


def test_one_image_given_as_a_mapping(tmp_path: Path) -> None:
    text = article("T", images='{url: "https://img.example/a.jpg", width: 1200, height: 630, isCached: true}')

    got, problems = parse_one(tmp_path, "i.md", text)

    assert got.images == (Image(url="https://img.example/a.jpg", width=1200, height=630, is_cached=True),)
    assert not any(p.skipped for p in problems)


def test_one_image_given_as_a_url(tmp_path: Path) -> None:
    got, problems = parse_one(tmp_path, "i.md", article("T", images='"https://img.example/a.jpg"'))

    assert [image.url for image in got.images] == ["https://img.example/a.jpg"]
    assert not any(p.skipped for p in problems)


def test_related_items_that_are_not_mappings_are_skipped_with_a_warning(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        ---
        title: Has related
        related:
          - just a string
          - title: Kept one
            webUrl: https://example.com/kept
          - 42
        ---
        """
    )

    got, problems = parse_one(tmp_path, "r.md", text)

    assert [r.title for r in got.related] == ["Kept one"]
    assert got.related[0].url == "https://example.com/kept"
    assert len(problems) == 2
    assert all("related" in p.reason and not p.skipped for p in problems)
    assert sorted(p.line for p in problems) == [line_of(text, "just a string"), line_of(text, "- 42")]


def test_nested_related_quality_of_the_wrong_type_warns_at_its_own_line(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        ---
        title: Nested
        quality: 10
        related:
          - title: First
            quality: 80
          - title: Second
            quality: very good
        ---
        """
    )

    got, problems = parse_one(tmp_path, "r.md", text)

    assert [r.quality for r in got.related] == [80, None]
    assert got.quality == 10
    [warning] = problems
    assert "related" in warning.reason and "quality" in warning.reason
    assert warning.line == line_of(text, "quality:", nth=3)


def test_each_field_is_coerced_on_its_own(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        ---
        title: Several wrong fields
        webUrl: https://example.com/a
        quality: [1, 2]
        published: maybe
        topics: {a: 1}
        publishedDateTime: not a date at all
        heat: 12
        provider: {name: ExtremeTech, domain: extremetech.com}
        ---
        The body.
        """
    )

    got, problems = parse_one(tmp_path, "many.md", text)

    assert got is not None
    assert got.title == "Several wrong fields"
    assert got.url == "https://example.com/a"
    assert got.heat == 12
    assert got.provider == Provider("ExtremeTech", "extremetech.com")
    assert got.body == "The body."
    assert (got.quality, got.published, got.topics, got.published_at) == (None, None, (), None)
    lines = {field: line_of(text, field + ":") for field in ("quality", "published", "topics", "publishedDateTime")}
    assert sorted(p.line for p in problems) == sorted(lines.values())
    for field, line in lines.items():
        assert any(field in p.reason and p.line == line and not p.skipped for p in problems)
    assert_well_formed(problems, str(tmp_path / "many.md"))


def test_unknown_fields_are_kept_in_extra(tmp_path: Path) -> None:
    text = article(
        "T",
        seenAt="2023-07-18T18:30:00Z",
        day="2023-07-18",
        tags="[a, b]",
        nested="{x: 1, y: [true, null]}",
        blob="!!binary aGVsbG8=",
    )

    got, problems = parse_one(tmp_path, "x.md", text)

    assert problems == []
    assert datetime.fromisoformat(got.extra["seenAt"]) == datetime(2023, 7, 18, 18, 30, tzinfo=UTC)
    assert got.extra["day"] == "2023-07-18"
    assert got.extra["tags"] == ["a", "b"]
    assert got.extra["nested"] == {"x": 1, "y": [True, None]}
    assert "title" not in got.extra
    json.dumps(got.extra)  # the cache stores it as JSON


def test_secured_payload_is_noted_but_never_kept(tmp_path: Path) -> None:
    payload = "MVL0HQheb0mKcFZz706Ec7bR1ghFrUOv==;klDAgttZBHu/VxrQ=="
    got, problems = parse_one(tmp_path, "s.md", article("T", secured=f'"{payload}"'))

    assert got.has_secured is True
    assert payload not in repr(got)
    assert not any(payload in p.reason for p in problems)


def test_no_secured_field_means_no_secured_flag(tmp_path: Path) -> None:
    got, _ = parse_one(tmp_path, "s.md", article("T"))

    assert got.has_secured is False


def test_missing_title_falls_back_to_the_file_name_without_date(tmp_path: Path) -> None:
    got, problems = parse_one(tmp_path, "2023-07-18-chips-are-back.md", "---\nquality: 5\n---\nbody\n")

    assert got.title.lower() == "chips are back"
    assert problems == []


def test_empty_title_warns_and_falls_back_to_the_file_name(tmp_path: Path) -> None:
    text = '---\nquality: 5\ntitle: ""\n---\n'

    got, problems = parse_one(tmp_path, "2023-07-18-chips-are-back.md", text)

    assert got.title.lower() == "chips are back"
    [warning] = problems
    assert "title" in warning.reason and not warning.skipped
    assert warning.line == line_of(text, "title:")


# -- dates ---------------------------------------------------------------------

MOMENT = datetime(2023, 7, 18, 18, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        '"2023-07-18T18:30:00Z"',
        "2023-07-18T18:30:00Z",
        "2023-07-18 18:30:00",
        '"2023-07-18T18:30:00"',
        "2023-07-18T20:30:00+02:00",
        '"2023-07-18T20:30:00+02:00"',
        '"2023-07-18T13:30:00-05:00"',
    ],
)
def test_dates_in_every_spelling_end_up_in_utc(tmp_path: Path, value: str) -> None:
    got, problems = parse_one(tmp_path, "d.md", article("T", publishedDateTime=value))

    assert problems == []
    assert got.published_at == MOMENT
    assert got.published_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize("value", ["2023-07-18", '"2023-07-18"'])
def test_date_only_means_midnight_utc(tmp_path: Path, value: str) -> None:
    got, problems = parse_one(tmp_path, "d.md", article("T", publishedDateTime=value))

    assert problems == []
    assert got.published_at == datetime(2023, 7, 18, tzinfo=UTC)


def test_unparseable_date_is_unknown_with_a_warning(tmp_path: Path) -> None:
    text = article("T", publishedDateTime='"next tuesday"', quality=3)

    got, problems = parse_one(tmp_path, "d.md", text)

    assert got.published_at is None
    assert got.quality == 3
    [warning] = problems
    assert "publishedDateTime" in warning.reason and not warning.skipped
    assert warning.line == line_of(text, "publishedDateTime:")


@pytest.mark.parametrize("value", ["2023-02-30", "2023-02-30T10:00:00Z", "2023-07-18T25:00:00Z"])
def test_impossible_unquoted_date_is_a_warning_not_a_crash(tmp_path: Path, value: str) -> None:
    text = article("T", publishedDateTime=value, quality=3)

    got, problems = parse_one(tmp_path, "d.md", text)

    assert got is not None and got.quality == 3
    assert got.published_at is None
    [warning] = problems
    assert "publishedDateTime" in warning.reason and not warning.skipped
    assert warning.line == line_of(text, "publishedDateTime:")


@pytest.mark.parametrize("value", ["!!int many", "!!float lots", "!!timestamp soon", "!!binary not base64!", "!!bool maybe"])
def test_explicit_tag_that_does_not_fit_its_value_keeps_the_article(tmp_path: Path, value: str) -> None:
    text = article("T", count=value, quality=3)

    got, problems = parse_one(tmp_path, "tag.md", text)

    assert got is not None and (got.title, got.quality) == ("T", 3)
    assert not any(p.skipped for p in problems)
    json.dumps(got.extra)


# -- files as they really are ---------------------------------------------------

REAL = textwrap.dedent(
    """\
    ---
    title: "Real file"
    quality: "12"
    topics:
      - AI
    ---
    First paragraph.

    Second paragraph.
    """
)


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("utf-16"),
        lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        lambda text: text.replace("\n", "\r\n").encode(),
        lambda text: text.replace("\n", "\r").encode(),
    ],
    ids=["utf-8 bom", "utf-16 bom", "utf-16-be bom", "crlf", "old mac cr"],
)
def test_encodings_and_line_endings_read_the_same(tmp_path: Path, encode) -> None:
    got, problems = parse_one(tmp_path, "real.md", encode(REAL))

    assert got is not None
    assert got.title == "Real file"
    assert got.topics == ("AI",)
    assert got.quality == 12
    assert got.body == "First paragraph.\n\nSecond paragraph."
    [warning] = problems
    assert "quality" in warning.reason
    assert warning.line == line_of(REAL, "quality:")


def test_tabs_in_values_and_body_are_kept(tmp_path: Path) -> None:
    text = '---\ntitle:\t"Col A\tCol B"\nexcerpt: one\ttwo\n---\ncode:\n\tindented\twith tabs\n'

    got, problems = parse_one(tmp_path, "tabs.md", text)

    assert problems == []
    assert got.title == "Col A\tCol B"
    assert got.excerpt == "one\ttwo"
    assert got.body == "code:\n\tindented\twith tabs"


def test_body_with_horizontal_rules_is_kept_whole(tmp_path: Path) -> None:
    body = "Intro.\n\n---\n\nMiddle part.\n\n---\n\n- list: item\n\nEnd."
    got, problems = parse_one(tmp_path, "rules.md", article("Rules", body=body))

    assert problems == []
    assert got.title == "Rules"
    assert got.body == body


def test_body_with_a_yaml_looking_block_is_body(tmp_path: Path) -> None:
    body = "Example config:\n\n---\ntitle: Not the title\nquality: 99\n---\n\nDone."
    got, problems = parse_one(tmp_path, "yamlish.md", article("Real title", quality=5, body=body))

    assert problems == []
    assert (got.title, got.quality) == ("Real title", 5)
    assert got.body == body


def test_very_long_title_is_kept(tmp_path: Path) -> None:
    title = " ".join(f"word{i}" for i in range(3000))

    got, problems = parse_one(tmp_path, "long.md", article(title))

    assert problems == []
    assert got.title == title


def test_non_ascii_text_is_kept_exactly(tmp_path: Path) -> None:
    title = "Ünïcödé — 中文标题 «citation» 🎉🤖 [bold]not markup[/]"
    text = textwrap.dedent(
        f"""\
        ---
        title: "{title}"
        excerpt: "日本語の抜粋 👩‍👩‍👧"
        provider:
          name: Süddeutsche Zeitung
          domain: sueddeutsche.de
        topics:
          - 机器学习
          - Café
        ---
        Body with emoji 🧠 and RTL עברית.
        """
    )

    got, problems = parse_one(tmp_path, "intl.md", text)

    assert problems == []
    assert got.title == title
    assert got.excerpt == "日本語の抜粋 👩‍👩‍👧"
    assert got.provider.name == "Süddeutsche Zeitung"
    assert got.topics == ("机器学习", "Café")
    assert got.body == "Body with emoji 🧠 and RTL עברית."


# -- front matter that describes a huge tree ----------------------------------


def _laughs(field: str, levels: int = 9) -> str:
    lines = ["---", "title: Laughs", "quality: 7", "anchors:", '  - &l0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"  - &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    lines += [f"{field}: *l{levels}", "---", "body"]
    return "\n".join(lines) + "\n"


_CHILD = """
import json, resource, sys
from reader.parse import parse_text
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))
out = {}
for field, text in json.loads(sys.stdin.read()).items():
    article, problems = parse_text(text, field + ".md")
    out[field] = {
        "title": article and article.title,
        "quality": article and article.quality,
        "extra": article and len(json.dumps(article.extra)),
        "skipped": [p.reason for p in problems if p.skipped],
        "warnings": len([p for p in problems if not p.skipped]),
    }
print(json.dumps(out))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="uses resource limits")
def test_alias_bomb_finishes_and_keeps_the_article() -> None:
    # A billion 'lol's if expanded. Run in a child with a memory cap and a
    # generous timeout, so a regression fails instead of eating the machine.
    fields = ["boom", "excerpt", "topics", "related", "images", "heat", "provider", "published"]
    texts = {field: _laughs(field) for field in fields}

    done = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)
    for field in fields:
        result = results[field]
        assert result["title"] == "Laughs", field
        assert result["skipped"] == [], field
        assert result["warnings"] >= 1, field  # extra capped, and said so
        assert result["extra"] < 10_000_000, field  # expanded it would be ~7 GB
    assert results["boom"]["quality"] == 7


def _count_nodes(value: object) -> int:
    if isinstance(value, dict):
        return 1 + sum(_count_nodes(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(_count_nodes(v) for v in value)
    return 1


def test_extra_is_capped_with_a_warning(tmp_path: Path) -> None:
    text = _laughs("boom", levels=5)

    got, problems = parse_one(tmp_path, "laughs.md", text)

    assert got is not None and got.title == "Laughs"
    assert _count_nodes(got.extra) <= parse.MAX_EXTRA_NODES + 1 + len(got.extra)
    assert [p for p in problems if not p.skipped]
    assert_well_formed(problems, str(tmp_path / "laughs.md"))


def test_deeply_nested_front_matter_is_reported_not_a_crash(tmp_path: Path) -> None:
    depth = 990  # libyaml itself refuses 1000
    text = f"---\ntitle: Deep\ndeep: {'[' * depth}1{']' * depth}\n---\n"

    got, problems = parse_one(tmp_path, "deep.md", text)

    assert got is not None or any(p.skipped for p in problems)
    assert_well_formed(problems, str(tmp_path / "deep.md"))


def _chain(holder: str, field: str, links: int = 3000) -> str:
    """``links`` anchors, each a list holding the one before: shallow text, deep value."""
    chain = ", ".join(["&c0 x"] + [f"&c{i} [*c{i - 1}]" for i in range(1, links)])
    return f"---\ntitle: Chained\n{holder}: [{chain}]\n{field}: *c{links - 1}\n---\n"


def test_aliased_deep_unknown_field_keeps_the_article(tmp_path: Path) -> None:
    text = _chain("related", "deep")

    got, problems = parse_one(tmp_path, "chain.md", text)

    assert got is not None and got.title == "Chained"
    assert not any(p.skipped for p in problems)
    json.dumps(got.extra)


def test_aliased_structure_as_a_date_is_a_warning(tmp_path: Path) -> None:
    text = _chain("anchors", "publishedDateTime")

    got, problems = parse_one(tmp_path, "chain.md", text)

    assert got is not None and got.published_at is None
    assert any("publishedDateTime" in p.reason and p.line == line_of(text, "publishedDateTime:") for p in problems)


def _compose_calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, wrong_items: int) -> int:
    calls = []
    real = yaml.compose

    def counting(*args: object, **kwargs: object):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(yaml, "compose", counting)
    text = "---\ntitle: Many\ntopics:\n" + "".join(f"  - [{i}]\n" for i in range(wrong_items)) + "---\n"
    got, problems = parse_one(tmp_path, f"many-{wrong_items}.md", text)
    monkeypatch.setattr(yaml, "compose", real)
    assert got is not None and len(problems) == wrong_items
    assert problems[-1].line == line_of(text, f"[{wrong_items - 1}]")
    return len(calls)


def test_finding_warning_lines_does_not_reread_the_yaml_per_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _compose_calls(monkeypatch, tmp_path, 200) == _compose_calls(monkeypatch, tmp_path, 2)


# -- the files people have --------------------------------------------------------


def test_example_shaped_article_parses_with_the_expected_values() -> None:
    got, problems = parse_file(str(EXAMPLE))

    assert problems == []
    assert got.title == "Chip Start-up Courting Data Centres Plans Share Sale Next Spring"
    assert got.quality == 34
    assert got.heat is None
    assert got.provider == Provider(name="ExtremeTech", domain="extremetech.com")
    assert got.topics == ("AI Hardware", "AI")
    assert len(got.related) == 3
    assert got.has_secured is True
    assert got.published_at == datetime(2023, 7, 18, 18, 30, tzinfo=UTC)
    assert got.published is False
    assert got.url.startswith("https://www.extremetech.com/")
    assert [r.provider.name for r in got.related] == ["scmp.com", "The Star", "Carscoops"]
    assert got.related[0].images[0].width == 1200
    assert frontmatter.load(str(EXAMPLE))["secured"] not in repr(got)


@pytest.mark.skipif(not SHARED_EXAMPLE.is_file(), reason="the user's example file is not present")
def test_the_users_example_file_parses_with_the_expected_values() -> None:
    got, problems = parse_file(str(SHARED_EXAMPLE))

    assert problems == []
    assert got.title == "Chinese AI Chip Firm Challenging Nvidia Seeks IPO Later This Year"
    assert (got.quality, got.heat, got.published) == (34, None, False)
    assert got.provider == Provider(name="ExtremeTech", domain="extremetech.com")
    assert got.topics == ("AI Hardware", "AI")
    assert [r.quality for r in got.related] == [82, 32, 2]
    assert got.has_secured is True
    assert frontmatter.load(str(SHARED_EXAMPLE))["secured"] not in repr(got)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_every_corpus_file_gives_an_article() -> None:
    files = sorted(p for p in CORPUS.iterdir() if p.is_file())
    assert files
    failed = {}
    for path in files:
        got, problems = parse_file(str(path))
        if got is None or any(p.skipped for p in problems):
            failed[path.name] = [p.format() for p in problems]
        assert_well_formed(problems, str(path))
    assert failed == {}


def test_every_seed_parses_without_problems() -> None:
    files = sorted(p for p in SEEDS.rglob("*") if p.is_file())
    assert files
    for path in files:
        got, problems = parse_file(str(path))
        assert got is not None, path.name
        assert problems == [], [p.format() for p in problems]
        assert got.title.strip(), path.name
