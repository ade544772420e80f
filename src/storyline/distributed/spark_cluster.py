"""Story clustering on Apache Spark with results identical to :func:`storyline.stories.cluster_stories`.

Stages (only metadata reaches the driver: per-split counts, per-block time ranges, the corpus
document frequencies for the IDF, and the few stories the HTML report shows):

1. read and number the records as ``dedup --engine spark`` does; parse with the local readers;
2. corpus IDF: per-partition document frequencies (``IdfModel.fit``'s counts), summed;
3. global processing order = (published time, undated last; input order) -> dense rank;
4. ``mapInArrow``: the scorer's ``featurize_many`` once per article (pickled features kept);
5. candidates: the ranks are cut into blocks; each block replays the local tracker's index
   (salient terms with capped postings, MinHash bands, time window) from a context start that
   covers the window, so every article gets exactly its local candidates;
6. connected components of the candidate graph (large-star / small-star);
7. per component, in global order: the local tracker's assignment with those candidates and the
   global window's cut-offs, the merge pass, stories and labels (``_finish``).

Parity holds because the local assignment and merge only look inside an article's candidate
component (see :mod:`storyline.distributed.cluster_partition`). The cost is skew: one
component is processed by one task, so a corpus whose candidate graph is one giant component
runs stage 7 on one core (the benchmark reports the largest component).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline.config import ReadConfig
from storyline.distributed.outputs import is_uri, join_path, publish, write_file
from storyline.distributed.session import materialize
from storyline.distributed.spark_dedup import (
    Accounted,
    _numbered,
    _raw,
    _write_rejects,
    _write_text,
    input_files,
)
from storyline.errors import ConfigError, InputError
from storyline.stories import ClusterConfig, Scorer, Story, WindowClock, with_corpus_idf

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

MIN_BLOCK = 1000


def auto_block(n: int, parallelism: int) -> int:
    """Articles per candidate block: about two blocks per core (each block is one task and
    replays its window's context, so fewer, larger blocks shuffle less), at least 1,000."""
    return max(MIN_BLOCK, -(-n // max(1, 2 * parallelism)))


@dataclass
class SparkClusterResult(Accounted):
    """Counts of a Spark cluster run (the local summary's keys) and where the outputs are."""

    read: int = 0
    clustered: int = 0
    rejected: int = 0
    skipped: int = 0
    stories: int = 0
    multi: int = 0
    largest: int = 0
    pairs_scored: int = 0
    seconds: float = 0.0
    components: int = 0
    largest_component: int = 0
    blocks: int = 0
    rounds: int = 0
    outputs: dict[str, str] = field(default_factory=dict)
    top: list[Story] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The local ``cluster`` summary's counts (without timing, so it is deterministic)."""
        return {
            "mode": "batch",
            "read": self.read,
            "clustered": self.clustered,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "stories": self.stories,
            "multi-article stories": self.multi,
            "largest story": self.largest,
            "pairs scored": self.pairs_scored,
        }

    def summary_record(self) -> dict[str, Any]:
        """The line of ``OUT/summary.jsonl``: the local file's keys in its order (the counts,
        seconds, and the accounting line)."""
        counts = self.summary()
        pairs = counts.pop("pairs scored")
        return counts | {"seconds": self.seconds, "pairs scored": pairs,
                         "accounting": self.accounting_line()}


def _parsed(spark: SparkSession, files: list[tuple[str, str]], rc: ReadConfig) -> DataFrame:
    from storyline.distributed import cluster_partition as C

    by_fmt: dict[str, list[str]] = {}
    for name, fmt in files:
        by_fmt.setdefault(fmt, []).append(name)
    kinds = sorted(by_fmt)
    raws = _numbered(spark, [_raw(spark, by_fmt[k], k) for k in kinds], [f for f, _ in files])
    parsed: DataFrame | None = None
    for kind, raw in zip(kinds, raws, strict=True):
        part = raw.mapInArrow(partial(C.parse_articles, kind=kind, rc=rc), C.PARSED_SCHEMA)
        parsed = part if parsed is None else parsed.unionByName(part)
    assert parsed is not None
    return materialize(parsed)


def _corpus_scorer(acc: DataFrame, scorer: Scorer) -> Scorer:
    """The scorer with its IDF refitted on the corpus, from distributed document counts."""
    from pyspark.sql import functions as F

    from storyline.distributed import cluster_partition as C

    fresh = with_corpus_idf(scorer)
    idf = getattr(fresh, "idf", None)
    if idf is None or fresh is scorer:
        return scorer
    counts = (
        acc.select("line").mapInArrow(C.document_frequencies, C.DF_SCHEMA)
        .groupBy("term").agg(F.sum("n").alias("n"))
    )
    df: Counter[str] = Counter()
    n_docs = 0
    for row in counts.toLocalIterator():
        if row["term"] == "":
            n_docs = int(row["n"])
        else:
            df[row["term"]] = int(row["n"])
    idf.df = df
    idf.n_docs = n_docs
    idf._cache.clear()
    return fresh


def _plan_blocks(stats: list[tuple[int, float | None, float | None]], n: int, dated: int,
                 block: int, window_s: float | None) -> list[tuple[int, int]]:
    """(block, last block that needs it as context) for each block of ``block`` ranks.

    Block ``b`` (first rank ``r0``) needs as context the ``WindowClock.memory`` dated articles
    before it (so the replayed clock equals the global one) and every block that may hold an
    article still in the window when ``b`` starts: in time order the clock is at least the
    time of dated rank ``min(r0, dated-1) - WindowClock.lag``, so a block whose latest time is
    below that minus the window is evicted before ``b``'s first query. (Articles the local
    tracker holds past that edge for their open story are never candidates of a later article
    in time order, nor counted by the posting cap: see ``TermIndex.evict_before``.)
    """
    clock = WindowClock(window_s)
    nb = (n + block - 1) // block
    tmin = {b: lo for b, lo, _ in stats}
    tmax = {b: hi for b, _, hi in stats}
    starts: list[int] = []
    for b in range(nb):
        r0 = b * block
        if window_s is None or dated == 0:
            starts.append(0)
            continue
        bclock = max(0, min(r0, dated) - clock.memory) // block
        q = max(0, min(r0, dated - 1) - clock.lag)
        lo = tmin[q // block]
        assert lo is not None
        edge = lo - window_s
        first = next(j for j in range(nb) if (tmax.get(j) is None) or tmax[j] >= edge)  # type: ignore[operator]
        starts.append(min(first, bclock))
    # a block's articles are context of every later block whose start is at or before it
    out = []
    for j in range(nb):
        hi = j
        for b in range(j, nb):
            if starts[b] <= j:
                hi = b
            else:
                break
        out.append((j, hi))
    return out


def cluster_frames(
    spark: SparkSession, files: list[tuple[str, str]], cfg: ClusterConfig, rc: ReadConfig,
    scorer: Scorer, block: int | None = None,
) -> tuple[DataFrame, DataFrame, DataFrame, int, dict[str, int]]:
    """(per-component output rows, accepted articles, rejected rows and count, stage counts)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import LongType, StructField, StructType

    from storyline.distributed import cluster_partition as C
    from storyline.distributed import partition as P
    from storyline.distributed.components import connected_components

    parsed = _parsed(spark, files, rc)
    bad = parsed.where(F.col("err_type").isNotNull())
    n_bad = bad.count()
    if n_bad and rc.on_error == "fail":
        raise P.error_from_row(bad.orderBy("idx").limit(1).collect()[0].asDict())
    acc = parsed.where(F.col("err_type").isNull()).select("idx", "id", "t", "line")
    dups = acc.groupBy("id").agg(F.count("*").alias("c"), F.min("idx").alias("first")).where(
        F.col("c") > 1)
    n_dup = dups.count()
    if n_dup:
        ex = dups.orderBy("first").limit(1).collect()[0]
        where = json.loads(acc.where(F.col("idx") == ex["first"]).collect()[0]["line"])["where"]
        raise InputError(
            f"{n_dup} article ids occur more than once, e.g. {ex['id']!r}", where=where,
            hint="ids must be unique: dedup the input or choose another --id-field",
        )
    if cfg.corpus_idf:
        scorer = _corpus_scorer(acc, scorer)
    bscorer = spark.sparkContext.broadcast(scorer)

    # global processing order: published time (undated last), then input order
    order = acc.select("idx", "t").orderBy(F.col("t").asc_nulls_last(), F.col("idx"))
    ranked = order.rdd.zipWithIndex().map(lambda x: (x[0]["idx"], x[1]))
    ranks = spark.createDataFrame(ranked, StructType([StructField("idx", LongType()),
                                                      StructField("rank", LongType())]))
    arts = materialize(acc.join(ranks, "idx"))
    n = arts.count()
    if block is None:
        block = auto_block(n, spark.sparkContext.defaultParallelism)
    feats = materialize(
        arts.select("rank", "line").mapInArrow(
            partial(C.featurize_articles, scorer=bscorer, cfg=cfg), C.FEATURE_SCHEMA)
    )

    # candidates by block replay
    blk = F.floor(F.col("rank") / F.lit(block)).cast("long")
    stats_rows = arts.groupBy(blk.alias("b")).agg(
        F.min("t").alias("lo"), F.max("t").alias("hi"), F.count("t").alias("d")).collect()
    dated = sum(int(r["d"]) for r in stats_rows)
    stats = [(int(r["b"]), r["lo"], r["hi"]) for r in stats_rows]
    plan = _plan_blocks(stats, n, dated, block, cfg.window_s)
    plan_df = spark.createDataFrame(plan, "b long, hi long")
    rep = (
        feats.select("rank", "id", "published", "source", "ix", "blob")
        .withColumn("b", blk)
        .join(F.broadcast(plan_df), "b")
        .withColumn("block", F.explode(F.sequence("b", "hi")))
        .withColumn("start", F.col("block") * F.lit(block))
        .drop("b", "hi")
    )
    nparts = max(1, len(plan))
    cands = materialize(
        rep.repartition(nparts, "block").sortWithinPartitions("block", "rank")
        .mapInArrow(partial(C.block_candidates, scorer=bscorer, cfg=cfg), C.CAND_SCHEMA)
    )

    # components of the pairs that could join or merge stories (score >= support threshold)
    pairs = cands.select(
        F.col("rank").alias("b"), F.explode(F.arrays_zip("cands", "vals")).alias("p")
    ).select(F.col("p.cands").alias("a"), "b", F.col("p.vals").alias("v"))
    strong = materialize(pairs.where(F.col("v") >= F.lit(cfg.support_at)).select("a", "b"))
    base = (
        feats.select("rank", "id", "published", "source", "blob")
        .join(cands, "rank")
        .join(arts.select("rank", "idx"), "rank")
    )
    base = materialize(base)
    parallel = spark.sparkContext.defaultParallelism * 2

    def components(edges: DataFrame) -> DataFrame:
        comps = connected_components(edges)
        return materialize(
            base.select("rank")
            .join(comps.select(F.col("node").alias("rank"), "comp"), "rank", "left")
            .withColumn("comp", F.coalesce("comp", "rank"))
        )

    comp = components(strong)
    # round 1: each article's story before the merge pass (exact inside its component)
    raw = materialize(
        base.join(comp, "rank").repartition(parallel, "comp").sortWithinPartitions("comp", "rank")
        .mapInArrow(partial(C.raw_stories, scorer=bscorer, cfg=cfg), C.RAW_SCHEMA)
    )
    members = raw.join(comp, "rank")
    rounds = 0
    while True:
        rounds += 1
        # ghosts: members of other components' stories that a component has candidates in
        outside = (
            pairs.join(comp.select(F.col("rank").alias("b"), F.col("comp").alias("cb")), "b")
            .join(members.select(F.col("rank").alias("a"), F.col("comp").alias("ca"), "rs"), "a")
            .where(F.col("ca") != F.col("cb"))
            .select(F.col("cb").alias("comp"), "rs").distinct()
        )
        ghosts = (
            outside.join(raw, "rs")
            .join(base.select("rank", "id", "published", "source", "blob"), "rank")
        )
        own = base.join(comp, "rank").withColumn("rs", F.lit(None).cast("string"))
        rows = own.unionByName(ghosts, allowMissingColumns=True)
        out = materialize(
            rows.repartition(parallel, "comp").sortWithinPartitions("comp", "rank")
            .mapInArrow(partial(C.cluster_components, scorer=bscorer, cfg=cfg), C.OUT_SCHEMA)
        )
        conflicts = out.where(F.col("kind") == C.CONFLICT).select(
            F.col("k1").alias("a"), F.col("k2").cast("long").alias("b"))
        if conflicts.isEmpty():
            break
        strong = materialize(strong.unionByName(conflicts))
        comp = components(strong)
        members = raw.join(comp, "rank")
    sizes = comp.groupBy("comp").agg(F.count("*").alias("s")).agg(
        F.count("*").alias("c"), F.max("s").alias("m")).collect()[0]
    info = {"components": int(sizes["c"] or 0), "largest component": int(sizes["m"] or 0),
            "blocks": len(plan), "rounds": rounds}
    return out, arts, bad, n_bad, info


def cluster_spark(
    paths: Iterable[str | Path],
    out: str | Path,
    config: ClusterConfig | None = None,
    *,
    linker: Scorer | None = None,
    master: str | None = "local[2]",
    read_config: ReadConfig | None = None,
    spark_conf: Mapping[str, str] | None = None,
    spark: SparkSession | None = None,
    block: int | None = None,
    rejects: str | Path | None = None,
    quiet: bool = True,
    single_file: bool = False,
) -> SparkClusterResult:
    """Cluster ``paths`` into stories on Spark; write ``OUT/assignments`` and ``OUT/stories``
    (folders of ``part-*.jsonl`` files whose lines, concatenated by part name, equal the local
    ``assignments.jsonl`` / ``stories.jsonl``; with ``single_file`` those very files),
    ``OUT/summary.jsonl`` and ``OUT/report.html`` (local ``out`` only).
    :func:`storyline.io.outputs.read_output` reads either form."""
    from pyspark.sql import functions as F

    from storyline.distributed import cluster_partition as C
    from storyline.distributed.session import get_session

    cfg = config or ClusterConfig()
    rc = read_config or ReadConfig()
    if getattr(cfg, "ann_k", 0):
        raise ConfigError("embedding (ANN) candidates are not available on the Spark engine",
                          hint="use ann_k=0 with --engine spark, or the local engine")
    if linker is None:
        from storyline.link import Linker

        linker = Linker.load()
    t0 = time.perf_counter()
    files = input_files(paths, rc)
    session = spark or get_session(master, spark_conf, quiet=quiet)
    rows, arts, bad, n_bad, info = cluster_frames(session, files, cfg, rc, linker, block)
    out_s = str(out)
    res = SparkClusterResult(rejected=n_bad, components=info["components"],
                             largest_component=info["largest component"], blocks=info["blocks"],
                             rounds=info["rounds"])
    asg_path, st_path = join_path(out_s, "assignments"), join_path(out_s, "stories")
    _write_text(rows.where(F.col("kind") == C.ASSIGNMENT).orderBy("k1")
                .select(F.col("line").alias("value")), asg_path)
    stories = rows.where(F.col("kind") == C.STORY).orderBy("k1", "k2")
    _write_text(stories.select(F.col("line").alias("value")), st_path)
    agg = rows.groupBy("kind").agg(
        F.count("*").alias("n"), F.sum("k1").alias("s"), F.min("k1").alias("lo"),
        F.sum(F.when(F.col("k1") < -1, 1).otherwise(0)).alias("multi"),
    ).collect()
    by = {int(r["kind"]): r for r in agg}
    res.clustered = int(by[C.ASSIGNMENT]["n"]) if C.ASSIGNMENT in by else 0
    res.read = res.clustered + n_bad
    if C.STORY in by:
        res.stories = int(by[C.STORY]["n"])
        res.multi = int(by[C.STORY]["multi"])
        res.largest = -int(by[C.STORY]["lo"])
    res.pairs_scored = int(by[C.STAT]["s"]) if C.STAT in by else 0
    res.outputs = {"assignments": publish(session, asg_path, single_file),
                   "stories": publish(session, st_path, single_file)}
    res.top = [_story(json.loads(r["line"])) for r in stories.limit(50).collect()]
    res.seconds = round(time.perf_counter() - t0, 3)
    summary = res.summary_record()
    summary_path = join_path(out_s, "summary.jsonl")  # the local summary's file and keys
    write_file(session, summary_path, json.dumps(summary, ensure_ascii=False) + "\n")
    if not is_uri(out_s):
        from storyline.report.stories import DRILL_MEMBERS, DRILL_STORIES

        # the drill-down's members, and each listed story's first and latest (its name)
        want = {m for s in res.top[:DRILL_STORIES] for m in s.members[:DRILL_MEMBERS]} | {
            m for s in res.top for m in (s.first_report, *s.members[-3:])}
        titles = {
            r["id"]: json.loads(r["line"]).get("title") or ""
            for r in arts.where(F.col("id").isin(sorted(want))).select("id", "line").collect()
        }
        from storyline.report import story_report

        page = story_report(f"storyline stories: {res.clustered} articles", summary, res.top,
                            titles)
        Path(out_s, "report.html").write_text(page, encoding="utf-8")
        res.outputs["report"] = str(Path(out_s, "report.html"))
    res.outputs["summary"] = summary_path
    if rejects is not None and n_bad:
        _write_rejects(bad, str(rejects))
    return res


def _story(d: dict[str, Any]) -> Story:
    return Story(d["story_id"], d["members"], d["first_report"], d["label"], d["first_seen"],
                 d["last_seen"], d["sources"])
