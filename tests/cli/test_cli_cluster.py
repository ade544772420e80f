"""`storyline cluster` and `storyline eval clusters` through typer's CliRunner."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.data import Article, PairScore

runner = CliRunner()


@dataclass(frozen=True)
class Feat:
    id: str
    terms: dict[str, float]


def Score(s: float, relation: str) -> PairScore:  # noqa: N802 - a stand-in's score, named as before
    return PairScore(s, s, relation)


class OverlapScorer:
    """Jaccard of word sets: enough to tell the hand-written stories below apart."""

    def featurize(self, article: Article) -> Feat:
        words = set(article.text.lower().split())
        return Feat(article.id, {w: 1.0 for w in words})

    def score(self, a: Feat, b: Feat) -> PairScore:
        sa, sb = set(a.terms), set(b.terms)
        s = len(sa & sb) / len(sa | sb)
        return Score(s, "same_story" if s >= 0.5 else "unrelated")


ROWS = [
    {"id": "q2", "text": "quake hits sarin toll rises rescue", "published": "2024-03-01T02:00:00Z", "source": "B", "g": "quake"},
    {"id": "q1", "text": "quake hits sarin toll rises", "published": "2024-03-01T01:00:00Z", "source": "A", "g": "quake"},
    {"id": "m1", "text": "rovers beat city in final match", "published": "2024-03-01T03:00:00Z", "source": "A", "g": "match"},
    {"id": "m2", "text": "rovers beat city in final", "published": "2024-03-01T04:00:00Z", "source": "C", "g": "match"},
    {"id": "z1", "text": "parliament passes budget after vote", "published": "2024-03-01T05:00:00Z", "source": "A", "g": "budget"},
]


LOOSE = ["--threshold", "0.5", "--support-threshold", "0.5"]  # for the Jaccard stand-in


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import storyline.cli.commands.cluster as cmd

    monkeypatch.setattr(cmd, "load_linker", lambda model: OverlapScorer())
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    return path


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.mark.parametrize("stream", [False, True])
def test_cluster_writes_outputs(corpus: Path, tmp_path: Path, stream: bool) -> None:
    out = tmp_path / ("s" if stream else "b")
    args = ["cluster", str(corpus), "--out", str(out), "--format", "json", *LOOSE]
    res = runner.invoke(app, [*args, "--stream"] if stream else args)
    assert res.exit_code == 0, res.output
    assert "read 5 = accepted 5" in res.output
    asg = {r["id"]: r for r in _jsonl(out / "assignments.jsonl")}
    assert set(asg) == {r["id"] for r in ROWS}
    assert asg["q1"]["story_id"] == asg["q2"]["story_id"] != asg["m1"]["story_id"]
    assert asg["m1"]["story_id"] == asg["m2"]["story_id"]
    stories = {s["story_id"]: s for s in _jsonl(out / "stories.jsonl")}
    quake = stories[asg["q1"]["story_id"]]
    assert quake["first_report"] == "q1" and quake["members"] == ["q1", "q2"]
    assert quake["sources"] == ["A", "B"] and quake["size"] == 2
    if not stream:
        assert asg["q2"]["first_report"] == "q1" and asg["q1"]["is_new_story"]
    summary = _jsonl(out / "summary.jsonl")[0]
    assert summary["stories"] == 3 and summary["clustered"] == 5
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Story sizes over time" in html and 'id="story-1"' in html and "q1" in html
    if not stream:  # batch keeps the articles: the drill-down links its comparison pages
        assert 'href="compare/0001.html"' in html and (out / "compare" / "0001.html").exists()


def test_cluster_bad_option_is_clear(corpus: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["cluster", str(corpus), "--out", str(tmp_path / "o"), "--threshold", "2"])
    assert res.exit_code == 2 and "threshold" in res.output


def test_eval_clusters_from_cluster_output(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert runner.invoke(app, ["cluster", str(corpus), "--out", str(out), "-q", *LOOSE]).exit_code == 0
    res = runner.invoke(
        app,
        ["eval", "clusters", str(corpus), "--label", "g", "--pred", "story_id",
         "--pred-file", str(out / "assignments.jsonl"), "--format", "jsonl"],
    )
    assert res.exit_code == 0, res.output
    row = json.loads(res.stdout.splitlines()[0])
    assert row["ari"] == pytest.approx(1.0) and row["bcubed_f1"] == pytest.approx(1.0)
    assert "read 5 = scored 5 + unmatched 0" in res.output


def test_eval_clusters_noise_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    rows = [{"id": "a", "g": "t", "p": 1}, {"id": "b", "g": "t", "p": 1}, {"id": "c", "g": "-1", "p": 1}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    base = ["eval", "clusters", str(path), "--label", "g", "--pred", "p", "-f", "jsonl"]
    single = json.loads(runner.invoke(app, [*base, "--noise", "-1"]).stdout.splitlines()[0])
    dropped = json.loads(
        runner.invoke(app, [*base, "--noise", "-1", "--noise-policy", "drop"]).stdout.splitlines()[0]
    )
    assert single["bcubed_precision"] < 1.0 and dropped["bcubed_precision"] == pytest.approx(1.0)
    bad = runner.invoke(app, ["eval", "clusters", str(path), "--label", "nope", "--pred", "p"])
    assert bad.exit_code == 2 and "l.jsonl:1" in bad.output and "--label" in bad.output
    path.write_text('{"id": "a", "g": 1, "p": 1}\n{broken\n', encoding="utf-8")
    broken = runner.invoke(app, base)
    assert broken.exit_code == 2 and "l.jsonl:2" in broken.output


def test_eval_clusters_clusters_the_file_itself(corpus: Path) -> None:
    res = runner.invoke(
        app,
        ["eval", "clusters", str(corpus), "--label", "g", "--threshold", "0.5",
         "--support-threshold", "0.5", "-f", "jsonl"],
    )
    assert res.exit_code == 0, res.output
    row = json.loads(res.stdout.splitlines()[0])
    assert row["items"] == 5 and row["bcubed_f1"] == pytest.approx(1.0)
    assert "read 5 = accepted 5" in res.output
