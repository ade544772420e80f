"""The storyline pipeline on Apache Spark (optional: ``pip install 'storyline[spark]'``).

pyspark is imported only when a Spark function is called, so ``import storyline`` never
needs it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storyline.dedup import DedupConfig
    from storyline.distributed.spark_cluster import SparkClusterResult
    from storyline.distributed.spark_dedup import SparkDedupResult
    from storyline.stories import ClusterConfig


def dedup_spark(
    paths: list[str | Path] | list[str] | list[Path],
    out: str | Path,
    config: DedupConfig | None = None,
    master: str | None = "local[2]",
    **kwargs: Any,
) -> SparkDedupResult:
    """Dedup ``paths`` on Spark into ``out``; same decisions as :func:`storyline.dedup.dedup`.

    See :func:`storyline.distributed.spark_dedup.dedup_spark` for the keyword options.
    """
    from storyline.distributed.session import require_pyspark

    require_pyspark()
    from storyline.distributed.spark_dedup import dedup_spark as run

    return run(paths, out, config, master=master, **kwargs)


def cluster_spark(
    paths: list[str | Path] | list[str] | list[Path],
    out: str | Path,
    config: ClusterConfig | None = None,
    master: str | None = "local[2]",
    **kwargs: Any,
) -> SparkClusterResult:
    """Cluster ``paths`` into stories on Spark into ``out``; same stories, first reports,
    labels and assignments as :func:`storyline.stories.cluster_stories`.

    See :func:`storyline.distributed.spark_cluster.cluster_spark` for the keyword options.
    """
    from storyline.distributed.session import require_pyspark

    require_pyspark()
    from storyline.distributed.spark_cluster import cluster_spark as run

    return run(paths, out, config, master=master, **kwargs)


__all__ = ["cluster_spark", "dedup_spark"]
