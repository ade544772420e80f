"""The stored form of :class:`ArticleFeatures`: explicit, versioned, checked on load.

A store keeps each article's features so reopening it rebuilds the story tracker without
featurizing again. They are written as data, never as pickles, so loading a damaged or
tampered record can fail (clearly) but can never run code:

    b"SLF" + version byte (1) + zlib( u32 header length (little-endian) + JSON header + arrays )

The JSON header holds every scalar, list and mapping field (dicts as ``[key, value]`` pairs in
their order, because summation order decides the last bits of a cosine; sets sorted, dates as
ISO strings); the arrays (shingles, sentence fingerprints, embedding) follow as raw
little-endian bytes, named with dtype and length in the header. ``text`` is left out when it
equals the text the store keeps (and given back on load). Inflation is bounded
(:data:`storyline.blobs.FEATURES_LIMIT`) and every field is type-checked.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np

from storyline.blobs import FEATURES_LIMIT, inflate
from storyline.errors import DamagedDataError
from storyline.features.facts import DateFact, NumberFact, Quote
from storyline.link.features import ArticleFeatures

CODEC = "storyline.link/1"
MAGIC = b"SLF"
VERSION = 1
# dtype each array is stored with (the in-memory dtype is restored on load)
_ARRAYS = {"shingles": "<u4", "sentences": "<u8", "embedding": "<f4"}


def encode_features(f: ArticleFeatures, text: str) -> bytes:
    """The stored bytes of ``f``; ``text`` is left out when it is the store's text."""
    arrays = {
        "shingles": np.asarray(f.shingles, dtype=_ARRAYS["shingles"]),
        "sentences": np.asarray(sorted(f.sentences), dtype=_ARRAYS["sentences"]),
    }
    if f.embedding is not None:
        arrays["embedding"] = np.asarray(f.embedding, dtype=_ARRAYS["embedding"])
    header = {
        "id": f.id,
        "published": None if f.published is None else f.published.isoformat(),
        "dateline": f.dateline,
        "source": f.source,
        "title": f.title,
        "text": None if f.text == text else f.text,
        "text_hash": f.text_hash,
        "n_words": f.n_words,
        "terms": list(f.terms.items()),
        "lead_terms": list(f.lead_terms.items()),
        "title_terms": list(f.title_terms.items()),
        "entities": [[k, sorted(v)] for k, v in f.entities.items()],
        "entity_keys": sorted(f.entity_keys),
        "numbers": [[n.value, n.text, n.unit, n.start, n.end] for n in f.numbers],
        "dates": [[d.text, d.kind, None if d.resolved is None else d.resolved.isoformat(), d.start, d.end]
                  for d in f.dates],
        "quotes": [[q.text, q.key, q.start, q.end] for q in f.quotes],
        "number_set": sorted([u, v] for u, v in f.number_set),
        "number_units": [[u, sorted(v)] for u, v in f.number_units.items()],
        "date_set": sorted(d.isoformat() for d in f.date_set),
        "weekdays": sorted(f.weekdays),
        "years": sorted(f.years),
        "quote_tokens": [sorted(q) for q in f.quote_tokens],
        "published_hours": f.published_hours,
        "arrays": [[name, a.dtype.str, int(a.size)] for name, a in arrays.items()],
    }
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    payload = b"".join([struct.pack("<I", len(head)), head, *(a.tobytes() for a in arrays.values())])
    return MAGIC + bytes([VERSION]) + zlib.compress(payload, 1)


def decode_features(data: bytes, text: str, *, where: str | None = None) -> ArticleFeatures:
    """The features :func:`encode_features` wrote; :class:`DamagedDataError` on anything else."""
    if data[:3] != MAGIC:
        raise DamagedDataError("stored features are not a storyline feature record", where=where)
    if data[3:4] != bytes([VERSION]):
        raise DamagedDataError(
            f"stored features have codec version {data[3:4].hex() or 'none'}, this storyline reads {VERSION}",
            where=where, hint="upgrade storyline, or re-add the article to a new store",
        )
    payload = inflate(data[4:], FEATURES_LIMIT, what="stored features", where=where)
    try:
        (n,) = struct.unpack_from("<I", payload, 0)
        h = json.loads(payload[4 : 4 + n].decode("utf-8"))
        arrays = _arrays(h["arrays"], memoryview(payload)[4 + n :])
        return _build(h, arrays, text)
    except DamagedDataError as exc:
        raise DamagedDataError(exc.message, where=where) from None
    except (struct.error, UnicodeDecodeError, ValueError, KeyError, TypeError, IndexError,
            AttributeError, OverflowError, RecursionError) as exc:
        raise DamagedDataError(
            f"stored features do not decode ({type(exc).__name__}: {exc})", where=where
        ) from None


