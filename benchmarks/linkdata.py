"""Shared data preparation for fit_link.py and stories.py: pair signals for SemEval and synthetic
pairs, with and without embeddings. Not a benchmark by itself."""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from storyline.data import Article
from storyline.eval.pairs import LabelledPair, gold_ratings, synthetic_pairs
from storyline.features.tfidf import IdfModel
from storyline.link import ArticleFeatures, Linker, compute_signals
from storyline.synth import generate

ROOT = Path(__file__).resolve().parents[1]
# ../shared/data next to the checkout; STORYLINE_SHARED_DATA points elsewhere (e.g. a worktree)
SHARED_DATA = Path(os.environ.get("STORYLINE_SHARED_DATA", ROOT.parent / "shared" / "data"))
SEMEVAL = SHARED_DATA / "semeval2022-task8-en-train.jsonl"
SAME_GROUP = ("duplicate", "near_duplicate", "revision", "same_story")
# Similarity targets of synthetic relations on the SemEval scale mapped to [0, 1]:
# same story = overall 1 -> 1.0; same topic, other event ~ overall 3 -> 1/3; unrelated = 4 -> 0.
SYNTH_TARGET = {"near_duplicate": 1.0, "revision": 1.0, "same_story": 1.0, "related": 1 / 3, "unrelated": 0.0}


def machine() -> str:
    import os

    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


@dataclass
class PairSet:
    signals: list[dict[str, float]]
    ratings: list[dict[str, float]]  # SemEval gold (empty for synthetic)
    labels: list[str]  # synthetic relation (empty for SemEval)
    feats: list[tuple[ArticleFeatures, ArticleFeatures]]


def markdown_table(rows: list[tuple[str, ...]]) -> str:
    """``rows`` (the first is the header) as a Markdown table with padded columns."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, r in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
        if k == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


@contextmanager
def tee_stdout() -> Iterator[io.StringIO]:
    """Print as usual and also collect what is printed (a benchmark saves its own output)."""
    buf = io.StringIO()

    class Tee(io.TextIOBase):
        def write(self, s: str) -> int:
            sys.__stdout__.write(s)  # type: ignore[union-attr]
            buf.write(s)
            return len(s)

    with redirect_stdout(Tee()):
        yield buf


def load_semeval(path: Path = SEMEVAL) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


CACHE = Path.home() / ".cache" / "storyline" / "bench-embeddings.npz"


def embedder_or_none(want: bool, model: str | None = None) -> Any:
    """A packaged encoder (default MiniLM; ``model="all-mpnet-base-v2"`` for mpnet) wrapped in an
    on-disk cache (embeddings of the same text under the same model never change; re-running
    benchmarks should not re-encode on 2 cores)."""
    if not want:
        return None
    try:
        from storyline.features.embeddings import Embedder

        base = Embedder.load(model)
    except Exception as exc:  # missing extra: report and go on lexical-only
        print(f"embeddings unavailable: {exc}")
        return None

    class CachedEmbedder(Embedder):
        def __init__(self) -> None:
            super().__init__(base.model, base.name, base.max_chars, base.batch_size)
            self.cache: dict[str, np.ndarray] = {}
            if CACHE.exists():
                with np.load(CACHE) as z:
                    self.cache = {k: z[k] for k in z.files}

        def encode(self, texts: Sequence[str]) -> np.ndarray:
            keys = [hashlib.sha1(f"{self.name}|{self.max_chars}|{t}".encode()).hexdigest() for t in texts]
            missing = [i for i, k in enumerate(keys) if k not in self.cache]
            if missing:
                vecs = super().encode([texts[i] for i in missing])
                for i, v in zip(missing, vecs, strict=True):
                    self.cache[keys[i]] = v
                CACHE.parent.mkdir(parents=True, exist_ok=True)
                np.savez(CACHE, **self.cache)
            if not texts:
                return super().encode([])
            return np.vstack([self.cache[k] for k in keys]).astype(np.float32)

    return CachedEmbedder()


def semeval_pairs(linker: Linker, records: Sequence[dict[str, Any]]) -> PairSet:
    arts = []
    for r in records:
        pid = str(r.get("pair_id", len(arts)))
        arts.append(Article(id=pid + "/1", text=r["text1"]))
        arts.append(Article(id=pid + "/2", text=r["text2"]))
    feats = linker.featurize_many(arts)
    pairs = [(feats[2 * i], feats[2 * i + 1]) for i in range(len(records))]
    return PairSet(
        [compute_signals(a, b) for a, b in pairs],
        [gold_ratings(r) for r in records],
        [],
        pairs,
    )


def hard_negative_pairs(
    recs: Sequence[dict[str, Any]], seed: int, n_pairs: int
) -> list[LabelledPair]:
    """Different events of the same kind in the same place: first reports of two different
    stories with the same topic and the same dateline, labelled 'related'. Random same-topic
    pairs rarely share a place, so without these the same-story model learns that a shared
    dateline and topic vocabulary make one story."""
    import random

    from storyline.normalize import normalize_article

    heads: dict[str, dict[str, Any]] = {}
    for r in recs:
        heads.setdefault(r["story_id"], r)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for h in heads.values():
        dl = normalize_article(Article(id=h["id"], text=h["text"])).dateline
        if dl:
            groups.setdefault((h["topic"], dl.lower()), []).append(h)
    cand = [(g[i], g[j]) for g in groups.values() for i in range(len(g)) for j in range(i + 1, len(g))]
    rng = random.Random(seed)
    rng.shuffle(cand)
    return [LabelledPair(a, b, "related") for a, b in cand[:n_pairs]]


def synth_pairs(linker: Linker, n_records: int, seed: int, per_kind: int, hard: int = 0) -> PairSet:
    recs = list(generate(n_records, seed=seed))
    # As a user would: refine the background IDF on the corpus (the synthetic corpus reuses
    # its background sentences across stories, which the corpus IDF down-weights).
    idf = IdfModel.default().fit(r["text"] for r in recs)
    linker = Linker(linker.model, embedder=linker.embedder, idf=idf)
    pairs: list[LabelledPair] = synthetic_pairs(recs, seed=seed, per_kind=per_kind)
    if hard:
        pairs += hard_negative_pairs(recs, seed, hard)
    needed: dict[str, dict[str, Any]] = {}
    for p in pairs:
        needed[p.a["id"]] = dict(p.a)
        needed[p.b["id"]] = dict(p.b)
    ids = sorted(needed)
    arts = [
        Article(
            id=i,
            text=needed[i]["text"],
            title=needed[i].get("title"),
            published=needed[i].get("published"),
            source=needed[i].get("source"),
        )
        for i in ids
    ]
    feats = dict(zip(ids, linker.featurize_many(arts), strict=True))
    fp = [(feats[p.a["id"]], feats[p.b["id"]]) for p in pairs]
    return PairSet([compute_signals(a, b) for a, b in fp], [], [p.relation for p in pairs], fp)


def timed(label: str, t0: float) -> None:
    print(f"  [{label}: {time.perf_counter() - t0:.1f}s]")


def matrix(signals: Sequence[dict[str, float]], names: Sequence[str]) -> np.ndarray:
    from storyline.link import design_row

    return np.vstack([design_row(s, names) for s in signals]) if signals else np.zeros((0, len(names)))
