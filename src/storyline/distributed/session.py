"""Spark session handling: lazy pyspark import with a clear install hint, sane local defaults."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from storyline.errors import ConfigError, MissingDependencyError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# small-data friendly defaults for local[*] runs; every one can be overridden with --conf
LOCAL_DEFAULTS = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.execution.arrow.maxRecordsPerBatch": "2000",
    "spark.driver.memory": "2g",
}


def require_pyspark() -> Any:
    """Import pyspark or say how to get it (and Java) installed."""
    try:
        import pyspark
    except ImportError as exc:
        raise MissingDependencyError(
            "the Spark engine needs pyspark, which is not installed",
            hint="pip install 'storyline[spark]' (pyspark 4.x; it also needs Java 17+)",
        ) from exc
    return pyspark


def java_available() -> bool:
    """Whether a Java runtime is reachable (JAVA_HOME or `java` on PATH)."""
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return True
    return shutil.which("java") is not None


def parse_conf(items: list[str] | None) -> dict[str, str]:
    """``key=value`` strings (CLI ``--conf``) -> dict, with a clear error for a malformed one."""
    conf: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(
                f"--conf {item!r} is not key=value",
                hint="e.g. --conf spark.executor.memory=4g",
            )
        conf[key.strip()] = value.strip()
    return conf


def get_session(master: str | None, conf: Mapping[str, str] | None = None,
                quiet: bool = True) -> SparkSession:
    """The active session (spark-submit) or a new one on ``master`` with ``conf``.

    In local mode the Python workers must be this interpreter (with storyline installed), so
    PYSPARK_PYTHON defaults to ``sys.executable``.
    """
    require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        for key, value in (conf or {}).items():
            try:
                active.conf.set(key, value)
            except Exception as exc:  # static settings cannot change in a running session
                raise ConfigError(
                    f"cannot set {key} in the running Spark session ({type(exc).__name__})",
                    hint="pass static settings (memory, cores...) to spark-submit --conf",
                ) from exc
        return active
    if not java_available():
        raise MissingDependencyError(
            "the Spark engine needs a Java runtime, and none was found",
            hint="install Java 17 (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME",
        )
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("storyline")
    if master:
        builder = builder.master(master)
    settings = dict(LOCAL_DEFAULTS) if (master or "local").startswith("local") else {}
    show = not quiet and sys.stderr.isatty()
    settings["spark.ui.showConsoleProgress"] = "true" if show else "false"
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def materialize(df: DataFrame) -> DataFrame:
    """Compute ``df`` once and cut its plan: a reliable checkpoint when the session has a
    checkpoint directory (set one on clusters: executor loss is then survivable), else a
    local checkpoint in executor storage (memory, then disk)."""
    if df.sparkSession.sparkContext.getCheckpointDir():
        return df.checkpoint(eager=True)
    return df.localCheckpoint(eager=True)
