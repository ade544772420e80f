"""WARC archives via warcio: HTML responses become articles, everything else is skipped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storyline.config import ReadConfig
from storyline.errors import FormatError, RecordError, require
from storyline.io.base import Bad, Item, Skip, guard
from storyline.io.html import html_to_article
from storyline.io.jsonl import decode


def read_warc(path: Path, config: ReadConfig) -> Iterator[Item]:
    warcio: Any = require("warcio.archiveiterator", "html", "WARC reading")
    n = 0
    with open(path, "rb") as fh:
        it = warcio.ArchiveIterator(fh)
        while True:
            where = f"{path}#{n}"
            try:
                record = next(it)
            except StopIteration:
                return
            except Exception as exc:  # warcio raises ArchiveLoadFailed, EOFError, zlib errors...
                raise FormatError(f"corrupt or truncated WARC record: {exc}", where=where,
                                  hint="re-fetch the archive; records before this one were read") from exc
            n += 1
            yield _record(record, where, config)


def _record(record: Any, where: str, config: ReadConfig) -> Item:
    if record.rec_type != "response":
        return Skip(where, f"WARC {record.rec_type} record")
    ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else "") or ""
    if "html" not in ctype.lower():
        return Skip(where, f"non-HTML response ({ctype or 'no content type'})")
    try:
        body = record.content_stream().read(config.max_bytes + 1)
    except Exception as exc:
        return Bad(FormatError(f"corrupt WARC payload: {exc}", where=where, hint="re-fetch the archive"))
    if len(body) > config.max_bytes:
        return Bad(RecordError(f"payload is larger than max_bytes={config.max_bytes}", where=where,
                               hint="raise --max-bytes"))
    rid = record.rec_headers.get_header("WARC-Record-ID") or where
    url = record.rec_headers.get_header("WARC-Target-URI")
    try:
        charset = ctype.lower().partition("charset=")[2].split(";")[0].strip().strip('"')
        html = body.decode(charset) if _known(charset) else decode(body, where, config)
    except UnicodeDecodeError:
        html = body.decode(charset, errors="replace")  # server lied about charset; keep going
    except Exception as exc:
        from storyline.errors import StorylineError

        if isinstance(exc, StorylineError):
            return Bad(exc)
        raise
    return guard(html_to_article, html, rid, where, config, url)


def _known(charset: str) -> bool:
    """True when the HTTP header names a codec Python knows (headers are often wrong)."""
    import codecs

    if not charset:
        return False
    try:
        codecs.lookup(charset)
    except LookupError:
        return False
    return True
