"""Spark engine parity: `local[2]` Spark and the local engine give identical decisions.

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
from storyline.dedup import DedupConfig, dedup  # noqa: E402
from storyline.distributed.session import java_available  # noqa: E402
from storyline.errors import FormatError  # noqa: E402
from storyline.io import read_articles, write_records  # noqa: E402
from storyline.synth import generate  # noqa: E402

if not java_available():
    pytest.skip("the Spark engine needs Java", allow_module_level=True)


@pytest.fixture(scope="module")
def spark(spark_session: Any) -> Any:
    """The folder's one session (tests/conftest.py), 2 shuffle partitions."""
    spark_session.conf.set("spark.sql.shuffle.partitions", "2")
    return spark_session


def _part_lines(folder: Path) -> list[str]:
    """Lines of a Spark output directory, parts in name order (= input order)."""
    lines: list[str] = []
    for part in sorted(folder.glob("part-*.jsonl")):
        lines += part.read_text(encoding="utf-8").splitlines()
    return lines


def _local(paths: list[Path], cfg: DedupConfig, rc: ReadConfig | None = None
           ) -> tuple[list[str], list[str]]:
    """Local engine: decisions.jsonl lines and the kept articles' lines, as the CLI writes."""
    articles = list(read_articles(paths, rc or ReadConfig()))
    result = dedup(articles, cfg)
    dec = [json.dumps(d.record(a.url), ensure_ascii=False, default=str)
           for d, a in zip(result.iter_decisions(), articles, strict=True)]
    kept = set(result.kept_ids)
    arts = [json.dumps(a.to_dict(), ensure_ascii=False, default=str)
            for a in articles if a.id in kept]
    return dec, arts


def _assert_parity(spark: Any, paths: list[Path], out: Path, cfg: DedupConfig) -> None:
    from storyline.distributed import dedup_spark

    local_dec, local_arts = _local(paths, cfg)
    res = dedup_spark(paths, out, cfg, spark=spark)
    spark_dec = _part_lines(out / "decisions")
    assert len(spark_dec) == len(local_dec)
    mismatched = [(a, b) for a, b in zip(spark_dec, local_dec, strict=True) if a != b]
    assert not mismatched, mismatched[:3]
    assert _part_lines(out / "deduped") == local_arts
    reasons = [json.loads(line)["reason"] for line in local_dec]
    removed = sum(r not in ("unique", "kept") for r in reasons)
    assert removed > 0  # the corpus must actually contain duplicates
    assert res.summary() == {
        "read": len(local_dec), "kept": len(local_arts), "removed": removed,
        "rejected": 0, "skipped": 0, "clusters": len(local_arts),
        "exact": reasons.count("exact"),
        "near": sum(r.startswith("near: ") for r in reasons),
        "contained": sum(r.startswith("contained") for r in reasons),
        "via cluster": sum(r.startswith("near (via") for r in reasons),
    }
    assert json.loads((out / "summary.jsonl").read_text()) == res.summary()


