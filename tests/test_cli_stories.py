"""Stories on the command line (issue 14): the same news from several
providers is one story. Every article object says its story and how many
sources it has; `reader list --stories` lists one row a story.

The library: three reports of one recall, paraphrased by three providers
within hours, beside unrelated articles (one of them about the same
company, on the same day, but other news)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from pathlib import Path

import pytest

from conftest import article, write
from reader.cli import main


# Every test here runs with a wide, fixed console in a folder of its own (conftest).
pytestmark = pytest.mark.usefixtures("wide_console")


# file name: (title, published, quality, heat, provider, domain, excerpt)
RECALL = {
    "wire.md": (
        "Acme recalls 40,000 e-scooters over battery fires", "2024-06-03T08:00:00Z", 70, 300, "Wire Daily", "wire.example",
        "Acme is recalling 40,000 e-scooters after reports of battery fires.",
    ),
    "gadget.md": (
        "Acme pulls 40,000 scooters after battery fire reports", "2024-06-03T10:30:00Z", 85, 500, "Gadget Post", "gadgetpost.example",
        "The scooter maker Acme pulls 40,000 e-scooters from sale over battery fires.",
    ),
    "city.md": (
        "Battery fires force Acme to recall 40,000 e-scooters", "2024-06-03T12:15:00Z", 60, 200, "City Times", "citytimes.example",
        "Battery fires have forced Acme to recall 40,000 of its e-scooters.",
    ),
}
OTHERS = {
    "factory.md": (
        "Acme opens an e-bike factory in Ohio", "2024-06-03T11:00:00Z", 80, 150, "Biz Wire", "bizwire.example",
        "The plant will employ 400 people from next spring.",
    ),
    "tomato.md": (
        "Allotment growers report a record tomato harvest", "2024-06-03T09:00:00Z", 75, 100, "Garden Weekly", "gardenweekly.example",
        "A warm spring gave allotments their best tomatoes in years.",
    ),
    "rail.md": (
        "Night trains return to the Alps this winter", "2024-06-02T07:00:00Z", 90, 900, "Travel Desk", "traveldesk.example",
        "Sleeper services to the Alps resume in December.",
    ),
    "chess.md": (
        "Teenager wins the national chess championship", "2024-06-01T18:00:00Z", 55, 50, "Sport Today", "sporttoday.example",
        "A sixteen-year-old took the title on tie-breaks.",
    ),
}


def add(folder: Path, name: str, title: str, when: str, quality: float, heat: float, provider: str, domain: str, excerpt: str) -> Path:
    return write(
        folder,
        name,
        article(
            title,
            publishedDateTime=when,
            quality=quality,
            heat=heat,
            provider=f"{{name: {provider}, domain: {domain}}}",
            excerpt=json.dumps(excerpt),
            originalUrl=f"https://{domain}/{name.removesuffix('.md')}",
            body=excerpt,
        ),
    )


@pytest.fixture
def news(tmp_path) -> Path:
    folder = tmp_path / "news"
    for name, fields in {**RECALL, **OTHERS}.items():
        add(folder, name, *fields)
    return folder


def run(capsys, *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys, *args: object) -> list[dict]:
    """`reader list ARGS --format json`, as objects."""
    code, out, err = run(capsys, "list", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def by_file(items: list[dict]) -> dict[str, dict]:
    return {Path(item["path"]).name: item for item in items}


def recall_ids(capsys, news) -> dict[str, str]:
    """The recall's file names -> their ids."""
    return {name: item["id"] for name, item in by_file(listed(capsys, news)).items() if name in RECALL}


# -- every article says its story -----------------------------------------------------


def test_the_three_reports_share_a_story_and_the_others_stand_alone(capsys, news):
    items = by_file(listed(capsys, news))
    assert len(items) == 7
    recall = [items[name] for name in RECALL]
    assert {item["story"] for item in recall} == {items["wire.md"]["id"]}  # the first report's id
    assert all(item["story_size"] == 3 for item in recall)
    for name in OTHERS:  # the same company's other news included
        assert items[name]["story"] == items[name]["id"]
        assert items[name]["story_size"] == 1


def test_jsonl_objects_have_the_story_too(capsys, news):
    code, out, _ = run(capsys, "list", news, "--format", "jsonl")
    assert code == 0
    items = by_file([json.loads(line) for line in out.splitlines()])
    assert items["city.md"]["story"] == items["wire.md"]["id"] and items["city.md"]["story_size"] == 3
    assert items["rail.md"]["story"] == items["rail.md"]["id"] and items["rail.md"]["story_size"] == 1


