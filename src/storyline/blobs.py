"""Bounded zlib inflation for stored blobs (texts, features).

A stored blob is data, not trusted: a few damaged bytes must give a clear error, and a
"zlib bomb" (1 MB that inflates to gigabytes) must not take the memory with it. Inflation
runs in 1 MB steps (``zlib.decompressobj`` with ``max_length``) and stops one step past
``limit`` output bytes, so memory is bounded by the limit whatever the input.
"""

from __future__ import annotations

import zlib

from storyline.errors import DamagedDataError

# Largest inflated sizes accepted: a stored text is at most what the readers let in (5 MB by
# default, raised by users for long documents); a feature record is a few kilobytes per article.
TEXT_LIMIT = 256 << 20
FEATURES_LIMIT = 64 << 20
_STEP = 1 << 20


def inflate(data: bytes, limit: int, *, what: str = "blob", where: str | None = None) -> bytes:
    """The zlib-inflated ``data``, at most ``limit`` bytes; :class:`DamagedDataError` when it
    is not one complete zlib stream or would inflate beyond ``limit``."""
    d = zlib.decompressobj()
    out = bytearray()
    pending = data
    try:
        while True:  # in steps, so a bomb is stopped within one step past the limit
            chunk = d.decompress(pending, _STEP)
            out += chunk
            if len(out) > limit:
                raise DamagedDataError(
                    f"{what} inflates to more than {limit} bytes (a damaged or hostile record)",
                    where=where,
                )
            pending = d.unconsumed_tail
            if d.eof or not (pending or chunk):
                break
    except zlib.error as exc:
        raise DamagedDataError(f"{what} is not valid zlib data ({exc})", where=where) from None
    if not d.eof:
        raise DamagedDataError(f"{what} is truncated (incomplete zlib stream)", where=where)
    if d.unused_data:
        raise DamagedDataError(f"{what} has {len(d.unused_data)} stray bytes after its zlib stream",
                               where=where)
    return bytes(out)
