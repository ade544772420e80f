"""Dedup on Apache Spark with results identical to :func:`storyline.dedup.dedup`.

Stages (each a distributed step; only metadata such as per-file line counts reaches the driver):

1. read JSONL (``spark.read.text``, one row per line) or Parquet; number every record by file
   order + line/row number (the local reader's order), computed from per-split counts;
2. ``mapInArrow``: the local readers' record parsing, then the local engine's ``featurize``
   (normalization, exact key, shingle ids, MinHash) and ``band_hashes``, per batch
   (:mod:`storyline.distributed.partition`);
3. exact groups: representative = smallest index per exact key;
4. candidate pairs by grouping on ``(band, hash)``: all pairs in buckets up to ``max_bucket``,
   a star to the smallest member above it (the local ``candidate_pairs`` rule);
   plus the containment candidates (content-defined shingle samples shared by a short text
   and a longer one, the local ``containment_pairs`` rule) when ``containment`` is on;
5. verification of each pair on exact shingle sets (the local ``pair_overlaps`` kernel);
6. connected components by large-star / small-star (component id = smallest index);
7. keeper per component by the same keep policy (ties by input order) and the same decisions.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline.config import ReadConfig
from storyline.dedup import DedupConfig
from storyline.dedup.result import EXACT, KEPT, REASON_CODES, UNIQUE
from storyline.distributed.outputs import is_uri, join_path, publish, remove, write_file
from storyline.distributed.session import materialize
from storyline.errors import ConfigError, FormatError, InputError
from storyline.io.registry import detect_format, expand

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

SPARK_FORMATS = ("jsonl", "parquet")
OUT_FORMATS = ("jsonl", "parquet")
_BLOCK, _MONO = "__sl_block", "__sl_mono"


class Accounted:
    """Mixin for a Spark run's result: the local readers' accounting line from its counts."""

    read: int
    rejected: int
    skipped: int

    def accounting_line(self) -> str:
        from storyline.io.base import ReadStats

        accepted = self.read - self.rejected - self.skipped
        return ReadStats(self.read, accepted, self.rejected, self.skipped).accounting_line()


@dataclass
class SparkDedupResult(Accounted):
    """Counts of a Spark dedup run (they add up like the local summary) and where outputs are."""

    read: int = 0
    kept: int = 0
    removed: int = 0
    rejected: int = 0
    skipped: int = 0
    clusters: int = 0
    seconds: float = 0.0
    outputs: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The same keys as the local ``dedup`` summary (no timing, so it is deterministic)."""
        d = asdict(self)
        for key in ("seconds", "outputs", "reasons"):
            d.pop(key)
        return d | self.reasons


def input_files(paths: Iterable[str | Path], rc: ReadConfig) -> list[tuple[str, str]]:
    """(path or URI, format) for every input, in the local reader's order.

    Local paths, directories and globs are expanded like :func:`storyline.io.read_articles`;
    a URI (``hdfs://``, ``s3a://``...) is handed to Spark, which lists it.
    """
    files: list[tuple[str, str]] = []
    for given in paths:
        s = str(given)
        if is_uri(s):
            fmt = detect_format(s.rstrip("/"), rc.input_format)
            files.append((s, fmt))
            continue
        for path, root in expand(Path(s)):
            in_dir = root is not None and rc.input_format is None
            try:
                fmt = detect_format(path, rc.input_format)
            except FormatError:
                if in_dir:
                    continue
                raise
            if not path.exists():
                raise InputError(f"input file {path} does not exist", where=str(path),
                                 hint="check the path")
            files.append((str(path.resolve()), fmt))
    for name, fmt in files:
        if fmt not in SPARK_FORMATS:
            raise ConfigError(
                f"the Spark engine reads JSONL and Parquet, not {fmt!r}", where=name,
                hint="convert with `storyline read IN --out OUT.jsonl`, or use --engine local",
            )
    if not files:
        raise InputError("no input files found", hint="check the paths or globs given")
    return files


