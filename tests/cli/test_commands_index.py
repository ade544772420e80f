import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.io import write_records
from storyline.store import Store
from storyline.synth import generate

runner = CliRunner()


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "c.jsonl"
    write_records(generate(120, seed=4), path)
    return path


def test_index_commands_have_help():
    for cmd in ("create", "add", "query", "stats", "export"):
        r = runner.invoke(app, ["index", cmd, "--help"])
        assert r.exit_code == 0 and "Usage" in r.output
    assert runner.invoke(app, ["serve", "--help"]).exit_code == 0


def test_add_is_incremental_and_idempotent(tmp_path, corpus):
    db = tmp_path / "s.db"
    assert runner.invoke(app, ["index", "create", str(db), "-q"]).exit_code == 0
    r = runner.invoke(app, ["index", "add", str(db), str(corpus), "-f", "json"])
    assert r.exit_code == 0, r.output
    first = json.loads(r.stdout)[0]
    assert first["added"] == 120 and first["exists"] == 0
    assert first["added"] == first["duplicates"] + first["joined a story"] + first["new stories"]
    assert first["joined a story"] > 0  # revisions and rewrites join their story
    assert "read 120 = accepted 120 + rejected 0" in r.output
    r = runner.invoke(app, ["index", "add", str(db), str(corpus), "-f", "json"])
    again = json.loads(r.stdout)[0]
    assert again["added"] == 0 and again["exists"] == 120 and again["stored articles"] == 120


def test_add_on_error_skip_counts_rejects(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "1", "text": "A real article text."}\n{broken\n{"id": "3", "text": ""}\n',
                   encoding="utf-8")
    db = tmp_path / "s.db"
    r = runner.invoke(app, ["index", "add", str(db), str(src)])
    assert r.exit_code == 2 and "in.jsonl:2" in r.output
    r = runner.invoke(app, ["index", "add", str(db), str(src), "--on-error", "skip", "-f", "json"])
    assert r.exit_code == 0 and "read 3 = accepted 1 + rejected 2" in r.output


