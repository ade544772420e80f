"""What dedup decided: per-article :class:`Decision` records, the reason codes of the compact
arrays, and :func:`reason_text`, the one wording of a reason (the store's matches use it too)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

import numpy as np


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
# the code behind each reason's name (a summary's per-reason counts)
REASON_CODES = {"unique": UNIQUE, "kept": KEPT, "exact": EXACT, "near": NEAR,
                "contained": CONTAINED, "via cluster": VIA_CLUSTER}


def make_decision(id: str, keeper_id: str, code: int, score: float) -> Decision:
    """The :class:`Decision` of one article from its compact form (keeper id, code, score)."""
    if code in (UNIQUE, KEPT):
        return Decision(id, keeper_id, True, None, 1.0, "unique" if code == UNIQUE else "kept")
    return Decision(id, keeper_id, False, keeper_id, round(score, 4), reason_text(code, score))


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
            yield make_decision(ids[i], ids[int(keeper[i])], int(code[i]), float(score[i]))

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


def reason_text(code: int, score: float) -> str:
    """The reason line of a removed article (``code`` EXACT, NEAR, CONTAINED or VIA_CLUSTER)."""
    if code == EXACT:
        return "exact"
    if code == NEAR:
        return f"near: jaccard {score:.2f}"
    if code == CONTAINED:
        return f"contained: {score:.2f}"
    return f"near (via cluster): jaccard {score:.2f}"