def test_csv_has_a_story_and_a_story_size_column(capsys, news):
    code, out, _ = run(capsys, "list", news, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[-2:] == ["story", "story_size"]
    items = {Path(row["path"]).name: row for row in rows}
    assert {items[name]["story"] for name in RECALL} == {items["wire.md"]["id"]}
    assert [items[name]["story_size"] for name in RECALL] == ["3", "3", "3"]
    assert items["tomato.md"]["story"] == items["tomato.md"]["id"] and items["tomato.md"]["story_size"] == "1"


def test_show_json_says_the_story(capsys, news, tmp_path):
    ids = recall_ids(capsys, news)
    code, out, _ = run(capsys, "show", ids["city.md"], "--format", "json")
    assert code == 0
    item = json.loads(out)
    assert (item["story"], item["story_size"]) == (ids["wire.md"], 3)
    # a file no library holds is a story of its own
    alone = add(tmp_path / "elsewhere", "alone.md", *OTHERS["rail.md"])
    item = json.loads(run(capsys, "show", alone, "--format", "json")[1])
    assert (item["story"], item["story_size"]) == (item["id"], 1)


# -- the query language ---------------------------------------------------------------------


def test_sources_lists_exactly_the_three(capsys, news):
    ids = recall_ids(capsys, news)
    assert sorted(item["id"] for item in listed(capsys, news, "sources:>=3")) == sorted(ids.values())
    assert sorted(item["id"] for item in listed(capsys, news, "sources:>=2")) == sorted(ids.values())
    assert len(listed(capsys, news, "sources:1")) == len(OTHERS)


def test_story_lists_one_storys_articles(capsys, news):
    ids = recall_ids(capsys, news)
    assert sorted(item["id"] for item in listed(capsys, news, f"story:{ids['wire.md']}")) == sorted(ids.values())


def test_sort_sources_puts_the_story_first_head_first(capsys, news):
    ids = recall_ids(capsys, news)
    for args in (["sort:sources"], ["--sort", "sources"]):
        items = listed(capsys, news, *args)
        assert [item["id"] for item in items[:3]] == [ids["gadget.md"], ids["wire.md"], ids["city.md"]], args
        assert {item["story_size"] for item in items[3:]} == {1}


# -- --stories --------------------------------------------------------------------------------


def test_stories_lists_one_row_for_the_three_headed_by_the_best(capsys, news):
    ids = recall_ids(capsys, news)
    items = listed(capsys, news, "--stories")
    assert len(items) == 1 + len(OTHERS)
    [recall] = [item for item in items if item["story_size"] == 3]
    assert recall["id"] == ids["gadget.md"]  # the best quality of the three
    assert recall["story"] == ids["wire.md"]
    # every member, the head first, then by rank (quality)
    assert recall["members"] == [ids["gadget.md"], ids["wire.md"], ids["city.md"]]
    for item in items:
        if item is not recall:
            assert item["members"] == [item["id"]]


def test_stories_jsonl_has_the_members(capsys, news):
    ids = recall_ids(capsys, news)
    code, out, _ = run(capsys, "list", news, "--stories", "--format", "jsonl")
    assert code == 0
    items = [json.loads(line) for line in out.splitlines()]
    assert len(items) == 1 + len(OTHERS)
    members = {item["id"]: item["members"] for item in items}
    assert members[ids["gadget.md"]] == [ids["gadget.md"], ids["wire.md"], ids["city.md"]]
    assert not (set(ids.values()) - {ids["gadget.md"]}) & set(members)  # the others are not rows of their own


def test_stories_csv_has_the_members(capsys, news):
    ids = recall_ids(capsys, news)
    code, out, _ = run(capsys, "list", news, "--stories", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[-3:] == ["story", "story_size", "members"]
    [recall] = [row for row in rows if row["story_size"] == "3"]
    assert recall["members"] == "; ".join([ids["gadget.md"], ids["wire.md"], ids["city.md"]])


def test_stories_table_has_one_line_for_the_three_with_its_other_sources(capsys, news):
    code, out, err = run(capsys, "list", news, "--stories")
    assert code == 0 and err == ""
    lines = out.splitlines()
    [line] = [line for line in lines if "Acme pulls 40,000 scooters" in line]
    assert line.endswith("after battery fire reports +2")
    assert "Acme recalls" not in out and "Battery fires force" not in out
    assert "Acme opens an e-bike factory in Ohio" in out and "Acme opens an e-bike factory in Ohio +" not in out
    assert lines[-1] == f"{1 + len(OTHERS)} of {1 + len(OTHERS)} stories"
    # the plain list is untouched: every article, no "+N"
    plain = run(capsys, "list", news)[1]
    assert "Acme recalls" in plain and "+2" not in plain and plain.splitlines()[-1] == "7 of 7 articles"


def test_stories_table_cut_at_columns_keeps_the_sources_in_sight(capsys, news, monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    code, out, _ = run(capsys, "list", news, "--stories")
    assert code == 0
    [line] = [line for line in out.splitlines() if "Gadget Post" in line]
    assert line.endswith("… +2") and len(line) <= 70


def test_stories_table_on_a_terminal_wraps_the_title_with_its_sources(capsys, news, monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    code, out, _ = run(capsys, "list", news, "--stories")
    assert code == 0
    text = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert all(len(line) <= 70 for line in text.splitlines())
    assert "reports +2" in " ".join(text.split())  # the title wraps, "+2" right after it
    assert text.count("+2") == 1 and text.splitlines()[-1] == f"{1 + len(OTHERS)} of {1 + len(OTHERS)} stories"


def head_of_each_story(plain: list[dict], stories: list[dict]) -> list[str]:
    """What --stories should list, worked out from the plain list: for each
    story, its best-ranked article among those listed, where it stands."""
    rank = {member: i for item in stories for i, member in enumerate(item["members"])}
    best: dict[str, dict] = {}
    for item in plain:
        if item["story"] not in best or rank[item["id"]] < rank[best[item["story"]]["id"]]:
            best[item["story"]] = item
    chosen = {item["id"] for item in best.values()}
    return [item["id"] for item in plain if item["id"] in chosen]


@pytest.mark.parametrize(
    "args",
    [[], ["--sort", "date"], ["--sort", "date", "--reverse"], ["--sort", "title"], ["--sort", "heat"], ["acme"], ["battery", "fires"],
     ["sort:sources"], ['provider:"City Times"'], ["-provider:Gadget*"], ["quality:<=75"]],
    ids=lambda args: " ".join(args) or "default",
)
def test_stories_is_the_plain_list_one_row_a_story(capsys, news, args):
    plain = listed(capsys, news, *args)
    stories = listed(capsys, news, *args, "--stories")
    assert [item["id"] for item in stories] == head_of_each_story(plain, stories)
    assert len({item["story"] for item in stories}) == len(stories)


def test_a_story_shown_by_a_member_that_matches(capsys, news):
    ids = recall_ids(capsys, news)
    [item] = listed(capsys, news, 'provider:"City Times"', "--stories")
    assert item["id"] == ids["city.md"]  # the head does not match: the member that does stands for the story
    assert item["story_size"] == 3
    assert item["members"] == [ids["gadget.md"], ids["wire.md"], ids["city.md"]]


def test_stories_limit_counts_stories(capsys, news):
    ids = recall_ids(capsys, news)
    by_date = listed(capsys, news, "--stories", "--sort", "date")
    first_two = listed(capsys, news, "--stories", "--sort", "date", "--limit", "2")
    assert first_two == by_date[:2]
    assert first_two[1]["id"] == ids["gadget.md"]  # the story at its head's place (10:30), after the factory (11:00)
    code, out, _ = run(capsys, "list", news, "--stories", "--limit", "2")
    assert code == 0 and out.splitlines()[-1] == f"2 of {1 + len(OTHERS)} stories"
    code, out, _ = run(capsys, "list", news, "--stories", "--limit", "0")
    assert code == 0 and out.splitlines()[-1] == f"0 of {1 + len(OTHERS)} stories"


def test_stories_keep_the_configs_filters(capsys, news, xdg_dirs):
    ids = recall_ids(capsys, news)
    config = xdg_dirs["XDG_CONFIG_HOME"] / "reader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('min_quality = 65\nhide_unscored = true\nsort = "date"\n', encoding="utf-8")
    plain = listed(capsys, news)
    stories = listed(capsys, news, "--stories")
    assert "chess.md" not in by_file(plain) and "chess.md" not in by_file(stories)  # quality 55
    assert ids["city.md"] not in [item["id"] for item in plain]  # quality 60
    assert [item["id"] for item in stories] == head_of_each_story(plain, stories)  # by date, as the config says
    [recall] = [item for item in stories if item["story_size"] == 3]
    assert recall["members"] == [ids["gadget.md"], ids["wire.md"], ids["city.md"]]  # all of them, filtered or not


# -- stable ids -----------------------------------------------------------------------------


def stories_of(capsys, news) -> dict[str, str]:
    return {item["id"]: item["story"] for item in listed(capsys, news)}


def test_story_ids_stay_when_other_files_change(capsys, news):
    before = stories_of(capsys, news)
    later = os.stat(news / "tomato.md").st_mtime + 60
    os.utime(news / "tomato.md", (later, later))
    assert stories_of(capsys, news) == before
    add(news, "kite.md", "Kite festival draws record crowds to the coast", "2024-06-03T14:00:00Z", 50, 20, "Coast News", "coast.example",
        "Thousands of kites filled the sky over the weekend.")
    after = stories_of(capsys, news)
    assert {i: after[i] for i in before} == before
    assert len(after) == len(before) + 1


# -- help ---------------------------------------------------------------------------------------


def test_help_lists_the_stories_option(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    [line] = [line for line in out.splitlines() if line.strip().startswith("reader list")]
    assert "[--stories]" in line and "sources" in line
    code, out, _ = run(capsys, "list", "--help")
    assert code == 0 and "--stories" in out and "members" in out