def test_query_stats_export(tmp_path, corpus):
    db = tmp_path / "s.db"
    runner.invoke(app, ["index", "add", str(db), str(corpus), "-q"])
    recs = [json.loads(x) for x in corpus.read_text().splitlines()]
    probe = tmp_path / "probe.jsonl"
    probe.write_text(
        json.dumps({"id": "q1", "text": "Advertisement\n" + recs[0]["text"]}) + "\n"
        + json.dumps({"id": "q2", "text": "Nothing like any stored article at all, about cats."}) + "\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["index", "query", str(db), str(probe), "-f", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    q1 = [x for x in rows if x["id"] == "q1"]
    assert q1[0]["duplicate_of"] == recs[0]["id"] or q1[0]["match_id"] == recs[0]["id"]
    assert q1[0]["reason"] == "exact" or q1[0]["reason"].startswith(("near", "contained"))
    assert [x["reason"] for x in rows if x["id"] == "q2"] == ["no stored match"]
    with Store.open(db) as s:
        assert s.count("articles") == 120  # query wrote nothing
    r = runner.invoke(app, ["index", "stats", str(db), "-f", "json"])
    st = json.loads(r.stdout)[0]
    assert st["articles"] == 120 and st["consistent"] is True and st["bytes"] > 0
    for ext in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"e.{ext}"
        r = runner.invoke(app, ["index", "export", str(db), "--out", str(out), "-f", "json"])
        assert r.exit_code == 0 and json.loads(r.stdout)[0]["rows"] == 120
    first = json.loads((tmp_path / "e.jsonl").read_text().splitlines()[0])
    assert {"id", "story_id", "duplicate_of", "relation"} <= set(first) and "original" not in first
    r = runner.invoke(app, ["index", "export", str(db), "--what", "stories", "--out", str(tmp_path / "s.csv")])
    assert r.exit_code == 0


def test_missing_store_is_a_clear_error(tmp_path):
    r = runner.invoke(app, ["index", "stats", str(tmp_path / "nope.db")])
    assert r.exit_code == 2 and "index create" in r.output


@pytest.mark.slow
def test_sigkill_during_add_then_resume(tmp_path):
    """Kill the indexer mid-run: the store stays consistent and a re-run loses nothing."""
    n = 1200
    corpus = tmp_path / "big.jsonl"
    write_records(generate(n, seed=9), corpus)
    db = tmp_path / "s.db"
    cmd = [sys.executable, "-c", "from storyline.cli import main; main()",
           "index", "add", str(db), str(corpus), "--batch-size", "50", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    stored = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=5) as c:
                    stored = c.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if stored >= 200:
                break
    assert proc.poll() is None, "indexer finished before it could be killed; raise n"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with Store.open(db) as s:
        assert s.check() == []
        partial = s.count("articles")
        assert 200 <= partial < n and partial % 50 == 0  # whole batches only
    r = subprocess.run(cmd[:-1] + ["-f", "json"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)[0]
    assert summary["exists"] == partial and summary["added"] == n - partial
    with Store.open(db) as s:
        assert s.check() == []
        assert s.count("articles") == n
        ids = [x[0] for x in s.conn.execute("SELECT id FROM articles")]
        assert len(set(ids)) == n
        assert set(ids) == {json.loads(x)["id"] for x in corpus.read_text().splitlines()}


def test_add_orders_by_publication_time(tmp_path):
    src = tmp_path / "in.jsonl"
    rows = [
        {"id": "late", "text": "The late article about the harbour bridge.", "published": "2024-03-02T10:00:00Z"},
        {"id": "undated", "text": "An article without a date about the weather."},
        {"id": "early", "text": "The early article about the city budget.", "published": "2024-03-01T10:00:00+01:00"},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    for order, expected in (("time", ["early", "late", "undated"]), ("input", ["late", "undated", "early"])):
        db = tmp_path / f"{order}.db"
        r = runner.invoke(app, ["index", "add", str(db), str(src), "--order", order, "-q"])
        assert r.exit_code == 0, r.output
        with Store.open(db) as s:
            assert [x[0] for x in s.conn.execute("SELECT id FROM articles ORDER BY seq")] == expected
    r = runner.invoke(app, ["index", "add", str(tmp_path / "x.db"), str(src), "--order", "random"])
    assert r.exit_code == 2 and "--order" in r.output


@pytest.mark.parametrize("order", ["time", "input"])
def test_add_rejects_a_date_outside_the_utc_range(tmp_path, order):
    """9999-12-31T23:59:59-05:00 overflows in UTC: an error naming the record, or counted."""
    src = tmp_path / "d.jsonl"
    write_records([
        {"id": "a", "text": "The river burst its banks on Friday, flooding 40 homes.",
         "published": "2024-01-02T08:00:00Z"},
        {"id": "b", "text": "Storm closes the harbour for a second day as winds reach 90 km/h.",
         "published": "9999-12-31T23:59:59-05:00"},
        {"id": "c", "text": "Council approves the new bridge after a two-year delay.",
         "published": "0001-01-01T00:00:00+05:00"},
    ], src)
    db, rej = tmp_path / "s.db", tmp_path / "rej.jsonl"
    r = runner.invoke(app, ["index", "add", str(db), str(src), "--order", order])
    assert r.exit_code == 2 and "d.jsonl:2" in r.output and "date range" in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    r = runner.invoke(app, ["index", "add", str(db), str(src), "--order", order, "-q",
                            "--on-error", "skip", "--rejects", str(rej)])
    assert r.exit_code == 0, r.output
    assert "read 3 = accepted 1 + rejected 2" in r.output
    assert [json.loads(x)["where"].rsplit(":", 1)[1] for x in rej.read_text().splitlines()] \
        == ["2", "3"]
    with Store.open(db) as st:
        assert st.count("articles") == 1


@pytest.mark.parametrize("cmd", ["create", "add"])
def test_a_new_store_needs_its_folder_or_create_dirs(tmp_path, corpus, cmd):
    db = tmp_path / "no" / "such" / "dir" / "x.db"
    args = ["index", cmd, str(db), *([str(corpus)] if cmd == "add" else []), "-q"]
    r = runner.invoke(app, args)
    assert r.exit_code == 2 and "does not exist" in r.output and "--create-dirs" in r.output
    assert not (tmp_path / "no").exists()
    r = runner.invoke(app, [*args, "--create-dirs"])
    assert r.exit_code == 0, r.output
    assert db.exists()
    (tmp_path / "file").write_text("x")
    r = runner.invoke(app, ["index", cmd, str(tmp_path / "file" / "x.db"),
                            *([str(corpus)] if cmd == "add" else []), "-q", "--create-dirs"])
    assert r.exit_code == 2 and "not a folder" in r.output