def _raw(spark: SparkSession, files: list[str], fmt: str) -> DataFrame:
    """One row per input line (JSONL) or record (Parquet), with file, split start and a
    per-partition position (``monotonically_increasing_id`` is contiguous inside a split)."""
    from pyspark.sql import functions as F

    from storyline.distributed.partition import FILE

    if fmt == "jsonl":
        df = spark.read.option("lineSep", "\n").text(files)
    else:
        df = spark.read.parquet(*files)
    return df.select(
        "*",
        F.col("_metadata.file_path").alias(FILE),
        F.col("_metadata.file_block_start").alias(_BLOCK),
        F.monotonically_increasing_id().alias(_MONO),
    )


def _numbered(spark: SparkSession, raws: list[DataFrame], order: list[str]) -> list[DataFrame]:
    """Add global index and line number: (file order, line) -> dense index, as the local reader.

    Only one row per file split reaches the driver (counts), never the records.
    """
    from pyspark.sql import functions as F

    from storyline.distributed.partition import FILE, IDX, LINENO, display_path

    segs: list[tuple[str, int, int, int]] = []
    for raw in raws:
        rows = raw.groupBy(FILE, _BLOCK).agg(F.count("*").alias("n"), F.min(_MONO).alias("m"))
        segs += [(r[FILE], r[_BLOCK], r["n"], r["m"]) for r in rows.collect()]
    rank = {name: i for i, name in enumerate(order)}

    def file_key(uri: str) -> tuple[int, str]:
        return (rank.get(display_path(uri), len(rank)), uri)

    seg_rows: list[tuple[str, int, int, int, int]] = []
    base = 0
    by_file: dict[str, list[tuple[int, int, int]]] = {}
    for uri, block, n, m in segs:
        by_file.setdefault(uri, []).append((block, n, m))
    for uri in sorted(by_file, key=file_key):
        offset = 0
        for block, n, m in sorted(by_file[uri]):
            seg_rows.append((uri, block, m, offset, base))
            offset += n
        base += offset
    seg_df = spark.createDataFrame(
        seg_rows, f"{FILE} string, {_BLOCK} long, seg_min long, line_off long, file_base long"
    )
    out = []
    for raw in raws:
        j = raw.join(F.broadcast(seg_df), [FILE, _BLOCK])
        pos = F.col(_MONO) - F.col("seg_min") + F.col("line_off")
        out.append(
            j.withColumn(LINENO, pos + 1)
            .withColumn(IDX, F.col("file_base") + pos)
            .drop(_BLOCK, _MONO, "seg_min", "line_off", "file_base")
        )
    return out


def _keep_key(keep: str) -> Any:
    """Spark struct ordered exactly like the local ``keep_rank`` + input order (smallest kept)."""
    from pyspark.sql import functions as F

    if keep == "earliest":  # missing dates sort last, as "\uffff" does locally
        return F.struct(F.coalesce("published", F.lit("\uffff")).alias("k"), "idx")
    if keep == "longest":
        return F.struct((-F.col("norm_len")).alias("k"), "idx")
    if keep == "first":
        return F.struct("idx")
    return F.struct(F.coalesce(-F.col("keep_val"), F.lit(float("inf"))).alias("k"), "idx")


def candidate_pairs(bandrows: DataFrame, max_bucket: int) -> DataFrame:
    """(idx, band, h) -> distinct pairs (i < j) sharing a bucket; big buckets become stars."""
    from pyspark.sql import functions as F

    stats = (
        bandrows.groupBy("band", "h")
        .agg(F.count("*").alias("m"), F.min("idx").alias("mn"))
        .where(F.col("m") > 1)
    )
    small = bandrows.join(stats.where(F.col("m") <= max_bucket).select("band", "h"), ["band", "h"])
    x, y = small.alias("x"), small.alias("y")
    all_pairs = (
        x.join(y, ["band", "h"])
        .where(F.col("x.idx") < F.col("y.idx"))
        .select(F.col("x.idx").alias("i"), F.col("y.idx").alias("j"))
    )
    stars = (
        bandrows.join(stats.where(F.col("m") > max_bucket).select("band", "h", "mn"), ["band", "h"])
        .where(F.col("idx") != F.col("mn"))
        .select(F.col("mn").alias("i"), F.col("idx").alias("j"))
    )
    return all_pairs.unionByName(stars).distinct()


