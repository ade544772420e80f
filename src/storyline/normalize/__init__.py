"""Text normalization for matching.

Callers always keep the original text (``Article.raw``); everything here only makes copies of
the same story look alike: unicode forms, quotes/dashes, whitespace, scrape boilerplate,
bylines, datelines, leading metadata and sentences glued together by bad scrapers.
Pure functions, precompiled regexes, no I/O. One module per kind of step: ``characters``,
``boilerplate``, ``scrape_noise``, ``header`` (metadata and datelines), ``sentences``; the
``pipeline`` runs them in order and ``removed`` holds what they took out.
"""


from __future__ import annotations

from storyline.normalize.boilerplate import strip_boilerplate
from storyline.normalize.characters import (
    collapse_whitespace,
    normalize_quotes_dashes,
    unicode_nfkc,
)
from storyline.normalize.pipeline import (
    DEFAULT_STEPS,
    STEP_FUNCTIONS,
    NormalizeConfig,
    normalize,
    normalize_article,
    normalize_for_matching,
    normalize_text,
)
from storyline.normalize.removed import Normalized, Removed
from storyline.normalize.scrape_noise import strip_credits, strip_scrape_noise
from storyline.normalize.sentences import split_glued_sentences, split_sentences

__all__ = [
    "DEFAULT_STEPS",
    "STEP_FUNCTIONS",
    "NormalizeConfig",
    "Normalized",
    "collapse_whitespace",
    "normalize",
    "normalize_article",
    "normalize_for_matching",
    "normalize_quotes_dashes",
    "normalize_text",
    "split_glued_sentences",
    "split_sentences",
    "strip_boilerplate",
    "strip_credits",
    "strip_scrape_noise",
    "unicode_nfkc",
    "Removed",
]

