"""A store reopened mid-corpus decides exactly as one uninterrupted run (issue 17 item 9).

The tracker's state after a reopen is rebuilt from the store: every stored article is replayed
in the order it was added, those whose features left the window included (they moved the
window's clock and their stories' last dates), and restored articles are put back in the
MinHash bands as well as the term index.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from storyline.data import Article, PairScore
from storyline.store import Indexer, Store
from storyline.store.assigners.story_tracker import TrackerAssigner
from storyline.store.db import to_ts
from storyline.stories import ClusterConfig
from storyline.synth import generate


@dataclass
class ShingleFeat:
    id: str
    text: str
    terms: dict[str, float]
    shingles: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))



class ShingleScorer:
    """Jaccard of word sets, with word-3-gram shingles so MinHash bands give candidates too."""

    def featurize(self, article: Article) -> ShingleFeat:
        words = [w.strip(".,\"'").lower() for w in article.text.split()]
        terms = {w: 1.0 / (1 + len(w) % 3) for w in sorted(set(words)) if len(w) > 3}
        grams = {zlib.crc32(" ".join(words[i:i + 3]).encode()) for i in range(len(words) - 2)}
        sh = np.array(sorted(grams), dtype=np.uint64)
        return ShingleFeat(article.id, article.text, terms, sh)

    def score(self, a: ShingleFeat, b: ShingleFeat) -> PairScore:
        sa, sb = set(a.terms), set(b.terms)
        s = len(sa & sb) / max(1, len(sa | sb))
        return PairScore(s, s, "same_story" if s >= 0.3 else "unrelated")

    # the store keeps features through the scorer's own codec (storyline.data.Scorer)
    codec = "tests.shingle/1"

    def to_bytes(self, features: ShingleFeat, text: str) -> bytes:
        own = None if features.text == text else features.text
        return json.dumps({"id": features.id, "text": own, "terms": features.terms,
                           "shingles": [int(x) for x in features.shingles]}).encode()

    def from_bytes(self, data: bytes, text: str) -> ShingleFeat:
        d = json.loads(data)
        return ShingleFeat(d["id"], text if d["text"] is None else d["text"], d["terms"],
                           np.array(d["shingles"], dtype=np.uint64))


# a short window over a dense synthetic stream: articles leave the window (their features are
# dropped from the store), stories stay open past the edge, the clock lags
CFG = ClusterConfig(threshold=0.3, support_threshold=0.35, score_field="similarity",
                    corpus_idf=False, window_days=0.2, min_support=2, use_minhash=True,
                    max_postings=12)


def _articles(n: int, seed: int) -> list[Article]:
    recs = list(generate(n, seed=seed))
    arts = [Article(id=r["id"], text=r["text"], title=r["title"], source=r["source"],
                    published=r["published"]) for r in recs]
    return sorted(arts, key=lambda a: to_ts(a.published, "\uffff"))  # as `index add` orders


def _run(path: Path, parts: list[list[Article]], batch: int) -> list[tuple[object, ...]]:
    Store.create(path).close()
    for part in parts:  # each part: the store opened afresh, the tracker rebuilt from it
        with Store.open(path) as s:
            ix = Indexer(s, TrackerAssigner(ShingleScorer(), CFG))
            list(ix.add_many(part, batch_size=batch))
            ix.close()
    con = sqlite3.connect(path)
    rows = con.execute(
        "SELECT a.id, s.story_id, s.relation, s.nearest, s.similarity, s.is_new_story, "
        "s.novelty FROM articles a JOIN assignments s USING (seq) ORDER BY a.seq").fetchall()
    dropped = con.execute("SELECT count(*) FROM articles a LEFT JOIN features f USING (seq) "
                          "WHERE f.seq IS NULL").fetchone()[0]
    con.close()
    return [*rows, ("features dropped", dropped)]


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    return _articles(400, seed=2)


@pytest.fixture(scope="module")
def uninterrupted(corpus: list[Article], tmp_path_factory: pytest.TempPathFactory
                  ) -> list[tuple[object, ...]]:
    return _run(tmp_path_factory.mktemp("full") / "s.db", [corpus], 64)


def test_the_corpus_exercises_the_window(uninterrupted: list[tuple[object, ...]]) -> None:
    stories = {r[1] for r in uninterrupted[:-1]}
    assert 30 < len(stories) < 300  # multi-article stories, not one blob
    assert uninterrupted[-1][1] > 100  # many features left the window


@pytest.mark.parametrize("split", [64, 150, 301])
def test_resume_gives_the_uninterrupted_result(
        split: int, corpus: list[Article], uninterrupted: list[tuple[object, ...]],
        tmp_path: Path) -> None:
    """First ``split`` articles, then the whole corpus again (stored ids are skipped): the
    same rows, byte for byte, as one run; at a batch boundary and inside a batch."""
    got = _run(tmp_path / "s.db", [corpus[:split], corpus], 64)
    diff = [(a, b) for a, b in zip(got, uninterrupted, strict=True) if a != b]
    assert not diff, diff[:3]


def test_resume_in_three_runs(corpus: list[Article], uninterrupted: list[tuple[object, ...]],
                              tmp_path: Path) -> None:
    got = _run(tmp_path / "s.db", [corpus[:150], corpus[:300], corpus], 64)
    assert got == uninterrupted


@pytest.mark.slow  # ~2-4 min on 2 shared cores
def test_resume_on_a_larger_corpus(tmp_path: Path) -> None:
    """3,000 articles in batches of 256, stopped after 1, 7 and 12 batches and in mid-batch."""
    corpus = _articles(3000, seed=5)
    want = _run(tmp_path / "full.db", [corpus], 256)
    assert want[-1][1] > 1000
    for split in (256, 1792, 2001):
        got = _run(tmp_path / f"s{split}.db", [corpus[:split], corpus], 256)
        diff = [(a, b) for a, b in zip(got, want, strict=True) if a != b]
        assert not diff, (split, diff[:3])
    got = _run(tmp_path / "s3.db", [corpus[:1000], corpus[:3072 // 2], corpus], 256)
    assert got == want