def containment_candidates(samples: DataFrame, cfg: DedupConfig) -> DataFrame:
    """(idx, val, size) sample rows -> pairs (i < j) proposed by the local
    :func:`storyline.index.containment.containment_pairs` rule: sample groups of at most
    ``containment_max_group`` documents, unequal sizes, and at least ``max(2, ceil(min_share x
    the smaller one's usable samples))`` shared samples."""
    import inspect

    from pyspark.sql import functions as F

    from storyline.index.containment import containment_pairs

    params = inspect.signature(containment_pairs).parameters
    min_share = float(params["min_share"].default)
    max_ratio = float(params["max_ratio"].default)
    cap = cfg.containment_max_group
    groups = samples.groupBy("val").agg(F.count("*").alias("g"))
    usable = samples.join(groups, "val").where(F.col("g") <= cap)
    count = usable.groupBy("idx").agg(F.count("*").alias("c"))
    shared = usable.where(F.col("g") > 1).select("val", "idx", "size")
    x, y = shared.alias("x"), shared.alias("y")
    both = (
        x.join(y, "val")
        .where(F.col("x.idx") < F.col("y.idx"))
        .where(F.least("x.size", "y.size") <= F.lit(max_ratio) * F.greatest("x.size", "y.size"))
        .groupBy(F.col("x.idx").alias("i"), F.col("y.idx").alias("j"))
        .agg(F.count("*").alias("n"))
    )
    need = F.greatest(F.lit(2.0), F.ceil(F.lit(min_share) * F.least("ci", "cj")).cast("double"))
    return (
        both.join(count.select(F.col("idx").alias("i"), F.col("c").alias("ci")), "i")
        .join(count.select(F.col("idx").alias("j"), F.col("c").alias("cj")), "j")
        .where(F.col("n") >= need)
        .select("i", "j")
    )


