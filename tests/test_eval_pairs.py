import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.eval.pairs import binary_scores, gold_ratings, pair_metrics, pearson

runner = CliRunner()
FIX = Path(__file__).parent / "fixtures" / "link"
SEMEVAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "semeval2022-task8-en-train.jsonl"


def test_pearson_and_binary_scores():
    assert math.isclose(pearson([1, 2, 3], [2, 4, 6]), 1.0)
    assert math.isclose(pearson([1, 2, 3], [3, 2, 1]), -1.0)
    assert math.isnan(pearson([1, 1, 1], [1, 2, 3]))
    b = binary_scores([True, True, False, False], [True, False, True, False])
    assert (b.precision, b.recall, b.f1, b.accuracy) == (0.5, 0.5, 0.5, 0.5)
    assert binary_scores([False], [False]).f1 == 1.0


def test_gold_ratings_top_level_or_nested():
    assert gold_ratings({"scores": {"overall": 2.0, "tone": 1}})["tone"] == 1.0
    assert gold_ratings({"overall": 3, "geography": 1.5}) == {"overall": 3.0, "geography": 1.5}
    assert gold_ratings({"overall": "x"}) == {}


def test_pair_metrics_uses_relation_then_probability_then_similarity():
    golds = [{"overall": 1.0, "tone": 1.0}, {"overall": 4.0, "tone": 3.0}, {"overall": 2.0}]
    preds = [
        {"similarity": 0.9, "relation": "revision", "dimensions": {"tone": 1.2}},
        {"similarity": 0.1, "same_story": 0.2, "dimensions": {"tone": 3.5}},
        {"similarity": 0.6},
    ]
    rows = {r["metric"]: r for r in pair_metrics(preds, golds)}
    assert math.isclose(rows["pearson(similarity, -overall)"]["value"], pearson([0.9, 0.1, 0.6], [-1, -4, -2]))
    assert rows["pearson(tone)"]["n"] == 2
    assert rows["same-story f1 (overall <= 2)"]["value"] == 1.0


def _pairs_file(tmp_path):
    t = {p.stem: p.read_text() for p in FIX.glob("*.txt")}
    recs = [
        {"pair_id": "a", "text1": t["revision_v1"], "text2": t["revision_v2_noisy"], "scores": {"overall": 1.0, "tone": 1.0}},
        {"pair_id": "b", "text1": t["revision_v1"], "text2": t["quake_other"], "scores": {"overall": 3.5, "tone": 2.0}},
        {"pair_id": "c", "text1": t["match_a"], "text2": t["quake_other"], "scores": {"overall": 4.0, "tone": 3.0}},
        {"pair_id": "d", "text1": t["revision_v1"], "text2": t["outlet_same_event"], "scores": {"overall": 1.5, "tone": 1.0}},
    ]
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    return path


def test_cli_eval_pairs_scores_texts(tmp_path):
    path = _pairs_file(tmp_path)
    pred = tmp_path / "pred.jsonl"
    res = runner.invoke(app, ["eval", "pairs", str(path), "--format", "json", "--predictions", str(pred)])
    assert res.exit_code == 0, res.output
    body = res.stdout[: res.stdout.rindex("]") + 1]
    rows = {r["metric"]: r for r in json.loads(body)}
    assert rows["pearson(similarity, -overall)"]["value"] > 0.8
    assert rows["same-story f1 (overall <= 2)"]["value"] == 1.0
    assert "read 4 = accepted 4 + rejected 0" in res.output
    out = [json.loads(line) for line in pred.read_text().splitlines()]
    assert [o["pair_id"] for o in out] == ["a", "b", "c", "d"]
    assert {"similarity", "relation", "dimensions"} <= set(out[0])


def test_cli_eval_pairs_reads_results_file(tmp_path):
    path = tmp_path / "results.jsonl"
    recs = [
        {"pair_id": 1, "similarity": 0.9, "overall": 1.0},
        {"pair_id": 2, "similarity": 0.2, "overall": 3.0},
        {"pair_id": 3, "similarity": 0.5, "overall": 2.0},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    res = runner.invoke(app, ["eval", "pairs", str(path), "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert "pearson(similarity, -overall)" in res.stdout


def test_cli_eval_pairs_bad_input(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"similarity": 0.5, "overall": 1}\n{broken\n{"text1": "only one"}\n{"similarity": 0.1, "overall": 4}\n')
    res = runner.invoke(app, ["eval", "pairs", str(path)])
    assert res.exit_code == 2
    assert "bad.jsonl:2" in res.output and "invalid JSON" in res.output
    rej = tmp_path / "rej.jsonl"
    res = runner.invoke(app, ["eval", "pairs", str(path), "--on-error", "skip", "--rejects", str(rej)])
    assert res.exit_code == 0, res.output
    assert "read 4 = accepted 2 + rejected 2" in res.output
    assert len(rej.read_text().splitlines()) == 2
    nolabels = tmp_path / "nolabels.jsonl"
    nolabels.write_text('{"similarity": 0.5}\n')
    res = runner.invoke(app, ["eval", "pairs", str(nolabels)])
    assert res.exit_code == 2 and "overall" in res.output


def test_cli_eval_help_lists_pairs():
    res = runner.invoke(app, ["eval", "--help"])
    assert res.exit_code == 0 and "pairs" in res.output
    res = runner.invoke(app, ["eval", "pairs", "--help"])
    assert res.exit_code == 0 and "overall" in res.output


@pytest.mark.slow
def test_cli_eval_pairs_on_semeval():
    if not SEMEVAL.exists():
        pytest.skip("shared SemEval data not available")
    res = runner.invoke(app, ["eval", "pairs", str(SEMEVAL), "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    rows = {json.loads(line)["metric"]: json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")}
    assert rows["pearson(similarity, -overall)"]["n"] == 161
    assert rows["pearson(similarity, -overall)"]["value"] > 0.8
