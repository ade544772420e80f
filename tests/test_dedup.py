import numpy as np
import pytest

from storyline.config import MinHashParams
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
LSH_05 = MinHashParams(threshold=0.5)  # LSH recall ~1 here: the verifier alone decides


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
    # an LSH threshold of 0.5 makes LSH recall ~1 here, so the verifier alone decides the edge
    cfg = DedupConfig(threshold=0.8, containment=None, minhash=LSH_05)
    d = by_id(dedup(arts(BASE, ABOVE), cfg))
    assert d["a1"].duplicate_of == "a0" and d["a1"].reason == "near: jaccard 0.82"
    assert d["a1"].score == pytest.approx(90 / 110, abs=1e-4)
    d = by_id(dedup(arts(BASE, BELOW), cfg))
    assert d["a1"].kept and d["a1"].reason == "unique"


def test_contained():
    # BASE (100 shingles) inside a text with 8 extra tokens: J=100/108=0.926, containment 1.0
    longer = BASE + " " + words(3000, 3008)
    cfg = DedupConfig(threshold=0.95, containment=0.9, keep="longest", minhash=LSH_05)
    d = by_id(dedup(arts(BASE, longer), cfg))
    assert d["a0"].duplicate_of == "a1" and d["a0"].reason == "contained: 1.00"
    off = DedupConfig(threshold=0.95, containment=None, minhash=LSH_05)
    d = by_id(dedup(arts(BASE, longer), off))
    assert d["a1"].kept and d["a0"].kept


def test_lsh_false_candidates_rejected():
    # J ~ 0.33: with 128 bands of 1 row these are certainly LSH candidates, never duplicates
    a, b = words(0, 104), words(50, 154)
    sigs = MinHasher().signatures([a, b])
    assert candidate_pairs(sigs, 128, 1).tolist() == [[0, 1]]
    r = dedup(arts(a, b), DedupConfig(minhash=MinHashParams(bands=128, rows=1)))
    assert r.n_kept == 2 and all(d.reason == "unique" for d in r.decisions)


def test_keep_policies():
    texts = [ABOVE, BASE + " extra words make this the longest text", BASE]
    pub = ["2024-01-03", "2024-01-01", "2024-01-02"]
    docs = [
        Article(id=f"a{i}", text=t, published=p, meta={"rank": r})
        for i, (t, p, r) in enumerate(zip(texts, pub, [1, 5, 3], strict=True))
    ]
    cfg = dict(containment=None, minhash=LSH_05)
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
    assert dedup(docs, DedupConfig(use_title=True, minhash=MinHashParams(k=1), threshold=0.99)).n_kept == 2


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
        dict(containment=0.0),
        dict(batch_size=0),
        dict(workers=0),
        dict(keep=""),
    ):
        with pytest.raises(ConfigError):
            DedupConfig(**bad)
    for bad_mh in (dict(num_perm=1), dict(k=0), dict(threshold=1.0), dict(bands=4),
                   dict(bands=64, rows=4)):
        with pytest.raises(ConfigError):
            MinHashParams(**bad_mh)


# ---------------------------------------------------------------- stages, scale, determinism

from storyline.dedup import (  # noqa: E402
    CONTAINED,
    EXACT,
    KEPT,
    NEAR,
    UNIQUE,
    VIA_CLUSTER,
    ShingleStore,
    clusters,
    decide,
    exact_groups,
    featurize,
    keep_rank,
    overlaps,
)


def _store(feats) -> ShingleStore:
    st = ShingleStore()
    st.add(feats.flat, feats.offsets)
    st.finish()
    return st


