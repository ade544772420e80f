"""`cluster --engine spark` parity: Spark `local[2]` and the local `cluster_stories` give the same
assignments, stories, first reports, labels and decisions.

Skips cleanly when pyspark or Java is missing. One Spark session is shared by the folder.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyspark")

from storyline.config import ReadConfig  # noqa: E402
from storyline.distributed.session import java_available  # noqa: E402
from storyline.errors import InputError  # noqa: E402
from storyline.io import read_articles, write_records  # noqa: E402
from storyline.stories import ClusterConfig, cluster_stories  # noqa: E402
from storyline.synth import generate  # noqa: E402

if not java_available():
    pytest.skip("the Spark engine needs Java", allow_module_level=True)


@pytest.fixture(scope="module")
def spark(spark_session: Any) -> Any:
    """The folder's one session (tests/conftest.py), 4 shuffle partitions."""
    spark_session.conf.set("spark.sql.shuffle.partitions", "4")
    return spark_session


@pytest.fixture(scope="module")
def linker() -> Any:
    from storyline.link import Linker

    return Linker.load()


def _part_lines(folder: Path) -> list[str]:
    lines: list[str] = []
    for part in sorted(folder.glob("part-*.jsonl")):
        lines += part.read_text(encoding="utf-8").splitlines()
    return lines


def _local(paths: list[Path], cfg: ClusterConfig, linker: Any, rc: ReadConfig | None = None
           ) -> tuple[list[str], list[str], int]:
    """The local batch: assignments.jsonl and stories.jsonl lines as the CLI writes them."""
    articles = list(read_articles(paths, rc or ReadConfig()))
    res = cluster_stories(articles, cfg, linker)
    dump = [json.dumps(r, ensure_ascii=False, default=str) for r in res.assignment_records()]
    stories = [json.dumps(s.to_dict(), ensure_ascii=False, default=str) for s in res.stories]
    return dump, stories, res.pairs_scored


def _assert_parity(spark: Any, linker: Any, paths: list[Path], out: Path, cfg: ClusterConfig,
                   block: int) -> Any:
    from storyline.distributed import cluster_spark

    want_a, want_s, pairs = _local(paths, cfg, linker)
    res = cluster_spark(paths, out, cfg, spark=spark, linker=linker, block=block)
    got_a, got_s = _part_lines(out / "assignments"), _part_lines(out / "stories")
    assert len(got_a) == len(want_a)
    diff = [(a, b) for a, b in zip(got_a, want_a, strict=True) if a != b]
    assert not diff, diff[:3]
    assert got_s == want_s
    multi = sum(1 for s in want_s if json.loads(s)["size"] > 1)
    assert multi > 10  # the corpus must actually hold multi-article stories
    assert res.summary() == {
        "mode": "batch", "read": len(want_a), "clustered": len(want_a), "rejected": 0,
        "skipped": 0, "stories": len(want_s), "multi-article stories": multi,
        "largest story": max(json.loads(s)["size"] for s in want_s), "pairs scored": pairs,
    }
    line = json.loads((out / "summary.jsonl").read_text())  # the local file's keys and order
    assert list(line) == ["mode", "read", "clustered", "rejected", "skipped", "stories",
                          "multi-article stories", "largest story", "seconds", "pairs scored",
                          "accounting"]
    assert {k: v for k, v in line.items() if k not in ("seconds", "accounting")} == res.summary()
    assert line["accounting"] == f"read {len(want_a)} = accepted {len(want_a)} + rejected 0"
    assert (out / "report.html").exists()
    return res


