"""Exact and near-duplicate detection over a corpus of articles.

The pipeline is a chain of pure stage functions over compact arrays, so the local driver
(:func:`dedup`) and the Spark backend run exactly the same code:

1. :func:`match_texts` -- text (optionally title + text) with matching noise removed;
2. :func:`featurize` -- texts -> :class:`Features` (exact keys, shingle sets, MinHash
   signatures), one numba pass per batch, any batch split and any worker count giving the
   same result;
3. :func:`exact_groups` -- representative (first occurrence) of each exact key;
4. :func:`candidates` -- LSH banding over the representatives' signatures;
5. :func:`verify` -- exact shingle Jaccard / containment of candidate pairs (numba);
6. :func:`clusters` -- union-find over exact groups and verified edges (root = smallest index);
7. :func:`decide` -- keep policy, then keeper, score and reason for every article.

LSH only proposes; a pair is a duplicate only if its exact shingle sets pass the thresholds.

Containment: LSH is tuned for Jaccard >= ``candidate_threshold``; a short text contained
in a much longer one has a low Jaccard (|A|/|B|) and is never an LSH candidate. With
``containment_candidates`` a second path proposes such pairs from content-defined shingle
samples (:mod:`storyline.index.containment`); exact verification still decides.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

import numpy as np

from storyline.data import Article
from storyline.errors import ConfigError
from storyline.features.minhash import (
    MAX_HASH,
    is_empty_signature,
    minhash_kernel,
    permutations,
)
from storyline.features.shingles import (
    _basis,
    _multipliers,
    _shingle_kernel,
    _token_kernel,
    encode_texts,
    word_char_table,
)
from storyline.index.containment import containment_pairs, sample_shingles
from storyline.index.lsh import (
    band_hashes,
    candidate_pairs,
    optimal_params,
    pairs_from_band_hashes,
)
from storyline.kernels import kernel, note_compile
from storyline.parallel import Executor

_KEEP_BUILTIN = ("earliest", "longest", "first")


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Settings for :func:`dedup`, validated on construction.

    ``keep``: ``earliest`` (published, ties -> first seen), ``longest`` (normalized text),
    ``first`` (input order) or the name of a numeric ``meta`` field (largest wins).
    ``containment``: flag A as a copy of a longer B when |A∩B|/|A| >= this (None disables).
    ``candidate_threshold``: Jaccard level the LSH banding is tuned for (default ``threshold``);
    lower it to catch more contained pairs, at the cost of verifying more candidates.
    ``normalize``: ``match`` (boilerplate, bylines, datelines removed; the default),
    ``full`` (:func:`storyline.normalize.normalize_text`) or ``none``.
    ``max_memory_mb``: shingle sets beyond this spill to a temporary file (exact verification
    with bounded memory); signatures (4 bytes x num_perm per article) always stay in memory.
    ``containment_candidates``: also propose pairs of unequal length sharing content-defined
    shingle samples (1 in ``containment_sampling`` shingles; sample groups larger than
    ``containment_max_group``, i.e. boilerplate, are skipped), so a short text inside a much
    longer page is verified too (only when ``containment`` is set).
    """

    threshold: float = 0.8
    num_perm: int = 128
    k: int = 5
    seed: int = 1
    keep: str = "earliest"
    containment: float | None = 0.9
    use_title: bool = False
    batch_size: int = 2000
    workers: int = 1
    max_bucket: int = 500
    candidate_threshold: float | None = None
    normalize: str = "match"
    max_memory_mb: int = 512
    containment_candidates: bool = True
    containment_sampling: int = 16
    containment_max_group: int = 100

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(
                f"dedup threshold must be in (0, 1), got {self.threshold}", hint="use e.g. 0.8"
            )
        if self.num_perm < 2:
            raise ConfigError(f"num_perm must be >= 2, got {self.num_perm}", hint="use 128")
        if self.k < 1:
            raise ConfigError(f"shingle size k must be >= 1, got {self.k}", hint="use 5")
        if self.containment is not None and not 0.0 < self.containment <= 1.0:
            raise ConfigError(f"containment must be in (0, 1] or None, got {self.containment}")
        if not self.keep or not isinstance(self.keep, str):
            raise ConfigError("keep must be 'earliest', 'longest', 'first' or a meta field name")
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {self.batch_size}")
        if self.workers < 1:
            raise ConfigError(f"workers must be >= 1, got {self.workers}")
        ct = self.candidate_threshold
        if ct is not None and not 0.0 < ct < 1.0:
            raise ConfigError(f"candidate_threshold must be in (0, 1) or None, got {ct}")
        if self.max_bucket < 2:
            raise ConfigError(f"max_bucket must be >= 2, got {self.max_bucket}")
        if self.normalize not in _NORMALIZERS:
            raise ConfigError(
                f"normalize must be one of {', '.join(_NORMALIZERS)}, got {self.normalize!r}"
            )
        if self.max_memory_mb < 1:
            raise ConfigError(f"max_memory_mb must be >= 1, got {self.max_memory_mb}")
        if self.containment_sampling < 1:
            raise ConfigError(
                f"containment_sampling must be >= 1, got {self.containment_sampling}", hint="use 16"
            )
        if self.containment_max_group < 2:
            raise ConfigError(
                f"containment_max_group must be >= 2, got {self.containment_max_group}"
            )

    @property
    def samples_containment(self) -> bool:
        """Whether the containment candidate path runs."""
        return self.containment is not None and self.containment_candidates