def test_featurize_is_batch_split_independent():
    texts = [a.text for a in _corpus(30)] + ["", "Ünïcödé wörds ÉCOLE x y z", "a b"]
    whole = featurize(texts)
    parts = [featurize(texts[i : i + 4]) for i in range(0, len(texts), 4)]
    assert np.array_equal(whole.sigs, np.concatenate([p.sigs for p in parts]))
    assert np.array_equal(whole.exact, np.concatenate([p.exact for p in parts]))
    for i in range(len(texts)):
        p, j = parts[i // 4], i % 4
        a = whole.flat[whole.offsets[i] : whole.offsets[i + 1]]
        assert np.array_equal(a, p.flat[p.offsets[j] : p.offsets[j + 1]])
    # batch signatures equal the public MinHasher's
    assert np.array_equal(whole.sigs, MinHasher().signatures(texts))


def test_exact_key_ignores_case_space_punctuation_and_boilerplate():
    f = featurize([
        "The minister said on Monday that talks would resume.",
        "Advertisement\nTHE   minister said, on Monday, that talks would resume!",
        "The minister said on Tuesday that talks would resume.",
    ])
    rep = exact_groups(f.exact)
    assert rep.tolist() == [0, 0, 2]


def test_exact_groups_first_occurrence():
    keys = np.array([[5, 1], [3, 3], [5, 1], [3, 3], [9, 9]], dtype=np.uint64)
    assert exact_groups(keys).tolist() == [0, 1, 0, 1, 4]
    assert exact_groups(np.empty((0, 2), dtype=np.uint64)).tolist() == []


def test_clusters_independent_of_edge_order():
    edges = np.array([[4, 2], [2, 7], [0, 5], [7, 1]])
    want = clusters(8, edges).tolist()
    assert want == [0, 1, 1, 3, 1, 0, 6, 1]
    rng = np.random.default_rng(0)
    for _ in range(5):
        perm = rng.permutation(len(edges))
        assert clusters(8, edges[perm][:, ::-1]).tolist() == want


def test_keep_rank_policies():
    pub = ["2024-01-02", None, "2024-01-01", "2024-01-01"]
    assert keep_rank("earliest", 4, published=pub).tolist() == [2, 3, 0, 1]
    assert keep_rank("first", 4).tolist() == [0, 1, 2, 3]
    lengths = np.array([5, 9, 9, 1])
    assert keep_rank("longest", 4, lengths=lengths).tolist() == [2, 0, 1, 3]
    vals = np.array([1.0, np.nan, 3.0, 3.0])
    assert keep_rank("score", 4, keep_values=vals).tolist() == [2, 3, 0, 1]


def test_overlaps_exact_values():
    texts = [BASE, ABOVE, words(5000, 5010), ""]
    st = _store(featurize(texts))
    ov = overlaps(st, np.array([[0, 1], [0, 2], [0, 3]]))
    assert ov[0, 0] == pytest.approx(90 / 110) and ov[0, 1] == pytest.approx(90 / 100)
    assert ov[1].tolist() == [0.0, 0.0] and ov[2].tolist() == [0.0, 0.0]


def test_decide_reason_codes():
    # docs: 0 keeper, 1 exact copy of 0, 2 near copy of 0, 3 contained in 0, 4 unique
    longer = BASE + " " + words(3000, 3008)
    texts = [longer, longer, BASE, words(0, 60), words(9000, 9100)]
    f = featurize(texts)
    st = _store(f)
    rep = exact_groups(f.exact)
    roots = clusters(5, np.array([[0, 1], [0, 2], [0, 3]]))
    keeper, code, score = decide(roots, keep_rank("first", 5), rep, st, 0.9, 0.9)
    assert keeper.tolist() == [0, 0, 0, 0, 4]
    assert code.tolist() == [KEPT, EXACT, NEAR, CONTAINED, UNIQUE]
    assert score[2] == pytest.approx(100 / 108) and score[3] == 1.0
    # without containment, the contained text is only linked through the cluster
    _, code2, _ = decide(roots, keep_rank("first", 5), rep, st, 0.9, None)
    assert code2[3] == VIA_CLUSTER


def test_shingle_store_spill_gives_same_result():
    docs = _corpus(45)
    mem = dedup(docs, DedupConfig(batch_size=8)).to_records()
    spilled = dedup(docs, DedupConfig(batch_size=8, max_memory_mb=1))
    st = ShingleStore(max_bytes=64)  # forces the temporary-file path
    f = featurize([d.text for d in docs])
    for i in range(0, len(docs), 10):
        sl = slice(i, min(i + 10, len(docs)))
        lo, hi = f.offsets[sl.start], f.offsets[sl.stop]
        st.add(f.flat[lo:hi], f.offsets[sl.start : sl.stop + 1] - lo)
    st.finish()
    assert st._file is not None
    flat, offs = st.gather(np.array([3, 17, 44]))
    for j, d in enumerate([3, 17, 44]):
        assert np.array_equal(flat[offs[j] : offs[j + 1]], f.flat[f.offsets[d] : f.offsets[d + 1]])
    st.close()
    assert spilled.to_records() == mem
    # in memory with many chunks (one per batch), including empty sets
    texts = ["", *[d.text for d in docs], ""]
    parts = [featurize(texts[i : i + 6]) for i in range(0, len(texts), 6)]
    mst = ShingleStore()
    for p in parts:
        mst.add(p.flat, p.offsets)
    mst.finish()
    whole = featurize(texts)
    want = np.arange(len(texts))
    flat, offs = mst.gather(want)
    assert np.array_equal(flat, whole.flat) and np.array_equal(offs, whole.offsets)
    flat, offs = mst.gather(np.array([0, 7, 46]))
    assert offs[1] == 0 and np.array_equal(flat, whole.flat[whole.offsets[7] : whole.offsets[8]])


def test_deterministic_across_workers_and_batches():
    docs = _corpus(90)
    base = dedup(docs).to_records()
    for bs, w in ((1, 1), (13, 1), (13, 2), (40, 2)):
        assert dedup(docs, DedupConfig(batch_size=bs, workers=w)).to_records() == base


@pytest.mark.slow
def test_spawned_workers_give_the_same_result(monkeypatch):
    docs = _corpus(90)
    base = dedup(docs).to_records()
    monkeypatch.setenv("STORYLINE_START_METHOD", "spawn")
    assert dedup(docs, DedupConfig(batch_size=25, workers=2)).to_records() == base


def test_streaming_input_is_consumed_once():
    docs = _corpus(30)
    seen = []

    def gen():
        for d in docs:
            seen.append(d.id)
            yield d

    r = dedup(gen(), DedupConfig(batch_size=7))
    assert seen == [d.id for d in docs] and r.n_read == 30


def test_progress_callback_counts_articles():
    calls: list[int] = []
    dedup(_corpus(30), DedupConfig(batch_size=7), progress=calls.append)
    assert calls == [7, 14, 21, 28, 30]


def test_normalize_modes():
    noisy = "Advertisement\nBy Jane Doe\n" + BASE + "\nShare this article"
    for mode in ("match", "full"):
        d = by_id(dedup(arts(BASE, noisy), DedupConfig(normalize=mode)))
        assert d["a1"].reason == "exact", mode
    d = by_id(dedup(arts(BASE, noisy), DedupConfig(normalize="none")))
    assert d["a1"].reason.startswith("near: jaccard")
    with pytest.raises(ConfigError):
        DedupConfig(normalize="bogus")


def test_empty_texts_never_near_match():
    r = dedup(arts("", BASE, "   "))
    d = by_id(r)
    assert d["a1"].kept and d["a1"].reason == "unique"
    # two empty texts are exact copies of each other (same empty word sequence)
    assert d["a2"].reason == "exact" and d["a2"].duplicate_of == "a0"


def test_result_counts_and_streamed_decisions_match():
    r = dedup(_corpus(60))
    assert r.n_read == 60 and r.n_kept + r.n_removed == 60
    assert r.n_clusters == len({d.cluster_id for d in r.decisions})
    assert [d.to_dict() for d in r.iter_decisions()] == r.to_records()
    assert r.kept_ids == [d.id for d in r.decisions if d.kept]


@pytest.mark.slow
def test_synth_corpus_quality():
    from storyline.eval import pairwise_prf
    from storyline.synth import duplicate_groups, generate

    recs = list(generate(3000, seed=5))
    docs = [Article(id=r["id"], text=r["text"], published=r.get("published")) for r in recs]
    r = dedup(docs, DedupConfig(workers=2, batch_size=500))
    prf = pairwise_prf({d.id: d.cluster_id for d in r.decisions}, duplicate_groups(recs))
    assert prf.f1 >= 0.97


def test_set_overlap_matches_set_arithmetic():
    from storyline.dedup import set_overlap

    rng = np.random.default_rng(3)
    for na, nb in [(0, 5), (5, 0), (1, 1), (40, 90), (200, 200)]:
        a = np.unique(rng.integers(0, 300, size=na).astype(np.uint32))
        b = np.unique(rng.integers(0, 300, size=nb).astype(np.uint32))
        inter = len(set(a.tolist()) & set(b.tolist()))
        want = (0.0, 0.0) if not (a.size and b.size) else (
            inter / (a.size + b.size - inter), inter / min(a.size, b.size))
        assert set_overlap(a, b) == want
