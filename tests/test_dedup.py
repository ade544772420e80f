import numpy as np
import pytest

import storyline.dedup as dedup_mod
from storyline.data import Article
from storyline.dedup import DedupConfig, dedup
from storyline.errors import ConfigError
from storyline.features.minhash import MinHasher
from storyline.index.lsh import candidate_pairs


def words(start: int, stop: int) -> str:
    return " ".join(f"tok{i}" for i in range(start, stop))


def arts(*texts: str, **kw) -> list[Article]:
    return [Article(id=f"a{i}", text=t, **kw) for i, t in enumerate(texts)]


def by_id(result):
    return {d.id: d for d in result.decisions}


# 104 tokens -> 100 five-shingles. Replacing the last m tokens keeps 100-m shared
# shingles out of 100+m: m=10 -> J=90/110=0.818, m=12 -> J=88/112=0.786.
BASE = words(0, 104)
ABOVE = words(0, 94) + " " + words(1000, 1010)
BELOW = words(0, 92) + " " + words(2000, 2012)


def test_empty_input():
    r = dedup([])
    assert r.decisions == [] and r.n_read == 0 and r.n_clusters == 0 and r.kept_ids == []


def test_single_doc():
    r = dedup(arts(BASE))
    assert r.to_records() == [
        {
            "id": "a0",
            "cluster_id": "a0",
            "kept": True,
            "duplicate_of": None,
            "score": 1.0,
            "reason": "unique",
        }
    ]


def test_exact_duplicates_after_normalization():
    r = dedup(arts(BASE, "  " + BASE.replace(" ", "   ") + "\n", words(500, 600)))
    d = by_id(r)
    assert d["a1"].reason == "exact" and d["a1"].duplicate_of == "a0" and d["a1"].score == 1.0
    assert d["a2"].reason == "unique"
    assert (r.n_read, r.n_kept, r.n_removed, r.n_clusters) == (3, 2, 1, 2)


def test_all_identical():
    r = dedup(arts(*[BASE] * 5))
    assert r.kept_ids == ["a0"] and r.n_clusters == 1
    assert all(d.reason == "exact" for d in r.decisions[1:])


def test_threshold_edges():
    # candidate_threshold 0.5 makes LSH recall ~1 here, so the verifier alone decides the edge
    cfg = DedupConfig(threshold=0.8, containment=None, candidate_threshold=0.5)
    d = by_id(dedup(arts(BASE, ABOVE), cfg))
    assert d["a1"].duplicate_of == "a0" and d["a1"].reason == "near: jaccard 0.82"
    assert d["a1"].score == pytest.approx(90 / 110, abs=1e-4)
    d = by_id(dedup(arts(BASE, BELOW), cfg))
    assert d["a1"].kept and d["a1"].reason == "unique"


def test_contained():
    # BASE (100 shingles) inside a text with 8 extra tokens: J=100/108=0.926, containment 1.0
    longer = BASE + " " + words(3000, 3008)
    cfg = DedupConfig(threshold=0.95, containment=0.9, keep="longest", candidate_threshold=0.5)
    d = by_id(dedup(arts(BASE, longer), cfg))
    assert d["a0"].duplicate_of == "a1" and d["a0"].reason == "contained: 1.00"
    off = DedupConfig(threshold=0.95, containment=None, candidate_threshold=0.5)
    d = by_id(dedup(arts(BASE, longer), off))
    assert d["a1"].kept and d["a0"].kept


def test_lsh_false_candidates_rejected(monkeypatch):
    # J ~ 0.33: with 128 bands of 1 row these are certainly LSH candidates, never duplicates
    a, b = words(0, 104), words(50, 154)
    sigs = MinHasher().signatures([a, b])
    assert candidate_pairs(sigs, 128, 1).tolist() == [[0, 1]]
    monkeypatch.setattr(dedup_mod, "optimal_params", lambda t, n: (128, 1))
    r = dedup(arts(a, b))
    assert r.n_kept == 2 and all(d.reason == "unique" for d in r.decisions)


def test_keep_policies():
    texts = [ABOVE, BASE + " extra words make this the longest text", BASE]
    pub = ["2024-01-03", "2024-01-01", "2024-01-02"]
    docs = [
        Article(id=f"a{i}", text=t, published=p, meta={"rank": r})
        for i, (t, p, r) in enumerate(zip(texts, pub, [1, 5, 3], strict=True))
    ]
    cfg = dict(containment=None, candidate_threshold=0.5)
    assert dedup(docs, DedupConfig(**cfg)).kept_ids == ["a1"]
    assert dedup(docs, DedupConfig(keep="first", **cfg)).kept_ids == ["a0"]
    assert dedup(docs, DedupConfig(keep="longest", **cfg)).kept_ids == ["a1"]
    docs[1].meta["rank"] = 0
    assert dedup(docs, DedupConfig(keep="rank", **cfg)).kept_ids == ["a2"]
    r = dedup(docs, DedupConfig(keep="rank", **cfg))
    assert {d.cluster_id for d in r.decisions} == {"a2"}
    assert all(d.duplicate_of == "a2" for d in r.decisions if not d.kept)


def test_earliest_ties_and_missing_dates():
    docs = [
        Article(id="x", text=BASE),
        Article(id="y", text=BASE, published="2024-05-01"),
        Article(id="z", text=BASE, published="2024-05-01"),
    ]
    assert dedup(docs).kept_ids == ["y"]


def test_use_title():
    docs = [
        Article(id="a", text=BASE, title="One title"),
        Article(id="b", text=BASE, title="Completely different headline"),
    ]
    assert dedup(docs).n_kept == 1
    assert dedup(docs, DedupConfig(use_title=True, k=1, threshold=0.99)).n_kept == 2


def _corpus(n: int = 60) -> list[Article]:
    rng = np.random.default_rng(0)
    texts = []
    for i in range(n):
        if i % 3 == 2:
            src = texts[i - 2].split()
            cut = int(rng.integers(1, 4))
            texts.append(" ".join(src[:-cut] + [f"new{i}_{j}" for j in range(cut)]))
        else:
            texts.append(" ".join(f"w{int(x)}" for x in rng.integers(0, 5000, size=120)))
    return arts(*texts)


def test_determinism_and_workers():
    docs = _corpus()
    one = dedup(docs, DedupConfig(batch_size=7)).to_records()
    again = dedup(docs, DedupConfig(batch_size=7)).to_records()
    two = dedup(docs, DedupConfig(batch_size=7, workers=2)).to_records()
    assert one == again == two
    assert sum(not r["kept"] for r in one) == 20


def test_config_validation():
    for bad in (
        dict(threshold=1.0),
        dict(num_perm=1),
        dict(k=0),
        dict(containment=0.0),
        dict(batch_size=0),
        dict(workers=0),
        dict(keep=""),
        dict(candidate_threshold=1.0),
    ):
        with pytest.raises(ConfigError):
            DedupConfig(**bad)
