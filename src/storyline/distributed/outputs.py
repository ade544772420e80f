"""Spark outputs under the local engine's names: ``OUT/NAME/part-*.jsonl`` folders (Spark's text
writer names its parts ``.txt``), or ``OUT/NAME.jsonl`` single files, and ``OUT/summary.jsonl``.

Local paths are handled with plain file operations (no Hadoop checksum files beside the
outputs); URIs (``hdfs://``, ``s3a://``, ``file://``...) through the session's Hadoop
FileSystem, so they work wherever Spark could write.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline.io.outputs import merge_parts, name_parts

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

URI_SCHEMES = ("hdfs", "s3a", "s3", "gs", "abfs", "abfss")


def is_uri(s: str) -> bool:
    return "://" in s or s.split(":", 1)[0] in URI_SCHEMES


def join_path(out: str, name: str) -> str:
    return out.rstrip("/") + "/" + name


def publish(spark: SparkSession, folder: str, single_file: bool, ext: str = ".jsonl") -> str:
    """Finish a folder Spark's text writer just wrote: its parts renamed ``part-*.jsonl``, or,
    with ``single_file``, concatenated by name into ``FOLDER.jsonl`` (the folder removed). The
    other form, left by an earlier run, is removed so a reader never sees both. Returns the
    output's path."""
    single = folder.rstrip("/") + ext
    if not is_uri(folder):
        if single_file:
            merge_parts(Path(folder), Path(single), ".txt")
            return single
        name_parts(Path(folder), ".txt", ext)
        Path(single).unlink(missing_ok=True)
        return folder
    fs = _Hadoop(spark, folder)
    fs.rename_parts(folder, ".txt", ext)
    if single_file:
        fs.merge(folder, single, ext)
        return single
    fs.delete(single)
    return folder


def write_file(spark: SparkSession, path: str, text: str) -> None:
    """A small text file (the summary) at a local path or URI, as one file, not a Spark folder."""
    if not is_uri(path):
        from storyline.io.writers import atomic_path

        with atomic_path(Path(path)) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return
    fs = _Hadoop(spark, path)
    stream = fs.fs.create(fs.path(path), True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def remove(spark: SparkSession, path: str) -> None:
    """Delete a file or folder left by an earlier run (nothing when absent)."""
    if not is_uri(path):
        import shutil

        p = Path(path)
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink(missing_ok=True)
        return
    _Hadoop(spark, path).delete(path)


class _Hadoop:
    """The few Hadoop FileSystem calls the outputs need, through the session's JVM."""

    def __init__(self, spark: SparkSession, path: str) -> None:
        sc: Any = spark.sparkContext
        self.jvm = sc._jvm
        self.conf = sc._jsc.hadoopConfiguration()
        self.fs = self.path(path).getFileSystem(self.conf)

    def path(self, p: str) -> Any:
        return self.jvm.org.apache.hadoop.fs.Path(p)

    def parts(self, folder: str, ext: str) -> list[Any]:
        found = self.fs.globStatus(self.path(join_path(folder, f"part-*{ext}"))) or []
        return sorted((st.getPath() for st in found), key=lambda p: p.getName())

    def rename_parts(self, folder: str, old: str, new: str) -> None:
        for p in self.parts(folder, old):
            self.fs.rename(p, self.path(join_path(folder, p.getName()[: -len(old)] + new)))

    def merge(self, folder: str, dest: str, ext: str) -> None:
        tmp = join_path(dest.rsplit("/", 1)[0], "." + dest.rsplit("/", 1)[1] + ".tmp")
        out = self.fs.create(self.path(tmp), True)
        try:
            for p in self.parts(folder, ext):
                src = self.fs.open(p)
                try:
                    self.jvm.org.apache.hadoop.io.IOUtils.copyBytes(src, out, self.conf, False)
                finally:
                    src.close()
        finally:
            out.close()
        self.delete(dest)
        self.fs.rename(self.path(tmp), self.path(dest))
        self.delete(folder)

    def delete(self, p: str) -> None:
        if self.fs.exists(self.path(p)):
            self.fs.delete(self.path(p), True)