@dataclass(slots=True)
class Decision:
    """What happened to one article. ``cluster_id`` is the id of the cluster's kept article."""

    id: str
    cluster_id: str
    kept: bool
    duplicate_of: str | None
    score: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def record(self, url: str | None = None) -> dict[str, Any]:
        """The decisions.jsonl line of both engines: the fields, then the article's ``url``
        when it has one (so a removed copy's address is not lost; the array result keeps no
        urls, the writers add them while streaming the articles)."""
        rec = asdict(self)
        if url:
            rec["url"] = url
        return rec


# reason codes of the compact decision arrays
UNIQUE, KEPT, EXACT, NEAR, CONTAINED, VIA_CLUSTER = range(6)


class DedupResult:
    """Per-article decisions (input order) plus counts, stored as compact arrays.

    ``decisions`` materializes :class:`Decision` objects on first use; :meth:`iter_decisions`
    streams them without keeping a list (what the CLI uses on large corpora).
    """

    def __init__(
        self,
        ids: Sequence[str] = (),
        keeper: np.ndarray | None = None,
        code: np.ndarray | None = None,
        score: np.ndarray | None = None,
    ):
        self.ids = list(ids)
        n = len(self.ids)
        self.keeper = keeper if keeper is not None else np.arange(n, dtype=np.int64)
        self.code = code if code is not None else np.full(n, UNIQUE, dtype=np.int8)
        self.score = score if score is not None else np.ones(n, dtype=np.float64)

    def iter_decisions(self) -> Iterator[Decision]:
        ids, keeper, code, score = self.ids, self.keeper, self.code, self.score
        for i in range(len(ids)):
            c = int(code[i])
            kid = ids[int(keeper[i])]
            if c in (UNIQUE, KEPT):
                yield Decision(ids[i], kid, True, None, 1.0, "unique" if c == UNIQUE else "kept")
                continue
            s = float(score[i])
            yield Decision(ids[i], kid, False, kid, round(s, 4), _reason(c, s))

    @cached_property
    def decisions(self) -> list[Decision]:
        return list(self.iter_decisions())

    @property
    def kept_mask(self) -> np.ndarray:
        return self.code <= KEPT

    @property
    def kept_ids(self) -> list[str]:
        return [self.ids[i] for i in np.flatnonzero(self.kept_mask)]

    @property
    def n_read(self) -> int:
        return len(self.ids)

    @property
    def n_kept(self) -> int:
        return int(self.kept_mask.sum())

    @property
    def n_removed(self) -> int:
        return self.n_read - self.n_kept

    @property
    def n_clusters(self) -> int:
        return self.n_kept  # one kept article per cluster

    def to_records(self) -> list[dict[str, Any]]:
        return [d.to_dict() for d in self.iter_decisions()]


def _reason(code: int, score: float) -> str:
    if code == EXACT:
        return "exact"
    if code == NEAR:
        return f"near: jaccard {score:.2f}"
    if code == CONTAINED:
        return f"contained: {score:.2f}"
    return f"near (via cluster): jaccard {score:.2f}"


# ---------------------------------------------------------------- stage 1: texts


def _no_normalize(text: str) -> str:
    return text


def _match_normalizer(text: str) -> str:
    from storyline.normalize import normalize_for_matching

    return normalize_for_matching(text)


