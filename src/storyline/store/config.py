"""The settings a store is created with (kept in its ``meta`` row) and how that row is read.

Separate from the connection code so the service, the indexer and ``index check`` read one
definition; the flat ``meta`` form stays the one every store version wrote.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from storyline.config import MinHashParams
from storyline.errors import ConfigError


@dataclass(frozen=True, slots=True)
class StoreConfig:
    """Matching settings fixed when a store is created (stored in ``meta``, reused on open).

    They must not change for an existing store: stored signatures and buckets depend on them.
    ``minhash``: shingles, permutations, seed and banding (:class:`MinHashParams`; default
    5-word shingles, 128 permutations, seed 1, bands tuned for :attr:`lsh_threshold`); its
    threshold and banding are filled in (fixed) when the store is created.
    """

    threshold: float = 0.8
    containment: float = 0.9
    minhash: MinHashParams = MinHashParams()
    max_candidates: int = 8
    assigner: str = "auto"

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(f"threshold must be in (0, 1), got {self.threshold}", hint="use 0.8")
        if not 0.0 < self.containment <= 1.0:
            raise ConfigError(f"containment must be in (0, 1], got {self.containment}")
        if self.assigner not in ("auto", "story-tracker", "duplicate-groups"):
            raise ConfigError(
                f"unknown story assigner {self.assigner!r}",
                hint="use auto, story-tracker or duplicate-groups",
            )
        if self.max_candidates < 1:
            raise ConfigError(f"max_candidates must be >= 1, got {self.max_candidates}")

    @property
    def lsh_threshold(self) -> float:
        """The Jaccard the banding is tuned for: ``minhash.threshold``, else threshold - 0.15
        (at least 0.05): LSH only proposes, exact overlap decides."""
        return self.minhash.threshold or max(0.05, round(self.threshold - 0.15, 4))

    def banding(self) -> tuple[int, int]:
        """(bands, rows) of the store's band hashes."""
        return self.minhash.banding(self.lsh_threshold)

    def fixed(self) -> StoreConfig:
        """This config with the LSH threshold and banding filled in, as a store keeps it."""
        bands, rows = self.banding()
        mh = replace(self.minhash, threshold=self.lsh_threshold, bands=bands, rows=rows)
        return replace(self, minhash=mh)

    def to_meta(self) -> dict[str, Any]:
        """The flat form kept in a store's ``meta`` (the format every store version reads)."""
        mh = self.minhash
        return {"num_perm": mh.num_perm, "k": mh.k, "seed": mh.seed, "threshold": self.threshold,
                "containment": self.containment, "candidate_threshold": mh.threshold or 0.0,
                "bands": mh.bands or 0, "rows": mh.rows or 0,
                "max_candidates": self.max_candidates, "assigner": self.assigner}

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> StoreConfig:
        """Read :meth:`to_meta`'s form (0 means "not set" for the LSH threshold and banding)."""
        d = dict(meta)
        mh = MinHashParams(num_perm=d.pop("num_perm", 128), k=d.pop("k", 5), seed=d.pop("seed", 1),
                           threshold=d.pop("candidate_threshold", 0.0) or None,
                           bands=d.pop("bands", 0) or None, rows=d.pop("rows", 0) or None)
        return cls(minhash=mh, **d)


def parse_config(value: Any) -> StoreConfig:
    """The store's settings from its ``meta`` config row; ConfigError when it is not one."""
    try:
        d = json.loads(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"config is not JSON ({exc})") from None
    if not isinstance(d, dict):
        raise ConfigError(f"config is a JSON {type(d).__name__}, not an object")
    unknown = sorted(set(d) - set(META_TYPES))
    if unknown:
        raise ConfigError(f"config has unknown keys {unknown}")
    kinds: dict[str, type | tuple[type, ...]] = {"int": int, "float": (int, float), "str": str}
    for k, v in d.items():
        want = kinds[META_TYPES[k]]
        if not isinstance(v, want) or isinstance(v, bool):
            raise ConfigError(f"config {k} = {v!r} is not a {META_TYPES[k]}")
    return StoreConfig.from_meta(d)


#: The keys of :meth:`StoreConfig.to_meta`'s flat form and their JSON types.
META_TYPES = {"num_perm": "int", "k": "int", "seed": "int", "threshold": "float",
              "containment": "float", "candidate_threshold": "float", "bands": "int",
              "rows": "int", "max_candidates": "int", "assigner": "str"}
