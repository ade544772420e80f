"""Model designs: which signals (and ramps of them) each fitted link-model variant reads.

``benchmarks/fit_link.py`` fits one design per variant by cross-validation; inference turns the
signals into the same row with :func:`design_row`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from storyline.link.signals import SIGNALS

# Model inputs. "Ramp" transforms clip((x - knot) / width, 0, 1) at a few knots let a linear
# model bend its response to the main overlap signals (most pairs sit at low overlap).
_KNOTS = (0.0, 0.15, 0.3, 0.45, 0.6, 0.8)
_RAMPED = ("tfidf", "tfidf_lead", "ent_all", "containment")


def _ramps(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"{n}@{k:g}" for n in names for k in _KNOTS)


# Plain signals (the default design) ...
# Every signal but the title flag and the embedding cosine, in signal order.
LEXICAL_FEATURES = tuple(s for s in SIGNALS if s not in ("has_titles", "embedding"))
EMBEDDING_FEATURES = (*LEXICAL_FEATURES, "embedding", "emb_x_ent")
# ... and a design with ramps of the main overlap signals (the fit picks one by CV).
LEXICAL_RAMP_FEATURES = (
    *_ramps(_RAMPED),
    *(f for f in LEXICAL_FEATURES if f not in _RAMPED),
    "tfidf_x_ent",
)
# A few robust signals: the two overlap cosines, shared names, figures, quotes, wording kept,
# and the conflicts. Listed first, so that the fit prefers it unless a richer design is clearly
# better in CV (benchmarks/fit_link.py, MARGIN).
FEW_LEXICAL_FEATURES = (
    "tfidf",
    "tfidf_lead",
    "ent_all",
    "num_agree",
    "num_conflict",
    "weekday_conflict",
    "year_conflict",
    "quote",
    "containment",
)
# With an encoder: its cosine alone (a calibrated cosine), the cosine with the lexical overlap
# and shared names, or every signal.
DESIGNS: dict[str, dict[str, tuple[str, ...]]] = {
    "lexical": {"few": FEW_LEXICAL_FEATURES, "plain": LEXICAL_FEATURES, "ramps": LEXICAL_RAMP_FEATURES},
    "embeddings": {
        "cosine": ("embedding",),
        "cosine+few": ("embedding", "tfidf", "tfidf_lead", "ent_all"),
        "plain": EMBEDDING_FEATURES,
    },
}
# Encoders with their own fitted variant (cosines of different encoders are on different scales);
# any other encoder uses the "embeddings" variant (fitted on all-MiniLM-L6-v2).
ENCODER_VARIANTS = {"all-mpnet-base-v2": "embeddings:all-mpnet-base-v2"}


def model_variant(encoder: str | None) -> str:
    """The link-model variant for an encoder name (``None``: no embeddings, the lexical model)."""
    if encoder is None:
        return "lexical"
    return ENCODER_VARIANTS.get(encoder, "embeddings")


def variant_kind(variant: str) -> str:
    """'lexical' or 'embeddings': which family of designs a variant is fitted with."""
    return "embeddings" if variant.startswith("embeddings") else "lexical"


# Conflicts may only lower similarity (fits constrain these coefficients to <= 0). Overlap
# signals are left free: they are correlated, and SemEval CV is clearly better without
# forcing each one positive; sane behaviour far from SemEval comes from the synthetic pairs
# that are always part of the training set.
FEATURE_SIGNS = {
    "num_conflict": -1,
    "weekday_conflict": -1,
    "year_conflict": -1,
    "dateline_diff": -1,
    "pub_gap": -1,
    "pub_hours": -1,
}


# (signal, [(ramp name, knot, width)]): the ramp names and widths, computed once
_RAMP_PLAN = tuple(
    (n, tuple((f"{n}@{k:g}", k, (_KNOTS[i + 1] if i + 1 < len(_KNOTS) else 1.0) - k) for i, k in enumerate(_KNOTS)))
    for n in _RAMPED
)


def design_row(s: Mapping[str, float], names: Sequence[str]) -> np.ndarray:
    """Model input vector for signals ``s`` in the order of ``names``."""
    d = dict(s)
    for n, ramps in _RAMP_PLAN:
        x = d[n]
        for name, k, width in ramps:
            d[name] = min(max((x - k) / width, 0.0), 1.0)
    d["tfidf_x_ent"] = d["tfidf"] * d["ent_all"]
    d["emb_x_ent"] = d["embedding"] * d["ent_all"]
    return np.array([d[n] for n in names], dtype=np.float64)