def _full_normalizer(text: str) -> str:
    from storyline.normalize import normalize_text

    return normalize_text(text)


_NORMALIZERS: dict[str, Callable[[str], str]] = {
    "match": _match_normalizer,
    "full": _full_normalizer,
    "none": _no_normalize,
}


def match_texts(texts: Sequence[str], normalize: str = "match") -> list[str]:
    """Texts as matching sees them (``normalize``: match|full|none, see DedupConfig)."""
    fn = _NORMALIZERS[normalize]
    return [fn(t) for t in texts]


def article_text(article: Article, use_title: bool = False) -> str:
    """The raw text dedup looks at: the body, or title + body with ``use_title``."""
    text = article.text or ""
    if use_title and article.title:
        return f"{article.title}\n{text}"
    return text


# ---------------------------------------------------------------- stage 2: features


@dataclass(slots=True)
class Features:
    """Compact features of a batch: exact keys ``(n, 2)`` uint64, shingle sets as
    ``flat`` uint32 ids with ``offsets`` (n+1), signatures ``(n, num_perm)`` uint32, and the
    matching-text length in characters (for the ``longest`` policy); ``samples``: the
    containment samples ``(values, local doc index)`` when asked for (``sample_rate``)."""

    exact: np.ndarray
    flat: np.ndarray
    offsets: np.ndarray
    sigs: np.ndarray
    lengths: np.ndarray
    samples: tuple[np.ndarray, np.ndarray] | None = None

    def __len__(self) -> int:
        return int(self.sigs.shape[0])


@kernel(nogil=True)
def _exact_kernel(th: np.ndarray, toff: np.ndarray) -> np.ndarray:
    """Two independent 64-bit polynomial hashes of each document's token-hash sequence."""
    n = toff.shape[0] - 1
    out = np.empty((n, 2), dtype=np.uint64)
    for d in range(n):
        h1 = np.uint64(0x243F6A8885A308D3)
        h2 = np.uint64(0x13198A2E03707344)
        for i in range(toff[d], toff[d + 1]):
            h1 = (h1 ^ th[i]) * np.uint64(0x100000001B3)
            h2 = (h2 + th[i]) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(1)
        out[d, 0] = h1 ^ (h1 >> np.uint64(29))
        out[d, 1] = h2 ^ (h2 >> np.uint64(31))
    return out


def featurize(
    texts: Sequence[str],
    num_perm: int = 128,
    seed: int = 1,
    k: int = 5,
    normalize: str = "match",
    sample_rate: int = 0,
) -> Features:
    """Pure batch stage: raw texts -> features. Top-level, so process pools can pickle it.
    ``sample_rate`` > 0 adds containment samples (1 in ``sample_rate`` shingles, see
    :func:`storyline.index.containment.sample_shingles`), computed in the worker.

    Exact key = the sequence of lower-cased word tokens after matching normalization, so
    copies differing only in case, whitespace, punctuation or stripped noise are exact.
    """
    norm = match_texts(texts, normalize)
    buf, offsets = encode_texts(norm)
    table = word_char_table() if buf.size and int(buf.max()) >= 0x80 else np.zeros(1, np.bool_)
    th, toff = _token_kernel(buf, offsets, table, _basis(seed))
    exact = _exact_kernel(th, toff)
    flat, soff = _shingle_kernel(th, toff, k, _multipliers(k, seed))
    a, b = permutations(num_perm, seed)
    sigs = minhash_kernel(flat, soff, a, b)
    lengths = np.fromiter((len(t) for t in norm), dtype=np.int64, count=len(norm))
    samples = sample_shingles(flat, soff, sample_rate, seed) if sample_rate > 0 else None
    return Features(exact, flat, soff, sigs, lengths, samples)


def _featurize_args(args: tuple[Sequence[str], int, int, int, str, int]) -> Features:
    return featurize(*args)


