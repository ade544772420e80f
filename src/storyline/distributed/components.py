"""Connected components on Spark: large-star / small-star (Kiveris et al., SoCC 2014).

Both steps only move edges toward smaller node ids, so the result is deterministic: every node
ends up attached to the smallest id of its component, the same root the local union-find picks.
Each round is a few shuffles over the edge list; the number of rounds grows like log(n).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


def _oriented(edges: DataFrame) -> DataFrame:
    """Undirected edges as (a, b) with a > b (leaf side first), no self-loops, no duplicates."""
    from pyspark.sql import functions as F

    return (
        edges.select(F.greatest("a", "b").alias("a"), F.least("a", "b").alias("b"))
        .where(F.col("a") != F.col("b"))
        .distinct()
    )


def _large_star(e: DataFrame) -> DataFrame:
    """Connect every strictly larger neighbour of u to the smallest node of u's neighbourhood."""
    from pyspark.sql import functions as F

    both = e.select(F.col("a").alias("u"), F.col("b").alias("v")).unionByName(
        e.select(F.col("b").alias("u"), F.col("a").alias("v"))
    )
    m = both.groupBy("u").agg(F.min("v").alias("mv"))
    out = both.join(m, "u").where(F.col("v") > F.col("u"))
    return _oriented(out.select(F.col("v").alias("a"), F.least("u", "mv").alias("b")))


def _small_star(e: DataFrame) -> DataFrame:
    """Connect u and its smaller neighbours to the smallest of them."""
    from pyspark.sql import functions as F

    m = e.groupBy("a").agg(F.min("b").alias("mb"))
    j = e.join(m, "a")
    out = j.select(F.col("b").alias("a"), F.col("mb").alias("b")).unionByName(
        m.select(F.col("a"), F.col("mb").alias("b"))
    )
    return _oriented(out)


def _is_star_forest(e: DataFrame) -> bool:
    """True when each leaf has one edge and no centre is a leaf: every centre is its minimum."""
    from pyspark.sql import functions as F

    deg = e.groupBy("a").agg(F.count("*").alias("c"))
    multi = deg.where(F.col("c") > 1).select(F.col("a").alias("n"))
    centre_is_leaf = deg.select(F.col("a").alias("n")).join(
        e.select(F.col("b").alias("n")).distinct(), "n"
    )
    return multi.unionByName(centre_is_leaf).isEmpty()


def connected_components(edges: DataFrame, max_rounds: int = 64) -> DataFrame:
    """``edges`` (a, b: long) -> (node, comp) for every node on an edge; comp = min id.

    Nodes without edges are not listed (their component is themselves).
    """
    from pyspark.sql import functions as F

    from storyline.distributed.session import materialize
    from storyline.errors import StorylineError

    e = materialize(_oriented(edges))
    for _ in range(max_rounds):
        if _is_star_forest(e):
            break
        e = materialize(_small_star(_large_star(e)))
    else:  # pragma: no cover - needs a pathological graph
        raise StorylineError(f"connected components did not converge in {max_rounds} rounds")
    leaves = e.select(F.col("a").alias("node"), F.col("b").alias("comp"))
    centres = e.select(F.col("b").alias("node"), F.col("b").alias("comp")).distinct()
    return leaves.unionByName(centres)
