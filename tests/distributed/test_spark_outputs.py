"""Spark outputs under the local engine's names: `OUT/NAME/part-*.jsonl` or, with
`--single-file`, `OUT/NAME.jsonl`, and `OUT/summary.jsonl`; one reader (storyline.io.outputs)
reads the local and the Spark output alike.

Skips cleanly when pyspark or Java is missing. One Spark session is shared by the folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

pytest.importorskip("pyspark")

from storyline.cli import app  # noqa: E402
from storyline.distributed.session import java_available  # noqa: E402
from storyline.io import write_records  # noqa: E402
from storyline.io.outputs import read_output  # noqa: E402
from storyline.synth import generate  # noqa: E402

if not java_available():
    pytest.skip("the Spark engine needs Java", allow_module_level=True)

runner = CliRunner()


@pytest.fixture(scope="module")
def spark(spark_session: Any) -> Any:
    """The folder's one session (tests/conftest.py), 2 shuffle partitions."""
    spark_session.conf.set("spark.sql.shuffle.partitions", "2")
    return spark_session


def _layout(out: Path) -> set[str]:
    """What a person listing OUT sees (Spark's hidden checksums and _SUCCESS left out)."""
    return {str(p.relative_to(out)) if p.parent == out else f"{p.parent.name}/{p.suffix}"
            for p in out.rglob("*") if not p.name.startswith((".", "_")) and p.is_file()}


def _run(args: list[str]) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output


@pytest.mark.slow  # two Spark runs, ~1-3 min on the shared 2 cores; `make test-slow` (CI) runs it
def test_dedup_spark_output_reads_like_local(spark: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    write_records(generate(200, seed=4), corpus)
    local, parts, single = tmp_path / "local", tmp_path / "parts", tmp_path / "single"
    _run(["dedup", str(corpus), "--out", str(local), "-q"])
    _run(["dedup", str(corpus), "--engine", "spark", "--out", str(parts), "-q"])
    _run(["dedup", str(corpus), "--engine", "spark", "--out", str(single), "-q", "--single-file"])
    assert _layout(local) == _layout(single) == {"decisions.jsonl", "deduped.jsonl", "summary.jsonl",
                                                 "report.html"}
    assert _layout(parts) == {"decisions/.jsonl", "deduped/.jsonl", "summary.jsonl", "report.html"}
    # the same report from either engine: the same decisions, headlines from the same inputs
    assert (single / "report.html").read_bytes() == (local / "report.html").read_bytes()
    assert (parts / "report.html").read_bytes() == (local / "report.html").read_bytes()
    for name in ("decisions", "deduped", "summary"):
        want = list(read_output(local, name))
        assert want and list(read_output(parts, name)) == want == list(read_output(single, name))
        assert (single / f"{name}.jsonl").read_bytes() == (local / f"{name}.jsonl").read_bytes()
    removed = sum(not d["kept"] for d in read_output(local, "decisions"))
    assert removed > 0 and json.loads((parts / "summary.jsonl").read_text())["removed"] == removed


def test_single_file_with_parquet_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    write_records(generate(5, seed=1), corpus)
    res = runner.invoke(app, ["dedup", str(corpus), "--engine", "spark", "--out-format",
                              "parquet", "--single-file", "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "--single-file" in res.output and "Traceback" not in res.output


@pytest.mark.slow  # three Spark runs; `make test-slow` (CI) runs it
def test_uri_outputs_and_a_rerun_in_the_other_form(spark: Any, tmp_path: Path) -> None:
    """Through the Hadoop FileSystem (a file:// URI), parts then one file in the same OUT and
    back: each run leaves one form only, so a reader never meets both."""
    from storyline.distributed import dedup_spark

    corpus = tmp_path / "c.jsonl"
    write_records(generate(60, seed=2), corpus)
    out = tmp_path / "o"
    local = tmp_path / "local"
    _run(["dedup", str(corpus), "--out", str(local), "-q"])
    res = dedup_spark([corpus], out.as_uri(), spark=spark)
    assert _layout(out) == {"decisions/.jsonl", "deduped/.jsonl", "summary.jsonl"}
    assert res.outputs["decisions"] == out.as_uri() + "/decisions"
    assert list(read_output(out, "decisions")) == list(read_output(local, "decisions"))
    res = dedup_spark([corpus], out.as_uri(), spark=spark, single_file=True)
    assert _layout(out) == {"decisions.jsonl", "deduped.jsonl", "summary.jsonl"}
    assert res.outputs["deduped"] == out.as_uri() + "/deduped.jsonl"
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    for name in ("decisions", "deduped", "summary"):
        assert (out / f"{name}.jsonl").read_bytes() == (local / f"{name}.jsonl").read_bytes()
    dedup_spark([corpus], out, spark=spark)  # a local path this time
    assert _layout(out) == {"decisions/.jsonl", "deduped/.jsonl", "summary.jsonl"}
    assert list(read_output(out, "deduped")) == list(read_output(local, "deduped"))


@pytest.mark.slow  # Spark clustering: ~1 min on 2 cores; `make test-slow` (CI) runs it
def test_cluster_spark_output_reads_like_local(spark: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    write_records(generate(60, seed=4), corpus)
    local, parts, single = tmp_path / "local", tmp_path / "parts", tmp_path / "single"
    _run(["cluster", str(corpus), "--out", str(local), "-q"])
    _run(["cluster", str(corpus), "--engine", "spark", "--out", str(parts), "-q"])
    _run(["cluster", str(corpus), "--engine", "spark", "--out", str(single), "-q",
          "--single-file"])
    base = {"summary.jsonl", "report.html"}
    # the local report also links comparison pages (OUT/compare/*.html: it has the texts at
    # hand); the Spark report does not (docs/spark.md), every other file is the same
    assert _layout(local) == base | {"assignments.jsonl", "stories.jsonl", "compare/.html"}
    assert _layout(single) == base | {"assignments.jsonl", "stories.jsonl"}
    assert _layout(parts) == base | {"assignments/.jsonl", "stories/.jsonl"}
    for name in ("assignments", "stories"):
        want = list(read_output(local, name))
        assert want and list(read_output(parts, name)) == want == list(read_output(single, name))
        assert (single / f"{name}.jsonl").read_bytes() == (local / f"{name}.jsonl").read_bytes()
    [want] = read_output(local, "summary")
    for out in (parts, single):
        [got] = read_output(out, "summary")
        assert list(got) == list(want)  # the same keys in the same order
        assert {k: v for k, v in got.items() if k != "seconds"} == {
            k: v for k, v in want.items() if k != "seconds"}