class ShingleStore:
    """Shingle sets of the whole corpus: in memory up to a budget, then in a temporary file.

    Verification needs exact sets of only the articles in candidate pairs; spilling keeps
    peak memory bounded on corpora whose sets do not fit.
    """

    def __init__(self, max_bytes: int = 512 << 20):
        self.max_bytes = max_bytes
        self._chunks: list[np.ndarray] = []
        self._bytes = 0
        self._starts: list[np.ndarray] = []  # global element offset of each document
        self._total = 0
        self._file: Any = None
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def add(self, flat: np.ndarray, offsets: np.ndarray) -> None:
        self._starts.append(offsets[:-1] + self._total)
        self._total += int(offsets[-1])
        self._n += offsets.shape[0] - 1
        flat = np.ascontiguousarray(flat, dtype=np.uint32)
        if self._file is None and self._bytes + flat.nbytes > self.max_bytes:
            # lives until close(): spans many calls, so no context manager
            self._file = tempfile.TemporaryFile(prefix="storyline-shingles-")  # noqa: SIM115
            for chunk in self._chunks:
                self._file.write(chunk.tobytes())
            self._chunks = []
        if self._file is not None:
            self._file.write(flat.tobytes())
        else:
            self._chunks.append(flat)
            self._bytes += flat.nbytes

    def finish(self) -> None:
        """Seal the store for reading (call once after the last :meth:`add`)."""
        self.starts = np.concatenate([*self._starts, np.array([self._total], dtype=np.int64)])
        self._starts = []
        if self._file is not None:
            self._file.flush()
        # in memory, chunks stay separate (no concatenated copy): element offset of each
        sizes = np.array([c.shape[0] for c in self._chunks], dtype=np.int64)
        self._chunk_starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    def gather(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shingle sets of ``docs`` (sorted unique indices) as one ``(flat, offsets)`` batch."""
        lo, hi = self.starts[docs], self.starts[docs + 1]
        sizes = hi - lo
        offsets = np.zeros(docs.size + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        out = np.empty(int(offsets[-1]), dtype=np.uint32)
        if out.size == 0:
            return out, offsets
        if self._file is None:
            # a document never spans chunks (one chunk per added batch); empty sets copy nothing
            which = np.searchsorted(self._chunk_starts, lo, side="right") - 1
            which = np.minimum(which, len(self._chunks) - 1)
            for c in np.unique(which[sizes > 0]):
                sel = np.flatnonzero(which == c)
                _gather_into(
                    out, self._chunks[c], lo[sel] - self._chunk_starts[c], sizes[sel],
                    offsets[sel],
                )
            return out, offsets
        fd = self._file.fileno()
        for j in range(docs.size):
            if sizes[j]:
                data = os.pread(fd, int(sizes[j]) * 4, int(lo[j]) * 4)
                out[offsets[j] : offsets[j + 1]] = np.frombuffer(data, dtype=np.uint32)
        return out, offsets

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


@kernel(nogil=True)
def _gather_into(
    out: np.ndarray, chunk: np.ndarray, lo: np.ndarray, sizes: np.ndarray, dst: np.ndarray
) -> None:
    for j in range(lo.shape[0]):
        out[dst[j] : dst[j] + sizes[j]] = chunk[lo[j] : lo[j] + sizes[j]]


# ---------------------------------------------------------------- stages 3-6


def exact_groups(exact: np.ndarray) -> np.ndarray:
    """For each document, the index of the first document with the same exact key."""
    n = exact.shape[0]
    if n == 0:
        return np.empty(0, dtype=np.int64)
    idx = np.arange(n, dtype=np.int64)
    order = np.lexsort((idx, exact[:, 1], exact[:, 0]))
    sk = exact[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (sk[1:, 0] != sk[:-1, 0]) | (sk[1:, 1] != sk[:-1, 1])
    first = order[np.flatnonzero(new)]
    group = np.cumsum(new) - 1
    rep = np.empty(n, dtype=np.int64)
    rep[order] = first[group]
    return rep


def candidates(
    sigs: np.ndarray, threshold: float, max_bucket: int = 500, seed: int = 1
) -> np.ndarray:
    """LSH candidate pairs ``(p, 2)`` (row indices into ``sigs``, i < j), sorted unique.

    Same pairs as :func:`storyline.index.lsh.pairs_from_band_hashes` on the band hashes.
    """
    bands, rows = optimal_params(threshold, sigs.shape[1])
    return candidate_pairs(sigs, bands, rows, max_bucket=max_bucket, seed=seed)


@kernel(nogil=True)
def _overlap_kernel(flat: np.ndarray, offsets: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """``(p, 2)`` float64: Jaccard and containment (in the smaller set) of each pair."""
    out = np.zeros((pairs.shape[0], 2), dtype=np.float64)
    for q in range(pairs.shape[0]):
        a0, a1 = offsets[pairs[q, 0]], offsets[pairs[q, 0] + 1]
        b0, b1 = offsets[pairs[q, 1]], offsets[pairs[q, 1] + 1]
        na, nb_ = a1 - a0, b1 - b0
        if na == 0 or nb_ == 0:
            continue
        i, j, inter = a0, b0, 0
        while i < a1 and j < b1:
            x, y = flat[i], flat[j]
            if x == y:
                inter += 1
                i += 1
                j += 1
            elif x < y:
                i += 1
            else:
                j += 1
        out[q, 0] = inter / (na + nb_ - inter)
        out[q, 1] = inter / min(na, nb_)
    return out


def pair_overlaps(flat: np.ndarray, offsets: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Pure form of :func:`overlaps`: ``(p, 2)`` Jaccard and containment of pairs of sets
    ``flat[offsets[i]:offsets[i+1]]`` (sorted unique uint32 ids, as :func:`featurize` gives)."""
    if pairs.shape[0] == 0:
        return np.zeros((0, 2), dtype=np.float64)
    return _overlap_kernel(flat, offsets, np.ascontiguousarray(pairs, dtype=np.int64))


def overlaps(store: ShingleStore, pairs: np.ndarray) -> np.ndarray:
    """Exact (Jaccard, containment) of document pairs ``(p, 2)`` from the shingle store."""
    if pairs.shape[0] == 0:
        return np.zeros((0, 2), dtype=np.float64)
    docs, local = np.unique(pairs, return_inverse=True)
    flat, offsets = store.gather(docs)
    return _overlap_kernel(flat, offsets, local.reshape(pairs.shape).astype(np.int64))


def verify(
    store: ShingleStore, pairs: np.ndarray, threshold: float, containment: float | None
) -> np.ndarray:
    """Boolean mask of candidate pairs that are duplicates by exact shingle overlap."""
    ov = overlaps(store, pairs)
    ok = ov[:, 0] >= threshold
    if containment is not None:
        ok |= ov[:, 1] >= containment
    return np.asarray(ok)


@kernel(nogil=True)
def _uf_roots(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    parent = np.arange(n)
    for q in range(a.shape[0]):
        x = a[q]
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        y = b[q]
        while parent[y] != y:
            parent[y] = parent[parent[y]]
            y = parent[y]
        if x < y:
            parent[y] = x
        elif y < x:
            parent[x] = y
    for i in range(n):  # parents always point to smaller indices: one forward pass resolves
        parent[i] = parent[parent[i]]
    return parent


def clusters(n: int, edges: np.ndarray) -> np.ndarray:
    """Union-find over ``(e, 2)`` edges; each document's root is its component's smallest
    index, so the result does not depend on edge order."""
    if n == 0:
        return np.empty(0, dtype=np.int64)
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    return _uf_roots(n, edges[:, 0].copy(), edges[:, 1].copy())


def keep_rank(
    policy: str,
    n: int,
    published: Sequence[str | None] | None = None,
    lengths: np.ndarray | None = None,
    keep_values: np.ndarray | None = None,
) -> np.ndarray:
    """Rank of each document under a keep policy: the smallest rank in a cluster is kept.

    Ties always go to the earlier input position (stable sorts).
    """
    if policy == "first" or n == 0:
        return np.arange(n, dtype=np.int64)
    if policy == "earliest":
        pub = published if published is not None else [None] * n
        key = np.array([p if p is not None else "\uffff" for p in pub], dtype=str)
        order = np.argsort(key, kind="stable")
    elif policy == "longest":
        assert lengths is not None
        order = np.argsort(-lengths, kind="stable")
    else:
        vals = keep_values if keep_values is not None else np.full(n, np.nan)
        key = np.where(np.isnan(vals), np.inf, -vals)
        order = np.argsort(key, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)
    return rank


def decide(
    roots: np.ndarray,
    rank: np.ndarray,
    exact_rep: np.ndarray,
    store: ShingleStore,
    threshold: float,
    containment: float | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keeper index, reason code and score of every document (see ``UNIQUE`` ... codes).

    The keeper of a cluster is its member with the smallest ``rank``; a removed member's
    reason compares its text with the keeper's: exact key, Jaccard, containment, or only
    linked through other members ("via cluster").
    """
    n = roots.shape[0]
    order = np.lexsort((rank, roots))
    sroots = roots[order]
    first = np.ones(n, dtype=bool)
    first[1:] = sroots[1:] != sroots[:-1]
    group = np.cumsum(first) - 1
    keeper_of_group = order[np.flatnonzero(first)]
    sizes = np.bincount(group)
    keeper = np.empty(n, dtype=np.int64)
    keeper[order] = keeper_of_group[group]
    big = np.empty(n, dtype=bool)
    big[order] = sizes[group] > 1

    idx = np.arange(n, dtype=np.int64)
    code = np.full(n, UNIQUE, dtype=np.int8)
    score = np.ones(n, dtype=np.float64)
    is_keeper = keeper == idx
    code[is_keeper & big] = KEPT
    removed = ~is_keeper
    same = removed & (exact_rep == exact_rep[keeper])
    code[same] = EXACT
    other = np.flatnonzero(removed & ~same)
    if other.size:
        pairs = np.stack([exact_rep[other], exact_rep[keeper[other]]], axis=1)
        ov = overlaps(store, pairs)
        jac, cont = ov[:, 0], ov[:, 1]
        near = jac >= threshold
        cont_ok = ~near & (containment is not None) & (cont >= (containment or 2.0))
        code[other] = np.where(near, NEAR, np.where(cont_ok, CONTAINED, VIA_CLUSTER))
        score[other] = np.where(cont_ok, cont, jac)
    return keeper, code, score


# ---------------------------------------------------------------- driver


@dataclass(slots=True)
class _Meta:
    ids: list[str]
    published: list[str | None]
    keep_values: list[float]


def _batches(
    articles: Iterable[Article], cfg: DedupConfig, meta: _Meta
) -> Iterator[list[str]]:
    batch: list[str] = []
    want_pub = cfg.keep == "earliest"
    want_val = cfg.keep not in _KEEP_BUILTIN
    for art in articles:
        meta.ids.append(art.id)
        if want_pub:
            meta.published.append(art.published)
        if want_val:
            v = art.meta.get(cfg.keep)
            if isinstance(v, int | float) and not isinstance(v, bool):
                meta.keep_values.append(float(v))
            else:
                meta.keep_values.append(float("nan"))
        batch.append(article_text(art, cfg.use_title))
        if len(batch) >= cfg.batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _feature_stream(
    batches: Iterator[list[str]], cfg: DedupConfig
) -> Iterator[tuple[int, Features]]:
    """Features per batch in input order; in worker processes when ``workers > 1``."""
    rate = cfg.containment_sampling if cfg.samples_containment else 0
    args = (cfg.num_perm, cfg.seed, cfg.k, cfg.normalize, rate)
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    if cfg.workers == 1 or second is None:  # one batch: a pool would only add start-up time
        yield len(first), featurize(first, *args)
        if second is not None:
            yield len(second), featurize(second, *args)
            for b in batches:
                yield len(b), featurize(b, *args)
        return
    with Executor(cfg.workers, _start_method()).pool() as pool:
        pending: list[tuple[int, Future[Features]]] = []

        def submit(b: list[str]) -> None:
            pending.append((len(b), pool.submit(_featurize_args, (b, *args))))

        submit(first)
        submit(second)
        for b in batches:
            submit(b)
            while len(pending) > 2 * cfg.workers:  # bounded in-flight work and memory
                size, fut = pending.pop(0)
                yield size, fut.result()
        for size, fut in pending:
            yield size, fut.result()


def _start_method() -> str:
    """Worker start method: ``fork`` on Linux after loading the compiled kernels once here
    (workers start in milliseconds, nothing to re-import or re-load); ``spawn`` elsewhere
    (``featurize`` is a top-level pure function, so spawned workers work the same).
    Set STORYLINE_START_METHOD=spawn to force spawn (e.g. in a threaded host process).
    """
    method = os.environ.get("STORYLINE_START_METHOD") or (
        "fork" if sys.platform.startswith("linux") else "spawn"
    )
    if method == "fork":
        featurize(["warm up the kernels"], sample_rate=16)  # loaded once, inherited by every worker
    return method


def dedup(
    articles: Iterable[Article],
    config: DedupConfig | None = None,
    progress: Callable[[int], None] | None = None,
) -> DedupResult:
    """Find exact and near duplicates and decide which article of each cluster to keep.

    Streams ``articles`` in batches (only ids, keep-policy fields and compact feature arrays
    are kept); ``progress(n)`` is called after each batch with the articles featurized so far.
    """
    cfg = config or DedupConfig()
    note_compile((_token_kernel, _exact_kernel, _shingle_kernel, minhash_kernel, _uf_roots))
    meta = _Meta([], [], [])
    store = ShingleStore(cfg.max_memory_mb << 20)
    bands, rows = lsh_params(cfg)
    exact_parts: list[np.ndarray] = []
    band_parts: list[np.ndarray] = []  # LSH needs band hashes only, not whole signatures
    empty_parts: list[np.ndarray] = []
    len_parts: list[np.ndarray] = []
    sample_vals: list[np.ndarray] = []  # containment samples (about 1/16 of the shingles)
    sample_docs: list[np.ndarray] = []
    done = 0
    try:
        for size, feats in _feature_stream(_batches(articles, cfg, meta), cfg):
            store.add(feats.flat, feats.offsets)
            exact_parts.append(feats.exact)
            band_parts.append(band_hashes(feats.sigs, bands, rows, cfg.seed))
            empty_parts.append(np.asarray(is_empty_signature(feats.sigs)).reshape(-1))
            len_parts.append(feats.lengths)
            if feats.samples is not None:
                vals, docs = feats.samples
                sample_vals.append(vals)
                sample_docs.append((docs + done).astype(np.int32))
            done += size
            if progress is not None:
                progress(done)
        n = len(meta.ids)
        if n == 0:
            return DedupResult()
        store.finish()
        keeper, code, score = dedup_arrays(
            np.concatenate(exact_parts),
            np.concatenate(band_parts),
            np.concatenate(empty_parts),
            store,
            np.concatenate(len_parts),
            meta.published or None,
            np.array(meta.keep_values) if meta.keep_values else None,
            cfg,
            samples=(
                (np.concatenate(sample_vals), np.concatenate(sample_docs))
                if sample_vals
                else None
            ),
        )
    finally:
        store.close()
    return DedupResult(meta.ids, keeper, code, score)


def lsh_params(cfg: DedupConfig) -> tuple[int, int]:
    """(bands, rows) for the configured candidate threshold and permutation count."""
    return optimal_params(cfg.candidate_threshold or cfg.threshold, cfg.num_perm)


def dedup_arrays(
    exact: np.ndarray,
    bands: np.ndarray,
    empty: np.ndarray,
    store: ShingleStore,
    lengths: np.ndarray,
    published: Sequence[str | None] | None,
    keep_values: np.ndarray | None,
    cfg: DedupConfig,
    samples: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stages 3-7 on a whole corpus: exact keys, band hashes (``band_hashes`` of the
    signatures with :func:`lsh_params`), empty-text mask and shingle sets ->
    ``(keeper, code, score)`` per document. ``samples``: ``(values, docs)`` of
    :func:`storyline.index.containment.sample_shingles` with global document indices, for
    the containment candidate path (``cfg.samples_containment``)."""
    n = exact.shape[0]
    exact_rep = exact_groups(exact)
    is_rep = (exact_rep == np.arange(n)) & ~empty
    reps = np.flatnonzero(is_rep)
    pairs = pairs_from_band_hashes(bands[reps], reps, cfg.max_bucket)
    if samples is not None and cfg.samples_containment:
        vals, docs = samples
        sel = is_rep[docs]
        cpairs = containment_pairs(
            vals[sel], docs[sel], np.diff(store.starts), max_group=cfg.containment_max_group
        )
        if cpairs.shape[0]:
            codes = np.union1d(pairs[:, 0] << 32 | pairs[:, 1], cpairs[:, 0] << 32 | cpairs[:, 1])
            pairs = np.stack([codes >> 32, codes & 0xFFFFFFFF], axis=1).astype(np.int64)
    ok = verify(store, pairs, cfg.threshold, cfg.containment)
    edges = np.concatenate([np.stack([exact_rep, np.arange(n)], axis=1), pairs[ok]])
    roots = clusters(n, edges)
    rank = keep_rank(cfg.keep, n, published, lengths, keep_values)
    return decide(roots, rank, exact_rep, store, cfg.threshold, cfg.containment)


__all__ = [
    "MAX_HASH",
    "Decision",
    "DedupConfig",
    "DedupResult",
    "Features",
    "ShingleStore",
    "article_text",
    "candidates",
    "clusters",
    "decide",
    "dedup",
    "dedup_arrays",
    "exact_groups",
    "featurize",
    "keep_rank",
    "lsh_params",
    "pair_overlaps",
    "match_texts",
    "overlaps",
    "verify",
]
