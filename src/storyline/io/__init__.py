"""Readers and writers: many input formats in, Articles out; atomic files out."""

from storyline.io.base import ReadStats
from storyline.io.reader import read_articles
from storyline.io.registry import FORMATS, detect_format
from storyline.io.writers import write_records, write_rejects

__all__ = ["FORMATS", "ReadStats", "detect_format", "read_articles", "write_records", "write_rejects"]