@pytest.mark.slow  # 1-3 min on 2 cores; `make test-slow` (CI) runs it
def test_parity_synth_1k(spark: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    write_records(generate(1000, seed=11), corpus)
    _assert_parity(spark, [corpus], tmp_path / "out", DedupConfig())


def _pages_corpus(path: Path) -> None:
    """Synthetic news plus pages 3-6x longer that carry a short original inside (only the
    containment candidates find those: their Jaccard is ~1/3-1/6)."""
    records = list(generate(400, seed=21))
    originals = [r for r in records if r["kind"] == "original"]
    rng = random.Random(4)
    for k, short in enumerate(originals[:24]):
        others = [r["text"] for r in rng.sample(originals[24:], 3 + k % 4)]
        cut = len(others) // 2
        text = "\n\n".join([*others[:cut], short["text"], *others[cut:]])
        records.append({"id": f"page{k}", "text": text, "published": short["published"]})
    rng.shuffle(records)
    write_records(records, path)


@pytest.mark.slow
def test_parity_containment_candidates(spark: Any, tmp_path: Path) -> None:
    """The sampled containment candidates run on Spark too: same contained decisions."""
    corpus = tmp_path / "pages.jsonl"
    _pages_corpus(corpus)
    cfg = DedupConfig(keep="longest")
    local_dec, _ = _local([corpus], cfg)
    contained = [d for d in map(json.loads, local_dec) if d["reason"].startswith("contained")]
    without, _ = _local([corpus], DedupConfig(keep="longest", containment_candidates=False))
    assert len(contained) >= 5 and without != local_dec  # the path matters on this corpus
    _assert_parity(spark, [corpus], tmp_path / "out", cfg)


def _mixed_inputs(tmp_path: Path, n: int) -> list[Path]:
    """JSONL + Parquet inputs given in file order, with exact copies and missing dates."""
    records = list(generate(n, seed=5))
    for r in records[::7]:
        r["published"] = None
    records += [dict(r, id=f"x{k}") for k, r in enumerate(records[: n // 20])]
    random.Random(1).shuffle(records)
    write_records(records[: n // 2], tmp_path / "a.jsonl")
    write_records(records[n // 2 :], tmp_path / "b.parquet")
    return [tmp_path / "b.parquet", tmp_path / "a.jsonl"]


@pytest.mark.slow
def test_parity_mixed_inputs_star_buckets_keep_longest(spark: Any, tmp_path: Path) -> None:
    """Tiny bucket cap (star fallback for big buckets), another keep policy, title matching."""
    cfg = DedupConfig(keep="longest", max_bucket=3, use_title=True)
    _assert_parity(spark, _mixed_inputs(tmp_path, 400), tmp_path / "out", cfg)


@pytest.mark.slow
def test_parity_mixed_inputs_more_policies(spark: Any, tmp_path: Path) -> None:
    paths = _mixed_inputs(tmp_path, 1500)
    for n, cfg in enumerate([DedupConfig(keep="earliest", max_bucket=2),
                             DedupConfig(keep="first", threshold=0.6, containment=None)]):
        _assert_parity(spark, paths, tmp_path / f"out{n}", cfg)


@pytest.mark.slow  # 1-3 min on 2 cores; `make test-slow` (CI) runs it
def test_bad_records_fail_or_skip_like_the_reader(spark: Any, tmp_path: Path) -> None:
    from storyline.distributed import dedup_spark

    corpus = tmp_path / "bad.jsonl"
    good = [json.dumps(r) for r in generate(30, seed=2)]
    lines = good[:10] + ["{not json"] + good[10:20] + ["", '{"id": "e", "text": "  "}'] + good[20:]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        dedup_spark([corpus], tmp_path / "o1", spark=spark)
    assert err.value.where is not None and err.value.where.endswith("bad.jsonl:11")
    rejects = tmp_path / "rejects.jsonl"
    rc = ReadConfig(on_error="skip")
    res = dedup_spark([corpus], tmp_path / "o2", read_config=rc, rejects=rejects, spark=spark)
    assert (res.read, res.rejected) == (32, 2)
    assert res.accounting_line() == "read 32 = accepted 30 + rejected 2"
    wheres = [json.loads(line)["where"] for line in rejects.read_text().splitlines()]
    assert [w.rsplit(":", 1)[1] for w in wheres] == ["11", "23"]
    local_dec, _ = _local([corpus], DedupConfig(), rc)
    assert _part_lines(tmp_path / "o2" / "decisions") == local_dec

    from typer.testing import CliRunner

    from storyline.cli import app

    cli = CliRunner().invoke(app, ["dedup", str(corpus), "--engine", "spark", "--on-error", "skip",
                                   "--out", str(tmp_path / "o3"), "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert "read 32 = accepted 30 + rejected 2" in cli.output
    assert cli.output.count("use --rejects FILE") == 1  # the pointer to the rejects, once


def test_a_batch_of_only_bad_records_is_reported_not_crashed(spark: Any, tmp_path: Path) -> None:
    """A partition whose records are all bad (here: the whole file) gives the reader's error
    with file:line, or under skip counts them; it used to crash on mismatched columns."""
    from storyline.distributed import dedup_spark

    corpus = tmp_path / "all-bad.jsonl"
    corpus.write_text('{"id": "x"\n{not json\n', encoding="utf-8")
    with pytest.raises(FormatError) as err:
        dedup_spark([corpus], tmp_path / "o1", spark=spark)
    assert err.value.where is not None and err.value.where.endswith("all-bad.jsonl:1")
    res = dedup_spark([corpus], tmp_path / "o2", read_config=ReadConfig(on_error="skip"),
                      spark=spark)
    assert (res.read, res.rejected, res.kept) == (2, 2, 0)


def test_connected_components_min_label(spark: Any) -> None:
    """Large-star/small-star labels every node with its component's smallest id."""
    from storyline.distributed.components import connected_components

    rng = random.Random(3)
    n = 400
    edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(300)]
    edges += [(i, i + 1) for i in range(1000, 1030)]  # a long chain needs many rounds
    got = {r["node"]: r["comp"] for r in connected_components(
        spark.createDataFrame(edges, "a long, b long")).collect()}
    parent = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    want = {x: find(x) for a, b in edges for x in (a, b) if a != b}
    assert got == want


def test_cli_engine_spark(spark: Any, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storyline.cli import app

    corpus = tmp_path / "c.jsonl"
    write_records(generate(200, seed=4), corpus)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["dedup", str(corpus), "--engine", "spark", "--out", str(out),
                                   "--format", "json", "--out-format", "parquet"])
    assert res.exit_code == 0, res.output
    assert "read 200 = accepted 200 + rejected 0" in res.output
    summary = json.loads(res.stdout[res.stdout.index("["):res.stdout.rindex("]") + 1])[0]
    assert summary["read"] == 200 and summary["kept"] + summary["removed"] == 200
    table = spark.read.parquet(str(out / "decisions")).orderBy("id").collect()
    local_dec, _ = _local([corpus], DedupConfig())
    want = sorted((json.loads(line) for line in local_dec), key=lambda d: d["id"])
    assert [r.asDict() for r in table] == want
    bad = CliRunner().invoke(app, ["dedup", str(corpus), "--engine", "spark", "--conf", "oops"])
    assert bad.exit_code == 2 and "key=value" in bad.output


@pytest.mark.slow
def test_parity_synth_20k(spark: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    write_records(generate(20000, seed=0), corpus)
    _assert_parity(spark, [corpus], tmp_path / "out", DedupConfig())
