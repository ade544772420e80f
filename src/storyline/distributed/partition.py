"""Per-partition work for the Spark engine, as plain functions over Arrow record batches.

Spark calls these through ``mapInArrow``; they import no pyspark, so they are testable
without a JVM. Every step calls the local engine's own functions (reader record parsing,
``featurize``, ``band_hashes``, ``pair_overlaps``, the ``decide`` rule, ``Decision`` and
``_reason``) on a whole batch at a time, which is what makes Spark results identical to
:func:`storyline.dedup.dedup`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

import numpy as np
import pyarrow as pa

from storyline import errors
from storyline.config import ReadConfig
from storyline.data import Article
from storyline.dedup import DedupConfig, article_text, featurize, lsh_params, pair_overlaps
from storyline.dedup.config import _KEEP_BUILTIN
from storyline.dedup.grouping import removal_reasons
from storyline.dedup.result import make_decision
from storyline.errors import RecordError, StorylineError
from storyline.features.minhash import is_empty_signature
from storyline.index.lsh import band_hashes
from storyline.io.base import Bad, Item, guard, record_to_article
from storyline.io.jsonl import _parse_line

# internal columns added to the input rows before parsing (prefixed so they never clash)
IDX, LINENO, FILE = "__sl_idx", "__sl_lineno", "__sl_file"

PARSED_SCHEMA = (
    "idx long, id string, url string, published string, keep_val double, norm_len long, e0 long, e1 long, "
    "shingles array<int>, bands array<long>, "
    "err_type string, err_message string, err_where string, err_hint string, err_snippet string"
)
JSON_SCHEMA = "idx long, line string"
EDGE_SCHEMA = "i long, j long"
SCORE_SCHEMA = "rep long, krep long, code byte, score double"
LINE_SCHEMA = "value string"
DECISION_SCHEMA = (
    "id string, cluster_id string, kept boolean, duplicate_of string, score double, reason string, "
    "url string"
)

DECISION_COLUMNS = ("id", "cluster_id", "kept", "duplicate_of", "score", "reason", "url")


def file_stem(file_uri: str) -> str:
    """The name stem readers use for auto ids (``name`` of ``.../name.jsonl.gz``)."""
    name = PurePosixPath(unquote(urlparse(file_uri).path)).name
    return name.split(".")[0]


def display_path(file_uri: str) -> str:
    """A path for messages: plain for local files, the URI otherwise."""
    parsed = urlparse(file_uri)
    return unquote(parsed.path) if parsed.scheme in ("", "file") else file_uri


def _items(batch: pa.RecordBatch, kind: str, rc: ReadConfig) -> Iterator[tuple[int, Item]]:
    """(idx, Article | Bad) for each record of a batch of raw input rows, using the readers."""
    idxs = batch.column(IDX).to_pylist()
    linenos = batch.column(LINENO).to_pylist()
    files = batch.column(FILE).to_pylist()
    if kind == "jsonl":
        values = batch.column("value").to_pylist()
        limit = rc.max_bytes + 1024
        for idx, lineno, furi, value in zip(idxs, linenos, files, values, strict=True):
            raw = (value or "").encode("utf-8", "surrogatepass")
            if not raw.strip():
                continue  # blank lines are layout, not records (as the JSONL reader)
            where = f"{display_path(furi)}:{lineno}"
            if len(raw) + 1 > limit:
                yield idx, Bad(RecordError(
                    f"line is larger than max_bytes={rc.max_bytes}",
                    where=where, hint="split the document, or drop it with --on-error skip "
                    "(from Python: ReadConfig(max_bytes=...) raises the limit)"))
                continue
            yield idx, guard(_parse_line, raw, where, f"{file_stem(furi)}:{lineno}", rc)
        return
    skip = {IDX, LINENO, FILE}
    for idx, lineno, furi, rec in zip(idxs, linenos, files, batch.to_pylist(), strict=True):
        rec = {k: v for k, v in rec.items() if k not in skip}
        n = lineno - 1
        raw = json.dumps(rec, ensure_ascii=False, default=str)
        where = f"{display_path(furi)}#{n}"
        yield idx, guard(record_to_article, rec, where, f"{file_stem(furi)}:{n}", rc, raw)


def _keep_value(art: Article, cfg: DedupConfig) -> float | None:
    """The keep-policy field as the local driver reads it (None: missing, NaN or not numeric)."""
    if cfg.keep in _KEEP_BUILTIN:
        return None
    v = art.meta.get(cfg.keep)
    if isinstance(v, int | float) and not isinstance(v, bool) and v == v:
        return float(v)
    return None


def _list_array(flat: np.ndarray, offsets: np.ndarray, valid: np.ndarray | None,
                dtype: pa.DataType) -> pa.Array:
    """An Arrow list array straight from (flat, offsets) numpy arrays (no per-row Python)."""
    mask = None if valid is None else pa.array(~valid)
    return pa.ListArray.from_arrays(
        pa.array(offsets.astype(np.int32)), pa.array(flat, type=dtype), mask=mask
    )


def _flat(col: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(flat uint32 values, int64 offsets from 0) of a list<int32> column (shingle id sets)."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    offsets = col.offsets.to_numpy().astype(np.int64)
    values = col.values.to_numpy(zero_copy_only=False).view(np.uint32)
    return values[offsets[0] : offsets[-1]], offsets - offsets[0]


def parse_features(
    batches: Iterator[pa.RecordBatch], kind: str, rc: ReadConfig, cfg: DedupConfig
) -> Iterator[pa.RecordBatch]:
    """Raw rows -> one row per record: keep-policy fields, exact key, shingle set, band hashes.

    Features come from the local engine's :func:`storyline.dedup.featurize` on the whole
    batch; band hashes are null for empty texts, which the local engine never pairs either.
    Rejected records come out with ``err_*`` set (the driver fails or counts them).
    """
    bands, rows = lsh_params(cfg)
    for batch in batches:
        idx: list[int] = []
        arts: list[Article] = []
        bad: list[tuple[int, Bad]] = []
        for i, item in _items(batch, kind, rc):
            if isinstance(item, Article):
                idx.append(i)
                arts.append(item)
            elif isinstance(item, Bad):
                bad.append((i, item))
        n, nb = len(arts), len(bad)
        if n == 0 and nb == 0:
            continue
        feats = featurize([article_text(a, cfg.use_title) for a in arts or [Article("", "")]],
                          *cfg.feature_args())
        if n == 0:  # featurize of one empty text keeps the array shapes simple
            feats.offsets = feats.offsets[:1]
            feats.flat = feats.flat[:0]
        valid = ~np.asarray(is_empty_signature(feats.sigs)).reshape(-1) if n else np.ones(0, bool)
        bh = band_hashes(feats.sigs, bands, rows, cfg.minhash.seed) if n else np.empty((0, bands))
        bh_offsets = np.arange(n + nb + 1, dtype=np.int64) * bands
        bh_offsets[n + 1 :] = n * bands
        bh_valid = np.r_[valid, np.zeros(nb, bool)]  # null: empty text or rejected record
        sh_offsets = np.r_[feats.offsets.astype(np.int64), np.full(nb, feats.offsets[-1])]
        exact = feats.exact.view(np.int64) if n else np.empty((0, 2), np.int64)
        none = [None] * nb
        errs = [b.error for _, b in bad]
        yield pa.RecordBatch.from_pydict(
            {
                "idx": pa.array(idx + [i for i, _ in bad], pa.int64()),
                "id": pa.array([a.id for a in arts] + none, pa.string()),
                "url": pa.array([a.url for a in arts] + none, pa.string()),
                "published": pa.array([a.published for a in arts] + none, pa.string()),
                "keep_val": pa.array([_keep_value(a, cfg) for a in arts] + none, pa.float64()),
                "norm_len": pa.array(list(feats.lengths[:n]) + none, pa.int64()),
                "e0": pa.array(list(exact[:, 0]) + none, pa.int64()),
                "e1": pa.array(list(exact[:, 1]) + none, pa.int64()),
                "shingles": _list_array(feats.flat.view(np.int32), sh_offsets,
                                        np.r_[np.ones(n, bool), np.zeros(nb, bool)], pa.int32()),
                "bands": _list_array(bh.reshape(-1).view(np.int64) if n else np.empty(0, np.int64),
                                     bh_offsets, bh_valid, pa.int64()),
                "err_type": pa.array([None] * n + [type(e).__name__ for e in errs], pa.string()),
                "err_message": pa.array([None] * n + [e.message for e in errs], pa.string()),
                "err_where": pa.array([None] * n + [e.where for e in errs], pa.string()),
                "err_hint": pa.array([None] * n + [e.hint for e in errs], pa.string()),
                "err_snippet": pa.array([None] * n + [b.snippet for _, b in bad], pa.string()),
            }
        )


def parse_json(
    batches: Iterator[pa.RecordBatch], kind: str, rc: ReadConfig
) -> Iterator[pa.RecordBatch]:
    """Raw rows -> (idx, the article as one JSON line) exactly as the local writer prints it."""
    for batch in batches:
        idxs: list[int] = []
        lines: list[str] = []
        for idx, item in _items(batch, kind, rc):
            if isinstance(item, Article):
                idxs.append(idx)
                lines.append(json.dumps(item.to_dict(), ensure_ascii=False, default=str))
        yield pa.RecordBatch.from_pydict(
            {"idx": pa.array(idxs, pa.int64()), "line": pa.array(lines, pa.string())}
        )


def _pair_overlaps(batch: pa.RecordBatch, left: str, right: str) -> np.ndarray:
    """(rows, 2) Jaccard and containment of two list columns, by the local kernel."""
    fa, oa = _flat(batch.column(left))
    fb, ob = _flat(batch.column(right))
    n = batch.num_rows
    flat = np.concatenate([fa, fb])
    offsets = np.concatenate([oa, ob[1:] + oa[-1]])
    pairs = np.stack([np.arange(n), np.arange(n) + n], axis=1)
    return pair_overlaps(flat, offsets, pairs)


def verify_pairs(batches: Iterator[pa.RecordBatch], cfg: DedupConfig) -> Iterator[pa.RecordBatch]:
    """Candidate pairs (i, j, si, sj) -> the pairs whose exact shingle sets pass, as locally."""
    for batch in batches:
        ov = _pair_overlaps(batch, "si", "sj")
        ok = ov[:, 0] >= cfg.threshold
        if cfg.containment is not None:
            ok |= ov[:, 1] >= cfg.containment
        mask = pa.array(ok)
        yield pa.RecordBatch.from_pydict(
            {"i": batch.column("i").filter(mask), "j": batch.column("j").filter(mask)}
        )


SAMPLE_SCHEMA = "idx long, val long, size long"


def containment_samples(batches: Iterator[pa.RecordBatch], cfg: DedupConfig
                        ) -> Iterator[pa.RecordBatch]:
    """(idx, shingles) of exact representatives -> one row per content-defined sample, by the
    local :func:`storyline.index.containment.sample_shingles` (same rate and seed)."""
    from storyline.index.containment import sample_shingles

    for batch in batches:
        flat, offsets = _flat(batch.column("shingles"))
        vals, docs = sample_shingles(flat, offsets, cfg.containment_sampling, cfg.minhash.seed)
        idx = batch.column("idx").to_numpy()
        sizes = np.diff(offsets)
        yield pa.RecordBatch.from_pydict(
            {"idx": pa.array(idx[docs], pa.int64()), "val": pa.array(vals.astype(np.int64)),
             "size": pa.array(sizes[docs], pa.int64())}
        )


def score_pairs(batches: Iterator[pa.RecordBatch], cfg: DedupConfig) -> Iterator[pa.RecordBatch]:
    """(rep, krep, si, sk) -> reason code and score of a removed near copy (``decide``'s rule)."""
    for batch in batches:
        code, score = removal_reasons(_pair_overlaps(batch, "si", "sk"), cfg.threshold,
                                      cfg.containment)
        yield pa.RecordBatch.from_pydict(
            {
                "rep": batch.column("rep"),
                "krep": batch.column("krep"),
                "code": pa.array(code, pa.int8()),
                "score": pa.array(score, pa.float64()),
            }
        )


def decision_records(batches: Iterator[pa.RecordBatch], as_json: bool
                     ) -> Iterator[pa.RecordBatch]:
    """(id, kid, code, score, url) -> the local engine's decision lines (:meth:`Decision.record`:
    url only when the article has one), or its fields as rows (url null when it has none)."""
    for batch in batches:
        ids, kids = batch.column("id").to_pylist(), batch.column("kid").to_pylist()
        codes, scores = batch.column("code").to_pylist(), batch.column("score").to_pylist()
        urls = batch.column("url").to_pylist()
        recs = [make_decision(i, k, c, s).record(u)
                for i, k, c, s, u in zip(ids, kids, codes, scores, urls, strict=True)]
        if as_json:
            lines = [json.dumps(r, ensure_ascii=False, default=str) for r in recs]
            yield pa.RecordBatch.from_pydict({"value": pa.array(lines, pa.string())})
        else:
            yield pa.RecordBatch.from_pylist([r | {"url": r.get("url")} for r in recs],
                                             schema=_DECISION_ARROW)


_DECISION_ARROW = pa.schema([("id", pa.string()), ("cluster_id", pa.string()),
                             ("kept", pa.bool_()), ("duplicate_of", pa.string()),
                             ("score", pa.float64()), ("reason", pa.string()),
                             ("url", pa.string())])


def error_from_row(row: dict[str, Any]) -> StorylineError:
    """Rebuild the reader's error for a rejected row (same class, message, place and fix)."""
    cls = getattr(errors, row["err_type"] or "", None)
    if not (isinstance(cls, type) and issubclass(cls, StorylineError)):
        cls = errors.InputError
    return cls(row["err_message"] or "bad record", where=row["err_where"], hint=row["err_hint"])
