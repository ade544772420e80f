"""Frozen configuration dataclasses: one place for defaults and thresholds, validated early."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from storyline.errors import ConfigError

if TYPE_CHECKING:
    from storyline.features.minhash import MinHasher

ON_ERROR_CHOICES = ("fail", "skip")


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which input field holds which article attribute (JSONL/CSV/Parquet readers)."""

    id: str = "id"
    text: str = "text"
    title: str = "title"
    url: str = "url"
    source: str = "source"
    published: str = "published"
    lang: str = "lang"


@dataclass(frozen=True, slots=True)
class ReadConfig:
    """How readers behave.

    ``max_bytes`` bounds one document's text: a 50 MB "article" is almost always a dump or
    binary junk, and letting it through would blow up shingling memory downstream.
    """

    input_format: str | None = None
    fields: FieldMap = field(default_factory=FieldMap)
    on_error: str = "fail"
    max_bytes: int = 5_000_000
    encoding: str = "utf-8"
    min_chars: int = 1

    def __post_init__(self) -> None:
        if self.on_error not in ON_ERROR_CHOICES:
            raise ConfigError(
                f"on_error must be one of {ON_ERROR_CHOICES}, got {self.on_error!r}",
                hint="use --on-error fail or --on-error skip",
            )
        if self.max_bytes <= 0:
            raise ConfigError(f"max_bytes must be positive, got {self.max_bytes}")


@dataclass(frozen=True, slots=True)
class MinHashParams:
    """The MinHash + LSH settings that dedup, story candidates and the store share.

    ``num_perm`` permutations per signature; ``k`` words per shingle; ``seed`` seeds the shingle
    hashes and the permutations (and dedup's and the store's band hashes). ``threshold``: the
    Jaccard level the LSH banding is tuned for; None leaves it to the owner, whose own match
    threshold it follows. ``bands``/``rows``: an explicit banding (both or neither); None derives
    them from ``threshold`` and ``num_perm``.

    Each owner keeps its historic defaults (changing one changes its results):
    dedup ``MinHashParams()`` (banding tuned for its match threshold), story candidates
    ``MinHashParams(num_perm=64, threshold=0.5)``, the store ``MinHashParams()`` (banding tuned
    for its threshold - 0.15, at least 0.05, and fixed when the store is created).
    """

    num_perm: int = 128
    k: int = 5
    seed: int = 1
    threshold: float | None = None
    bands: int | None = None
    rows: int | None = None

    def __post_init__(self) -> None:
        if self.num_perm < 2:
            raise ConfigError(f"num_perm must be >= 2, got {self.num_perm}", hint="use 128")
        if self.k < 1:
            raise ConfigError(f"shingle size k must be >= 1, got {self.k}", hint="use 5")
        if self.threshold is not None and not 0.0 < self.threshold < 1.0:
            raise ConfigError(
                f"LSH threshold must be in (0, 1) or None, got {self.threshold}", hint="use e.g. 0.5"
            )
        if (self.bands is None) != (self.rows is None):
            raise ConfigError("set both LSH bands and rows, or neither", hint="e.g. bands=16, rows=8")
        b, r = self.bands, self.rows
        if b is not None and r is not None and (b < 1 or r < 1 or b * r > self.num_perm):
            raise ConfigError(f"bands*rows = {b}*{r} must be >= 1 and <= num_perm {self.num_perm}")

    def hasher(self) -> MinHasher:
        """The :class:`~storyline.features.minhash.MinHasher` of these settings."""
        from storyline.features.minhash import MinHasher

        return MinHasher(num_perm=self.num_perm, seed=self.seed, k=self.k)

    def banding(self, default_threshold: float) -> tuple[int, int]:
        """(bands, rows): the explicit ones, else tuned for ``threshold`` (or the owner's
        ``default_threshold``) at this permutation count."""
        if self.bands is not None and self.rows is not None:
            return self.bands, self.rows
        from storyline.index.lsh import optimal_params

        return optimal_params(self.threshold or default_threshold, self.num_perm)