def dedup_frames(
    spark: SparkSession,
    files: list[tuple[str, str]],
    cfg: DedupConfig,
    rc: ReadConfig,
) -> tuple[DataFrame, DataFrame, int, list[DataFrame]]:
    """(decisions with ``idx``, rejected rows, how many, numbered raw inputs).

    Raises the first bad record's error under ``on_error='fail'``.
    """
    from pyspark.sql import functions as F

    from storyline.distributed import partition as P
    from storyline.distributed.components import connected_components

    by_fmt: dict[str, list[str]] = {}
    for name, fmt in files:
        by_fmt.setdefault(fmt, []).append(name)
    kinds = sorted(by_fmt)
    raws = _numbered(spark, [_raw(spark, by_fmt[k], k) for k in kinds], [f for f, _ in files])
    parsed: DataFrame | None = None
    for kind, raw in zip(kinds, raws, strict=True):
        part = raw.mapInArrow(partial(P.parse_features, kind=kind, rc=rc, cfg=cfg),
                              P.PARSED_SCHEMA)
        parsed = part if parsed is None else parsed.unionByName(part)
    assert parsed is not None
    # materialize now: later jobs read it from several concurrent stages, which would
    # otherwise each run the parser; it also cuts the plan. Then fail fast on the first bad
    # record, in input order
    parsed = materialize(parsed)
    bad = parsed.where(F.col("err_type").isNotNull())
    n_bad = int(parsed.agg(F.count("err_type").alias("b")).collect()[0]["b"])
    if n_bad and rc.on_error == "fail":
        raise P.error_from_row(bad.orderBy("idx").limit(1).collect()[0].asDict())
    acc = parsed.where(F.col("err_type").isNull())

    # exact groups and the representatives' features
    reps = acc.groupBy("e0", "e1").agg(F.min("idx").alias("rep"))
    rep_ids = reps.select(F.col("rep").alias("idx"))
    feat = acc.select("idx", "shingles", "bands")
    bandrows = (
        feat.select("idx", F.posexplode("bands").alias("band", "h"))
        .join(rep_ids, "idx", "left_semi")
    )
    pairs = candidate_pairs(bandrows, cfg.max_bucket)
    if cfg.samples_containment:
        reps_feat = feat.select("idx", "shingles").join(rep_ids, "idx", "left_semi")
        samples = reps_feat.mapInArrow(partial(P.containment_samples, cfg=cfg), P.SAMPLE_SCHEMA)
        pairs = pairs.unionByName(containment_candidates(samples, cfg)).distinct()
    sh = feat.select("idx", "shingles")
    cand = pairs.join(sh.select(F.col("idx").alias("i"), F.col("shingles").alias("si")), "i").join(
        sh.select(F.col("idx").alias("j"), F.col("shingles").alias("sj")), "j"
    )
    edges = cand.mapInArrow(partial(P.verify_pairs, cfg=cfg), P.EDGE_SCHEMA)
    comps = connected_components(edges.select(F.col("i").alias("a"), F.col("j").alias("b")))

    # every record -> component of its representative -> keeper by the keep policy
    meta = acc.select("idx", "id", "url", "published", "keep_val", "norm_len", "e0", "e1")
    rows = (
        meta.join(reps, ["e0", "e1"])
        .join(comps.select(F.col("node").alias("rep"), "comp"), "rep", "left")
        .withColumn("comp", F.coalesce("comp", "rep"))
    )
    rows = materialize(rows)  # read by the concurrent branches below
    keepers = rows.groupBy("comp").agg(
        F.min(_keep_key(cfg.keep)).getField("idx").alias("keeper"), F.count("*").alias("size")
    )
    kinfo = rows.select(
        F.col("idx").alias("keeper"), F.col("id").alias("kid"), F.col("rep").alias("krep")
    )
    dec = rows.join(keepers, "comp").join(kinfo, "keeper")
    near = dec.where((F.col("idx") != F.col("keeper")) & (F.col("rep") != F.col("krep")))
    todo = near.select("rep", "krep").distinct()
    scored = (
        todo.join(sh.select(F.col("idx").alias("rep"), F.col("shingles").alias("si")), "rep")
        .join(sh.select(F.col("idx").alias("krep"), F.col("shingles").alias("sk")), "krep")
        .mapInArrow(partial(P.score_pairs, cfg=cfg), P.SCORE_SCHEMA)
    )
    kept = F.col("idx") == F.col("keeper")
    exact = F.col("rep") == F.col("krep")
    decisions = dec.join(scored, ["rep", "krep"], "left").select(
        "idx",
        "id",
        "url",
        "kid",
        F.when(kept & (F.col("size") == 1), F.lit(UNIQUE))
        .when(kept, F.lit(KEPT))
        .when(exact, F.lit(EXACT))
        .otherwise(F.col("code"))
        .cast("byte")
        .alias("code"),
        F.when(kept | exact, F.lit(1.0)).otherwise(F.col("score")).alias("score"),
    )
    return decisions, bad, n_bad, raws


def _write_text(df: DataFrame, path: str) -> None:
    df.write.mode("overwrite").option("compression", "none").text(path)


