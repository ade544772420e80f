"""`storyline compare` through the CLI runner: pair formats, FILE#ID, batch mode, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app

runner = CliRunner()
FIX = Path(__file__).parents[1] / "fixtures" / "compare"
WIRE, UPDATE = str(FIX / "quake_wire.txt"), str(FIX / "quake_update_noisy.txt")
SEMEVAL = Path(__file__).parents[2] / ".." / "shared" / "data" / "semeval2022-task8-en-train.jsonl"


def test_help_explains():
    r = runner.invoke(app, ["compare", "--help"])
    assert r.exit_code == 0
    assert "--pairs" in r.output and "--format" in r.output


def test_text_report_puts_relation_first_then_evidence():
    r = runner.invoke(app, ["compare", WIRE, UPDATE])
    assert r.exit_code == 0, r.output
    out = r.output
    assert out.index("similarity") < out.index("Changed facts") < out.index("Sentences")
    assert "Monday" in out and "Tuesday" in out
    assert "[-12-]" in out and "{+15+}" in out
    assert "read 2 = accepted 2 + rejected 0" in out


def test_json_output_is_the_schema():
    r = runner.invoke(app, ["compare", WIRE, UPDATE, "--format", "json", "-q"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["schema_version"] == 2
    assert {(f["a"], f["b"]) for f in d["evidence"]["changed_facts"]} >= {("12", "15"),
                                                                          ("Monday", "Tuesday")}


def test_html_to_file_by_extension(tmp_path):
    out = tmp_path / "diff.html"
    r = runner.invoke(app, ["compare", WIRE, UPDATE, "--out", str(out)])
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and 'class="sbs"' in page


def test_record_picked_by_id_from_a_multi_record_file(tmp_path):
    src = tmp_path / "two.jsonl"
    src.write_text(
        json.dumps({"id": "x1", "text": "The river burst its banks on Friday, flooding 40 homes."})
        + "\n"
        + json.dumps({"id": "x2", "text": "The river burst its banks on Saturday, flooding 55 homes."})
        + "\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["compare", f"{src}#x1", f"{src}#x2", "-f", "json", "-q"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert (d["a"]["id"], d["b"]["id"]) == ("x1", "x2")
    r = runner.invoke(app, ["compare", str(src), f"{src}#x2"])
    assert r.exit_code == 2
    assert "exactly one article" in r.output and "#ID" in r.output
    r = runner.invoke(app, ["compare", f"{src}#nope", f"{src}#x2"])
    assert r.exit_code == 2 and "no record with id 'nope'" in r.output


def test_missing_file_and_missing_argument_are_clear(tmp_path):
    r = runner.invoke(app, ["compare", str(tmp_path / "nope.txt"), WIRE])
    assert r.exit_code == 2 and "no such file" in r.output
    r = runner.invoke(app, ["compare", WIRE])
    assert r.exit_code == 2 and "two articles" in r.output
    r = runner.invoke(app, ["compare", WIRE, UPDATE, "--format", "csv"])
    assert r.exit_code == 2 and "unknown --format" in r.output


def _pairs_file(tmp_path: Path) -> Path:
    wire = Path(WIRE).read_text(encoding="utf-8")
    upd = Path(UPDATE).read_text(encoding="utf-8")
    src = tmp_path / "pairs.jsonl"
    src.write_text(
        json.dumps({"pair_id": "p1", "text1": wire, "text2": upd,
                    "scores": {"overall": 1.0, "time": 1.5}}) + "\n"
        + "{not json\n"
        + json.dumps({"pair_id": "p3", "text1": wire, "text2": ""}) + "\n"
        + json.dumps({"pair_id": "p4", "text1": wire, "text2": wire}) + "\n",
        encoding="utf-8",
    )
    return src


def test_pairs_batch_skip_counts_rejects_and_carries_gold(tmp_path):
    src, out, rej = _pairs_file(tmp_path), tmp_path / "res.jsonl", tmp_path / "rej.jsonl"
    r = runner.invoke(app, ["compare", "--pairs", str(src), "--out", str(out),
                            "--on-error", "skip", "--rejects", str(rej)])
    assert r.exit_code == 0, r.output
    assert "read 4 = accepted 2 + rejected 2" in r.output
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [row["pair_id"] for row in rows] == ["p1", "p4"]
    assert rows[0]["scores"] == {"overall": 1.0, "time": 1.5}  # gold ratings carried through
    assert "text1" not in rows[0] and "text2" not in rows[0]
    assert 0.0 <= rows[0]["similarity"] <= 1.0 and rows[1]["relation"] == "duplicate"
    assert rows[0]["evidence"]["changed_facts"]
    bad = [json.loads(x)["where"] for x in rej.read_text().splitlines()]
    assert [w.rsplit(":", 1)[1] for w in bad] == ["2", "3"]


def test_pairs_batch_fail_names_the_line(tmp_path):
    r = runner.invoke(app, ["compare", "--pairs", str(_pairs_file(tmp_path)),
                            "--out", str(tmp_path / "o.jsonl")])
    assert r.exit_code == 2
    assert "pairs.jsonl:2" in r.output and "invalid JSON" in r.output


def test_pairs_without_evidence_is_compact(tmp_path):
    out = tmp_path / "res.jsonl"
    r = runner.invoke(app, ["compare", "--pairs", str(_pairs_file(tmp_path)), "--out", str(out),
                            "--on-error", "skip", "--no-evidence", "-q"])
    assert r.exit_code == 0, r.output
    row = json.loads(out.read_text().splitlines()[0])
    assert set(row) == {"pair_id", "scores", "relation", "similarity", "dimensions", "scorer"}


def test_pairs_needs_out_and_excludes_articles(tmp_path):
    src = _pairs_file(tmp_path)
    assert "--out" in runner.invoke(app, ["compare", "--pairs", str(src)]).output
    r = runner.invoke(app, ["compare", WIRE, UPDATE, "--pairs", str(src), "--out", "x.jsonl"])
    assert r.exit_code == 2 and "not both" in r.output


@pytest.mark.slow
def test_pairs_batch_on_semeval_training_file(tmp_path):
    if not SEMEVAL.exists():
        pytest.skip("../shared/data/semeval2022-task8-en-train.jsonl is not available")
    out = tmp_path / "semeval-results.jsonl"
    r = runner.invoke(app, ["compare", "--pairs", str(SEMEVAL), "--out", str(out), "-f", "json"])
    assert r.exit_code == 0, r.output
    gold = [json.loads(x) for x in SEMEVAL.read_text(encoding="utf-8").splitlines() if x.strip()]
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(gold) == 161
    assert f"read {len(gold)} = accepted {len(gold)} + rejected 0" in r.output
    assert [row["pair_id"] for row in rows] == [g["pair_id"] for g in gold]
    assert all(row["scores"] == g["scores"] for row, g in zip(rows, gold, strict=True))
    assert all(row["schema_version"] == 2 and 0 <= row["similarity"] <= 1 for row in rows)
    # compare's similarity is the fitted scorer's, unchanged by compare's own normalization:
    # it matches the human "overall" rating as well as the Linker does on these pairs (this is
    # in-sample for the packaged model; its cross-validated numbers are in the link README)
    import numpy as np

    sim = np.array([row["similarity"] for row in rows])
    overall = np.array([g["scores"]["overall"] for g in gold])
    assert rows[0]["scorer"] == "Linker"
    assert np.corrcoef(sim, -overall)[0, 1] > 0.8
    dims = np.array([row["dimensions"]["entities"] for row in rows])
    assert np.corrcoef(dims, [g["scores"]["entities"] for g in gold])[0, 1] > 0.7
    # `storyline eval pairs` consumes the results file as it is (similarity + carried scores)
    ev = runner.invoke(app, ["eval", "pairs", str(out), "--format", "json"])
    assert ev.exit_code == 0, ev.output
    metrics = {m["metric"]: m["value"] for m in json.loads(ev.stdout)}
    assert abs(metrics["pearson(similarity, -overall)"] - np.corrcoef(sim, -overall)[0, 1]) < 1e-6
    assert "pearson(geography)" in metrics


class _FakeStore:
    """Stands in for storyline.store.Store (the service branch's SQLite store)."""

    rows = {
        "w1": {"id": "w1", "text": "cleaned", "original": Path(WIRE).read_text(encoding="utf-8"),
               "title": "Quake kills 12", "source": "AP", "published": "2026-11-23"},
        "u1": {"id": "u1", "text": Path(UPDATE).read_text(encoding="utf-8"), "title": None},
    }

    @classmethod
    def open(cls, path):
        return cls()

    def get_article(self, aid):
        return self.rows.get(aid)

    def close(self):
        pass


def test_articles_by_id_from_a_store(tmp_path, monkeypatch):
    import sys
    import types

    fake = types.ModuleType("storyline.store")
    fake.Store = _FakeStore  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "storyline.store", fake)
    r = runner.invoke(app, ["compare", "--store", str(tmp_path / "x.db"), "w1", "u1", "-f", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["a"]["id"] == "w1" and d["a"]["title"] == "Quake kills 12"
    assert ("12", "15") in {(f["a"], f["b"]) for f in d["evidence"]["changed_facts"]}
    r = runner.invoke(app, ["compare", "--store", str(tmp_path / "x.db"), "w1", "nope"])
    assert r.exit_code == 2 and "no article with id 'nope'" in r.output


@pytest.mark.slow
def test_embeddings_variant_scores_the_pair():
    pytest.importorskip("sentence_transformers")
    r = runner.invoke(app, ["compare", WIRE, UPDATE, "--embeddings", "-f", "json", "-q"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["scorer"] == "Linker" and d["signals"]["embedding"] > 0.5
    assert d["relation"] in ("revision", "near_duplicate")


def _truncated_gz(tmp_path: Path) -> Path:
    import gzip

    wire = Path(WIRE).read_text(encoding="utf-8")
    upd = Path(UPDATE).read_text(encoding="utf-8")
    lines = "".join(json.dumps({"pair_id": f"p{i}", "text1": wire + f" Case {i}.",
                                "text2": upd + f" Note {i * 7919 % 1000}."}) + "\n"
                    for i in range(40))
    data = gzip.compress(lines.encode("utf-8"))
    src = tmp_path / "pairs.jsonl.gz"
    src.write_bytes(data[: len(data) * 2 // 3])  # cut mid-stream, as an interrupted download
    return src


def test_pairs_truncated_gz_fails_with_file_line_and_fix(tmp_path):
    out = tmp_path / "res.jsonl"
    r = runner.invoke(app, ["compare", "--pairs", str(_truncated_gz(tmp_path)), "--out", str(out)])
    assert r.exit_code == 2, r.output
    assert "Aborted" not in r.output
    assert "pairs.jsonl.gz:" in r.output and "truncated or corrupt" in r.output
    assert "--on-error skip" in r.output


def test_pairs_truncated_gz_under_skip_keeps_the_pairs_before_and_counts_it(tmp_path):
    out, rej = tmp_path / "res.jsonl", tmp_path / "rej.jsonl"
    r = runner.invoke(app, ["compare", "--pairs", str(_truncated_gz(tmp_path)), "--out", str(out),
                            "--on-error", "skip", "--rejects", str(rej), "-q"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert 0 < len(rows) < 40
    assert [row["pair_id"] for row in rows] == [f"p{i}" for i in range(len(rows))]
    assert f"read {len(rows) + 1} = accepted {len(rows)} + rejected 1" in r.output
    (bad,) = [json.loads(x) for x in rej.read_text().splitlines()]
    assert "truncated" in bad["reason"] and bad["where"].endswith(f":{len(rows) + 1}")


def test_pairs_larger_than_max_bytes_are_refused_not_aligned(tmp_path):
    """Two 5+ MB texts (over ReadConfig.max_bytes) and a 12 MB line never reach the aligner."""
    big = "The river rose again overnight. " * 160_000  # ~5.1 MB
    wire = Path(WIRE).read_text(encoding="utf-8")
    src = tmp_path / "big.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"pair_id": "ok", "text1": wire, "text2": wire}) + "\n")
        fh.write(json.dumps({"pair_id": "big", "text1": big, "text2": big[::-1]}) + "\n")
        fh.write(json.dumps({"pair_id": "huge", "text1": big * 2 + big, "text2": "x"}) + "\n")
    out, rej = tmp_path / "res.jsonl", tmp_path / "rej.jsonl"
    r = runner.invoke(app, ["compare", "--pairs", str(src), "--out", str(out)])
    assert r.exit_code == 2 and "big.jsonl:2" in r.output and "max_bytes" in r.output
    r = runner.invoke(app, ["compare", "--pairs", str(src), "--out", str(out), "-q",
                            "--on-error", "skip", "--rejects", str(rej)])
    assert r.exit_code == 0, r.output
    assert "read 3 = accepted 1 + rejected 2" in r.output
    assert [json.loads(x)["pair_id"] for x in out.read_text().splitlines()] == ["ok"]
    reasons = [json.loads(x)["reason"] for x in rej.read_text().splitlines()]
    assert "text1" in reasons[0] or "max_bytes" in reasons[0]
    assert all("max_bytes" in x for x in reasons)


@pytest.mark.parametrize(("name", "check"), [
    ("diff.json", lambda s: json.loads(s)["schema_version"] == 2),
    ("diff.jsonl", lambda s: len(s.splitlines()) == 1 and "relation" in json.loads(s)),
    ("diff.HTM", lambda s: s.startswith("<!doctype html>")),
    ("diff.txt", lambda s: "similarity" in s and not s.lstrip().startswith(("{", "<"))),
])
def test_out_extension_picks_the_report_format(tmp_path, name, check):
    out = tmp_path / name
    r = runner.invoke(app, ["compare", WIRE, UPDATE, "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output
    assert check(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["diff.pdf", "diff.docx", "diff.png"])
def test_out_with_an_unknown_extension_is_refused(tmp_path, name):
    out = tmp_path / name
    r = runner.invoke(app, ["compare", WIRE, UPDATE, "--out", str(out)])
    assert r.exit_code == 2 and f"cannot write a comparison as {out.suffix}" in r.output
    assert ".html" in r.output and not out.exists()


def test_out_extension_that_contradicts_format_is_refused(tmp_path):
    out = tmp_path / "diff.html"
    r = runner.invoke(app, ["compare", WIRE, UPDATE, "--out", str(out), "--format", "json"])
    assert r.exit_code == 2 and "does not match" in r.output and not out.exists()
    r = runner.invoke(app, ["compare", WIRE, UPDATE, "--out", str(tmp_path / "d.txt"),
                            "--format", "table", "-q"])
    assert r.exit_code == 0, r.output
