"""`storyline timeline` through the CLI runner: plain inputs, a cluster run's story, a store's
story, the three formats and the errors that say what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app

runner = CliRunner()
FIX = Path(__file__).parents[1] / "fixtures" / "timeline"
LEAD, UPDATE = FIX / "agency_lead.json", FIX / "agency_update.json"
COPY, OTHER = FIX / "syndicated_lead.json", FIX / "other_outlet.json"
ALL = [str(p) for p in (LEAD, COPY, OTHER, UPDATE)]
STORY = "story:nordwire-kessel-1"


def _stories(tmp_path: Path, *records: dict[str, object]) -> Path:
    p = tmp_path / "stories.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return p


def _feed(tmp_path: Path, *extra: dict[str, object]) -> Path:
    """The four versions plus unrelated articles, in one JSONL file (as `cluster` reads it)."""
    lines = [p.read_text(encoding="utf-8").strip() for p in (OTHER, UPDATE, LEAD, COPY)]
    lines += [json.dumps(r) for r in extra]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return feed


UNRELATED = {"id": "other-1", "source": "Farm Weekly", "published": "2026-03-02T11:00:00Z",
             "text": "Wheat prices rose 4 percent on Monday as dry weather hit the plains."}


def test_help_explains_the_three_ways_to_pick_a_story():
    r = runner.invoke(app, ["timeline", "--help"], terminal_width=120)
    assert r.exit_code == 0
    for opt in ("--stories", "--store", "--story", "--format", "--out", "--on-error"):
        assert opt in r.output
    assert "all INPUT articles are one story" in r.output or "all articles are one story" in r.output
    r = runner.invoke(app, ["--help"], terminal_width=120)
    assert "timeline" in r.output


def test_plain_inputs_are_one_story_text_lists_changes_and_accounting():
    r = runner.invoke(app, ["timeline", *ALL])
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "4 versions" in out
    assert "37 (v1) → 41 (v4)" in out  # the toll moved in the agency's update
    assert "Monday (v1) → Tuesday (v4)" in out
    assert "read 4 = accepted 4 + rejected 0" in r.stderr
    assert "timeline of the inputs: 4 versions" in r.stderr


def test_json_is_the_documented_schema_and_deterministic(tmp_path):
    out = tmp_path / "t.json"
    r = runner.invoke(app, ["timeline", *ALL, "--out", str(out), "-q"])  # format by extension
    assert r.exit_code == 0, r.output
    d = json.loads(out.read_text(encoding="utf-8"))
    assert d["schema_version"] == 1
    assert [v["article_id"] for v in d["versions"]] == [
        "nordwire-kessel-1", "gazette-88120", "courier-5512", "nordwire-kessel-2"]
    dead = next(f for f in d["facts"] if f["kind"] == "count" and f["measure"] == "dead")
    assert [(c["old"], c["new"]) for c in dead["changes"]] == [("37", "41")]
    assert dead["first"]["article_id"] == "nordwire-kessel-1"
    # same input in another order, same output
    r2 = runner.invoke(app, ["timeline", *reversed(ALL), "-f", "json", "-q"])
    assert json.loads(r2.stdout) == d


def test_html_page_has_the_chart_and_no_script(tmp_path):
    out = tmp_path / "t.html"
    r = runner.invoke(app, ["timeline", *ALL, "--out", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<svg" in page and "<script" not in page
    assert f"wrote html to {out}" in r.stderr


def test_one_story_of_a_cluster_run(tmp_path):
    feed = _feed(tmp_path, UNRELATED)
    stories = _stories(
        tmp_path,
        {"story_id": STORY, "members": ["nordwire-kessel-1", "gazette-88120", "courier-5512",
                                        "nordwire-kessel-2"]},
        {"story_id": "story:other-1", "members": ["other-1"]},
    )
    r = runner.invoke(app, ["timeline", str(feed), "--stories", str(stories), "--story", STORY,
                            "-f", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert {v["article_id"] for v in d["versions"]} == {
        "nordwire-kessel-1", "gazette-88120", "courier-5512", "nordwire-kessel-2"}
    assert f"timeline of story {STORY}: 4 versions" in r.stderr
    assert "read 5 = accepted 5 + rejected 0" in r.stderr


def test_real_cluster_run_then_timeline(tmp_path):
    """The stories.jsonl `storyline cluster` writes is what --stories reads."""
    feed = _feed(tmp_path, UNRELATED)
    out = tmp_path / "out"
    r = runner.invoke(app, ["cluster", str(feed), "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output
    recs = [json.loads(x) for x in (out / "stories.jsonl").read_text().splitlines()]
    big = max(recs, key=lambda x: x["size"])
    r = runner.invoke(app, ["timeline", str(feed), "--stories", str(out / "stories.jsonl"),
                            "--story", big["story_id"], "-f", "json", "-q"])
    assert r.exit_code == 0, r.output
    assert [v["article_id"] for v in json.loads(r.stdout)["versions"]][0] == "nordwire-kessel-1"
    assert len(json.loads(r.stdout)["versions"]) == big["size"]


def test_spark_stories_folder_of_part_files(tmp_path):
    feed = _feed(tmp_path)
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "part-00000.json").write_text(
        json.dumps({"story_id": "s1", "members": ["courier-5512"]}) + "\n", encoding="utf-8")
    (folder / "part-00001.json").write_text(
        json.dumps({"story_id": STORY, "members": ["nordwire-kessel-1", "nordwire-kessel-2"]})
        + "\n", encoding="utf-8")
    (folder / "_SUCCESS").write_text("")
    r = runner.invoke(app, ["timeline", str(feed), "--stories", str(folder), "--story", STORY,
                            "-f", "json", "-q"])
    assert r.exit_code == 0, r.output
    assert [v["article_id"] for v in json.loads(r.stdout)["versions"]] == [
        "nordwire-kessel-1", "nordwire-kessel-2"]


def test_unknown_story_says_so_and_how_to_list(tmp_path):
    feed = _feed(tmp_path)
    stories = _stories(tmp_path, {"story_id": STORY, "members": ["nordwire-kessel-1"]})
    r = runner.invoke(app, ["timeline", str(feed), "--stories", str(stories), "--story", "nope"])
    assert r.exit_code == 2
    assert "no story 'nope'" in r.output and STORY in r.output and "story_id" in r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize(("args", "says"), [
    (["--stories", "S"], "--stories needs --story"),
    (["--story", "x"], "--story needs --stories"),
    (["--stories", "S", "--store", "db", "--story", "x"], "either --stories or --store"),
    (["-f", "pdf"], "unknown --format 'pdf'"),
    (["--entities", "magic"], "unknown --entities"),
])
def test_option_mistakes_are_one_clear_line(tmp_path, args, says):
    stories = _stories(tmp_path, {"story_id": STORY, "members": ["nordwire-kessel-1"]})
    args = [str(stories) if a == "S" else a for a in args]
    r = runner.invoke(app, ["timeline", str(LEAD), *args])
    assert r.exit_code == 2, r.output
    assert says in r.output and "Traceback" not in r.output


def test_members_missing_from_the_inputs_are_an_error(tmp_path):
    stories = _stories(tmp_path, {"story_id": STORY,
                                  "members": ["nordwire-kessel-1", "nordwire-kessel-2"]})
    r = runner.invoke(app, ["timeline", str(LEAD), "--stories", str(stories), "--story", STORY])
    assert r.exit_code == 2
    assert "1 of the 2 members" in r.output and "'nordwire-kessel-2'" in r.output
    assert "same INPUT files" in r.output


def test_a_file_that_is_not_stories_is_named_with_its_line(tmp_path):
    bad = tmp_path / "assignments.jsonl"
    bad.write_text(json.dumps({"id": "a", "story_id": "s"}) + "\n", encoding="utf-8")
    r = runner.invoke(app, ["timeline", str(LEAD), "--stories", str(bad), "--story", "s"])
    assert r.exit_code == 2
    assert f"{bad}:1" in r.output and "not a story record" in r.output


def test_bad_input_record_skipped_and_counted(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(LEAD.read_text().strip() + "\n{not json\n" + UPDATE.read_text().strip() + "\n",
                    encoding="utf-8")
    r = runner.invoke(app, ["timeline", str(feed)])
    assert r.exit_code == 2 and f"{feed}:2" in r.output
    r = runner.invoke(app, ["timeline", str(feed), "--on-error", "skip", "-f", "json"])
    assert r.exit_code == 0, r.output
    assert "read 3 = accepted 2 + rejected 1" in r.stderr
    assert len(json.loads(r.stdout)["versions"]) == 2


def test_story_of_a_store(tmp_path):
    db = tmp_path / "news.db"
    feed = _feed(tmp_path, UNRELATED)
    assert runner.invoke(app, ["index", "create", str(db)]).exit_code == 0
    r = runner.invoke(app, ["index", "add", str(db), str(feed), "-q"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["timeline", "--store", str(db), "--story", STORY, "-f", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["versions"][0]["article_id"] == "nordwire-kessel-1"
    assert "other-1" not in {v["article_id"] for v in d["versions"]}
    assert "read" in r.stderr and "rejected 0" in r.stderr
    r = runner.invoke(app, ["timeline", "--store", str(db), "--story", "nope"])
    assert r.exit_code == 2
    assert "no story 'nope' in the store" in r.output and "--what stories" in r.output
    r = runner.invoke(app, ["timeline", str(LEAD), "--store", str(db), "--story", STORY])
    assert r.exit_code == 2 and "give no INPUT files" in r.output


def test_a_rejected_member_is_named_as_the_likely_cause(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(LEAD.read_text().strip() + "\n{not json\n", encoding="utf-8")
    stories = _stories(tmp_path, {"story_id": STORY,
                                  "members": ["nordwire-kessel-1", "nordwire-kessel-2"]})
    r = runner.invoke(app, ["timeline", str(feed), "--stories", str(stories), "--story", STORY,
                            "--on-error", "skip"])
    assert r.exit_code == 2
    assert "'nordwire-kessel-2'" in r.output and "1 input records were rejected" in r.output
