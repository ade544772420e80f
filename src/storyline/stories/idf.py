"""Corpus IDF: refine a scorer's IDF on the articles being clustered.

A corpus's own stock phrases ("the ministry said") should stop counting as shared evidence; the
caller's scorer is never modified (a shallow copy gets its own IDF model).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from storyline.parallel import Executor, fork_context
from storyline.stories.types import Scorer


def with_corpus_idf(scorer: Scorer, texts: Iterable[str] | None = None, workers: int = 1) -> Scorer:
    """A shallow copy of ``scorer`` with its own IDF model, fitted on ``texts`` when given
    (counted in ``workers`` forked processes when > 1 and the model can take counts).

    The caller's scorer is never modified. Scorers without an ``idf`` model come back as is.
    """
    import copy

    idf = getattr(scorer, "idf", None)
    if idf is None or not hasattr(idf, "fit") or not hasattr(idf, "background"):
        return scorer
    fresh = type(idf)(idf.background, prior_docs=idf.prior_docs, min_prob=idf.min_prob, source=idf.source)
    if texts is not None:
        counts = None
        if workers > 1 and hasattr(fresh, "fit_counts"):
            texts = list(texts)
            counts = parallel_doc_frequencies(texts, workers)
        if counts is not None:
            fresh.fit_counts(*counts)
        else:
            fresh.fit(texts)
    out = copy.copy(scorer)
    out.idf = fresh  # type: ignore[attr-defined]
    return out


def parallel_doc_frequencies(texts: list[str], workers: int) -> tuple[Counter[str], int] | None:
    """Document frequencies of ``texts`` counted in forked processes (None: no fork here)."""
    from storyline.features.tfidf import document_frequencies

    ctx = fork_context()
    if ctx is None or len(texts) < 2:
        return None
    step = max(1, math.ceil(len(texts) / (workers * 4)))
    parts = [texts[i : i + step] for i in range(0, len(texts), step)]
    df: Counter[str] = Counter()
    n = 0
    with Executor(workers).pool() as ex:
        for part_df, part_n in ex.map(document_frequencies, parts):
            df.update(part_df)
            n += part_n
    return df, n
