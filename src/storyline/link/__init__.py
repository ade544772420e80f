"""Pair scoring and relation decision: do two articles tell the same story?

``Linker.featurize`` turns an article into :class:`ArticleFeatures` once (normalization, TF-IDF,
entities, numbers, dates, quotes, shingles, optional embedding); ``Linker.score`` compares two
feature sets cheaply (well under a millisecond without embeddings) so clustering can score many
candidate pairs. Signals are combined by small linear models fitted by ``benchmarks/fit_link.py``
on the SemEval-2022 Task 8 English training pairs and on labelled synthetic pairs; their
coefficients live in ``storyline/resources/link-model.json`` and inference is plain numpy.

Modules: ``features`` (ArticleFeatures, featurizing one article), ``signals`` (pair signals),
``designs`` (which signals each model variant reads), ``model`` (the fitted linear models and
the model file), ``relation`` (the revision rule), ``linker`` (the Linker), ``codec`` (the
stored form of features).
"""

from __future__ import annotations

from storyline.data import DIMENSIONS, RELATIONS, SAME_STORY_RELATIONS, PairScore
from storyline.link.codec import CODEC, decode_features, encode_features
from storyline.link.designs import (
    DESIGNS,
    EMBEDDING_FEATURES,
    ENCODER_VARIANTS,
    FEATURE_SIGNS,
    FEW_LEXICAL_FEATURES,
    LEXICAL_FEATURES,
    LEXICAL_RAMP_FEATURES,
    design_row,
    model_variant,
    variant_kind,
)
from storyline.link.features import ArticleFeatures, featurize_article
from storyline.link.linker import Linker
from storyline.link.model import LinearModel, LinkModel, RelationThresholds
from storyline.link.relation import _same_name, is_revision
from storyline.link.signals import SIGNALS, compute_signals

__all__ = [
    "CODEC",
    "DESIGNS",
    "DIMENSIONS",
    "EMBEDDING_FEATURES",
    "ENCODER_VARIANTS",
    "FEATURE_SIGNS",
    "FEW_LEXICAL_FEATURES",
    "LEXICAL_FEATURES",
    "LEXICAL_RAMP_FEATURES",
    "RELATIONS",
    "SAME_STORY_RELATIONS",
    "SIGNALS",
    "ArticleFeatures",
    "LinearModel",
    "LinkModel",
    "Linker",
    "PairScore",
    "RelationThresholds",
    "_same_name",
    "compute_signals",
    "decode_features",
    "design_row",
    "encode_features",
    "featurize_article",
    "is_revision",
    "model_variant",
    "variant_kind",
]
