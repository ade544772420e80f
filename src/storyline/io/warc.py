"""WARC archives via warcio: HTML responses become articles, everything else is skipped.

An article's ``url`` is the record's WARC-Target-URI (the address that was fetched; a different
canonical URL found in the page goes to ``meta.canonical_url``). Its id is the WARC-Record-ID,
or with ``--id-field url`` the target URI, or with ``--id-field NAME`` the WARC header NAME.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storyline.config import ReadConfig
from storyline.data import Article
from storyline.errors import FormatError, RecordError, require
from storyline.io.base import TOO_LARGE_HINT, Bad, Item, Skip, guard
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
                               hint=TOO_LARGE_HINT))
    url = record.rec_headers.get_header("WARC-Target-URI")
    rid = _record_id(record, url, where, config)
    if isinstance(rid, Bad):
        return rid
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
    item = guard(html_to_article, html, rid, where, config, url)
    if isinstance(item, Article) and url:
        if item.url and item.url != url:
            item.meta["canonical_url"] = item.url
        item.url = url
    return item


def _record_id(record: Any, url: str | None, where: str, config: ReadConfig) -> str | Bad:
    """The id ``--id-field`` asks for: ``id`` (default) the WARC-Record-ID, ``url`` the target
    URI, anything else the WARC header of that name."""
    name = config.fields.id
    if name == "id":
        return str(record.rec_headers.get_header("WARC-Record-ID") or where)
    value = url if name == "url" else record.rec_headers.get_header(name)
    if not value:
        return Bad(RecordError(f"WARC record has no {'WARC-Target-URI' if name == 'url' else name!r} "
                               f"for --id-field {name}", where=where,
                               hint="use --id-field id (WARC-Record-ID), url (WARC-Target-URI) "
                               "or the name of a WARC header every response has"))
    return str(value)


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