def _mixed_inputs(tmp_path: Path, n: int, seed: int) -> list[Path]:
    """JSONL + Parquet inputs in shuffled order, some articles undated."""
    records = list(generate(n, seed=seed))
    for r in records[::9]:
        r["published"] = None
    random.Random(seed).shuffle(records)
    write_records(records[: n // 2], tmp_path / "a.jsonl")
    write_records(records[n // 2 :], tmp_path / "b.parquet")
    return [tmp_path / "b.parquet", tmp_path / "a.jsonl"]


@pytest.mark.slow  # 1-3 min on 2 cores; `make test-slow` (CI) runs it
def test_cluster_parity_mixed_inputs_small_blocks(spark: Any, linker: Any, tmp_path: Path) -> None:
    """Many candidate blocks, a short window (eviction and the context replay matter), undated
    articles (processed last), inputs out of time order, JSONL and Parquet."""
    paths = _mixed_inputs(tmp_path, 250, seed=3)
    res = _assert_parity(spark, linker, paths, tmp_path / "o1",
                         ClusterConfig(window_days=0.5), block=50)
    assert res.blocks >= 5 and res.largest_component < 50


@pytest.mark.slow
def test_cluster_parity_default_config(spark: Any, linker: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    write_records(generate(600, seed=11), corpus)
    _assert_parity(spark, linker, [corpus], tmp_path / "o", ClusterConfig(), block=150)


def test_cluster_duplicate_ids_fail_like_local(spark: Any, linker: Any, tmp_path: Path) -> None:
    from storyline.distributed import cluster_spark

    corpus = tmp_path / "d.jsonl"
    recs = list(generate(20, seed=1))
    write_records(recs + [dict(recs[3])], corpus)
    with pytest.raises(InputError) as err:
        cluster_spark([corpus], tmp_path / "o", spark=spark, linker=linker)
    assert "occur more than once" in str(err.value) and recs[3]["id"] in str(err.value)


@pytest.mark.slow  # 1-3 min on 2 cores; `make test-slow` (CI) runs it
def test_cli_cluster_engine_spark(spark: Any, tmp_path: Path) -> None:
    """`storyline cluster --engine spark` on a demo-style corpus, as a new user would run it."""
    from typer.testing import CliRunner

    from storyline.cli import app
    from storyline.link import Linker

    corpus = tmp_path / "demo.jsonl"
    write_records(generate(150, seed=4), corpus)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["cluster", str(corpus), "--engine", "spark", "--out", str(out),
                                   "--format", "json"])
    assert res.exit_code == 0, res.output
    assert "read 150 = accepted 150 + rejected 0" in res.output
    summary = json.loads(res.stdout[res.stdout.index("["):res.stdout.rindex("]") + 1])[0]
    want_a, want_s, pairs = _local([corpus], ClusterConfig(), Linker.load())
    assert summary["clustered"] == 150 and summary["pairs scored"] == pairs
    assert _part_lines(out / "assignments") == want_a
    assert _part_lines(out / "stories") == want_s
    bad = CliRunner().invoke(app, ["cluster", str(corpus), "--engine", "spark", "--stream"])
    assert bad.exit_code != 0 and "--stream" in bad.output


@pytest.mark.slow
def test_cluster_parity_synth_5k(spark: Any, linker: Any, tmp_path: Path) -> None:
    """5,000 articles: here a support check against a neighbouring story scores above the
    support threshold, so the conflict round (components joined, round 2 again) runs."""
    corpus = tmp_path / "c.jsonl"
    write_records(generate(5000, seed=0), corpus)
    res = _assert_parity(spark, linker, [corpus], tmp_path / "o", ClusterConfig(), block=1000)
    # Components are cut at the support threshold: with the shipped default (0.8) this dense
    # 7-day corpus chains look-alike stories into a component of ~800 (124 at 0.95), but it must
    # never collapse into one giant component (all candidate edges give ~97% of the corpus).
    assert res.rounds >= 2 and res.largest_component < 5000 // 4


@pytest.mark.slow
def test_cluster_parity_synth_20k(spark: Any, linker: Any, tmp_path: Path) -> None:
    """20,000 articles (copies, revisions, rewrites, look-alike distractors) with the CLI's
    defaults: the block size Spark picks for `local[2]`, default config; same assignments,
    stories, first reports and labels as the local engine, line for line."""
    from storyline.distributed.spark_cluster import auto_block

    corpus = tmp_path / "c.jsonl"
    write_records(generate(20_000, seed=4), corpus)
    block = auto_block(20_000, spark.sparkContext.defaultParallelism)
    assert block == 5000  # several blocks, so the window's context replay is exercised
    res = _assert_parity(spark, linker, [corpus], tmp_path / "o", ClusterConfig(), block=block)
    assert res.blocks == 4 and res.components > 1000
