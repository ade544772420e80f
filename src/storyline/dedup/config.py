"""Dedup's decision settings, validated on construction (execution settings ride along:
``workers``, ``batch_size``, ``max_memory_mb``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from storyline.config import MinHashParams
from storyline.dedup.texts import NORMALIZERS
from storyline.errors import ConfigError

_KEEP_BUILTIN = ("earliest", "longest", "first")


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Settings for :func:`dedup`, validated on construction.

    ``keep``: ``earliest`` (published, ties -> first seen), ``longest`` (normalized text),
    ``first`` (input order) or the name of a numeric ``meta`` field (largest wins).
    ``containment``: flag A as a copy of a longer B when |A∩B|/|A| >= this (None disables).
    ``minhash``: shingle size, permutations, seed and LSH banding (:class:`MinHashParams`;
    default 5-word shingles, 128 permutations, seed 1). Its ``threshold`` is the Jaccard level
    the banding is tuned for (None: this config's ``threshold``); lower it to catch more
    contained pairs, at the cost of verifying more candidates.
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
    minhash: MinHashParams = field(default_factory=MinHashParams)
    keep: str = "earliest"
    containment: float | None = 0.9
    use_title: bool = False
    batch_size: int = 2000
    workers: int = 1
    max_bucket: int = 500
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
        if self.containment is not None and not 0.0 < self.containment <= 1.0:
            raise ConfigError(f"containment must be in (0, 1] or None, got {self.containment}")
        if not self.keep or not isinstance(self.keep, str):
            raise ConfigError("keep must be 'earliest', 'longest', 'first' or a meta field name")
        if self.batch_size < 1:
            raise ConfigError(f"batch_size must be >= 1, got {self.batch_size}")
        if self.workers < 1:
            raise ConfigError(f"workers must be >= 1, got {self.workers}")
        if self.max_bucket < 2:
            raise ConfigError(f"max_bucket must be >= 2, got {self.max_bucket}")
        if self.normalize not in NORMALIZERS:
            raise ConfigError(
                f"normalize must be one of {', '.join(NORMALIZERS)}, got {self.normalize!r}"
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

    def feature_args(self, sample_rate: int = 0) -> tuple[int, int, int, str, int]:
        """The settings :func:`storyline.dedup.featurize` takes after the texts, in order, so
        every engine featurizes alike: ``featurize(texts, *cfg.feature_args())``."""
        mh = self.minhash
        return (mh.num_perm, mh.seed, mh.k, self.normalize, sample_rate)

    @property
    def samples_containment(self) -> bool:
        """Whether the containment candidate path runs."""
        return self.containment is not None and self.containment_candidates