def _arrays(spec: Any, rest: memoryview) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    pos = 0
    for name, dtype, size in spec:
        if name not in _ARRAYS or dtype != np.dtype(_ARRAYS[name]).str or not isinstance(size, int):
            raise DamagedDataError(f"stored features hold an unknown array {name!r} ({dtype})")
        nbytes = size * np.dtype(dtype).itemsize
        if size < 0 or pos + nbytes > len(rest):
            raise DamagedDataError(f"stored features' array {name!r} is cut short")
        out[name] = np.frombuffer(rest[pos : pos + nbytes], dtype=dtype).copy()
        pos += nbytes
    if pos != len(rest):
        raise DamagedDataError(f"stored features have {len(rest) - pos} stray bytes")
    if "shingles" not in out or "sentences" not in out:
        raise DamagedDataError("stored features lack their shingles or sentence fingerprints")
    return out


def _typed(kind: type | tuple[type, ...], value: Any, what: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and bool not in _tuple(kind):
        raise DamagedDataError(f"stored features' {what} has the wrong type ({type(value).__name__})")
    return value


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


_NUM = (int, float)
_STR = {str}
_NUMBER = {int, float}
_OPT_STR = (str, type(None))


def _weights(pairs: Any, what: str) -> dict[str, float]:
    """A ``[[term, weight], ...]`` list back as a dict (in its order), every item checked."""
    d = dict(_typed(list, pairs, what))  # a ValueError/TypeError unless pairs of two
    if not set(map(type, d)) <= _STR or not set(map(type, d.values())) <= _NUMBER:
        raise DamagedDataError(f"stored features' {what} hold something other than term weights")
    return d


def _strings(items: Any, what: str) -> list[str]:
    if not isinstance(items, list) or not set(map(type, items)) <= _STR:
        raise DamagedDataError(f"stored features' {what} hold something other than strings")
    return items


def _opt_date(value: Any, what: str) -> date | None:
    return None if value is None else date.fromisoformat(_typed(str, value, what))


def _build(h: dict[str, Any], arrays: dict[str, np.ndarray], text: str) -> ArticleFeatures:
    s: Callable[[str], Any] = lambda key: _typed(_OPT_STR, h[key], key)  # noqa: E731
    stored_text = s("text")
    hours = h["published_hours"]
    embedding = arrays.get("embedding")
    return ArticleFeatures(
        id=_typed(str, h["id"], "id"),
        published=_opt_date(h["published"], "published"),
        dateline=s("dateline"),
        source=s("source"),
        title=s("title"),
        text=text if stored_text is None else stored_text,
        text_hash=_typed(int, h["text_hash"], "text_hash"),
        n_words=_typed(int, h["n_words"], "n_words"),
        terms=_weights(h["terms"], "terms"),
        lead_terms=_weights(h["lead_terms"], "lead_terms"),
        title_terms=_weights(h["title_terms"], "title_terms"),
        entities={_typed(str, k, "entities"): frozenset(_strings(v, "entities"))
                  for k, v in _typed(list, h["entities"], "entities")},
        entity_keys=frozenset(_strings(h["entity_keys"], "entity_keys")),
        numbers=[NumberFact(_typed(_NUM, v, "numbers"), _typed(str, t, "numbers"),
                            _typed(str, u, "numbers"), _typed(int, a, "numbers"), _typed(int, b, "numbers"))
                 for v, t, u, a, b in _typed(list, h["numbers"], "numbers")],
        dates=[DateFact(_typed(str, t, "dates"), _typed(str, k, "dates"), _opt_date(r, "dates"),
                        _typed(int, a, "dates"), _typed(int, b, "dates"))
               for t, k, r, a, b in _typed(list, h["dates"], "dates")],
        quotes=[Quote(_typed(str, t, "quotes"), _typed(str, k, "quotes"), _typed(int, a, "quotes"),
                      _typed(int, b, "quotes"))
                for t, k, a, b in _typed(list, h["quotes"], "quotes")],
        shingles=arrays["shingles"].astype(np.uint32, copy=False),
        embedding=None if embedding is None else embedding.astype(np.float32, copy=False),
        number_set=frozenset((_typed(str, u, "number_set"), _typed(_NUM, v, "number_set"))
                             for u, v in _typed(list, h["number_set"], "number_set")),
        number_units={_typed(str, u, "number_units"): frozenset(_typed(_NUM, x, "number_units")
                                                                for x in _typed(list, vs, "number_units"))
                      for u, vs in _typed(list, h["number_units"], "number_units")},
        date_set=frozenset(date.fromisoformat(_typed(str, d, "date_set"))
                           for d in _typed(list, h["date_set"], "date_set")),
        weekdays=frozenset(_strings(h["weekdays"], "weekdays")),
        years=frozenset(_typed(int, y, "years") for y in _typed(list, h["years"], "years")),
        quote_tokens=[frozenset(_strings(q, "quote_tokens")) for q in _typed(list, h["quote_tokens"], "quote_tokens")],
        published_hours=None if hours is None else float(_typed(_NUM, hours, "published_hours")),
        sentences=frozenset(int(x) for x in arrays["sentences"].tolist()),
    )