def dedup_spark(
    paths: Iterable[str | Path],
    out: str | Path,
    config: DedupConfig | None = None,
    *,
    master: str | None = "local[2]",
    read_config: ReadConfig | None = None,
    spark_conf: Mapping[str, str] | None = None,
    out_format: str = "jsonl",
    write_articles: bool = True,
    rejects: str | Path | None = None,
    spark: SparkSession | None = None,
    quiet: bool = True,
    single_file: bool = False,
) -> SparkDedupResult:
    """Run dedup on Spark; write ``OUT/decisions`` (+ ``OUT/deduped``) and ``OUT/summary.jsonl``.

    Outputs are folders of part files in input order, ``part-*.jsonl`` (concatenated by name
    they are the local ``decisions.jsonl`` / ``deduped.jsonl``, byte for byte), or with
    ``single_file`` those very files (``OUT/decisions.jsonl``...); Parquet decisions stay a
    folder. :func:`storyline.io.outputs.read_output` reads either. Under ``on_error='fail'``
    the first bad record (in input order) raises its reader error.
    """
    from pyspark.sql import functions as F

    from storyline.distributed import partition as P
    from storyline.distributed.session import get_session

    cfg = config or DedupConfig()
    rc = read_config or ReadConfig()
    if out_format not in OUT_FORMATS:
        raise ConfigError(f"unknown output format {out_format!r}",
                          hint=f"use one of {', '.join(OUT_FORMATS)}")
    if single_file and out_format != "jsonl":
        raise ConfigError("--single-file writes JSONL; Parquet decisions stay a folder of parts",
                          hint="drop --single-file (Parquet readers read the folder as one "
                               "table) or use --out-format jsonl")
    t0 = time.perf_counter()
    files = input_files(paths, rc)
    session = spark or get_session(master, spark_conf, quiet=quiet)
    decisions, bad, n_bad, raws = dedup_frames(session, files, cfg, rc)
    out_s = str(out)
    result = SparkDedupResult(rejected=n_bad)
    decisions = materialize(decisions)  # counted, written, joined
    per_code = {int(r["code"]): int(r["n"]) for r in
                decisions.groupBy("code").agg(F.count("*").alias("n")).collect()}
    n_acc = sum(per_code.values())
    n_kept = per_code.get(UNIQUE, 0) + per_code.get(KEPT, 0)
    ordered = decisions.orderBy("idx").select("id", "kid", "code", "score", "url")
    dec_path = join_path(out_s, "decisions")
    if out_format == "jsonl":
        _write_text(ordered.mapInArrow(partial(P.decision_records, as_json=True), P.LINE_SCHEMA),
                    dec_path)
        result.outputs["decisions"] = publish(session, dec_path, single_file)
    else:
        ordered.mapInArrow(partial(P.decision_records, as_json=False), P.DECISION_SCHEMA
                           ).write.mode("overwrite").parquet(dec_path)
        remove(session, dec_path + ".jsonl")
        result.outputs["decisions"] = dec_path
    result.read = n_acc + n_bad
    result.kept = result.clusters = n_kept
    result.removed = n_acc - n_kept
    result.reasons = {name: per_code.get(code, 0) for name, code in REASON_CODES.items()
                      if name not in ("unique", "kept")}
    if write_articles:
        kept_idx = decisions.where(F.col("code") <= KEPT).select("idx")
        arts: DataFrame | None = None
        by_fmt = sorted({fmt for _, fmt in files})
        for kind, raw in zip(by_fmt, raws, strict=True):
            part = raw.join(kept_idx.withColumnRenamed("idx", P.IDX), P.IDX, "left_semi")
            if len(by_fmt) == 1:  # sort first, so the range-partition sample skips the parser
                part = part.orderBy(P.IDX)
            lines = part.mapInArrow(partial(P.parse_json, kind=kind, rc=rc), P.JSON_SCHEMA)
            arts = lines if arts is None else arts.unionByName(lines)
        assert arts is not None
        if len(by_fmt) > 1:
            arts = arts.orderBy("idx")
        art_path = join_path(out_s, "deduped")
        _write_text(arts.select(F.col("line").alias("value")), art_path)
        result.outputs["deduped"] = publish(session, art_path, single_file)
    if rejects is not None and n_bad:
        _write_rejects(bad, str(rejects))
    result.seconds = round(time.perf_counter() - t0, 3)
    summary_path = join_path(out_s, "summary.jsonl")  # the local summary's file and keys
    write_file(session, summary_path, json.dumps(result.summary(), ensure_ascii=False) + "\n")
    result.outputs["summary"] = summary_path
    return result


def _write_rejects(bad: DataFrame, path: str) -> None:
    """Stream rejected records (where, reason, snippet) to a local JSONL file, in input order."""
    from storyline.data import Rejected
    from storyline.distributed import partition as P
    from storyline.io import write_records

    rows = bad.orderBy("idx").toLocalIterator()
    write_records(
        (
            Rejected(r["err_where"] or "", str(P.error_from_row(r.asDict())),
                     r["err_snippet"] or "").to_dict()
            for r in rows
        ),
        path,
    )
