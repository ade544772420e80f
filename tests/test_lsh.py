import numpy as np
import pytest

from storyline.errors import ConfigError
from storyline.features.minhash import MinHasher
from storyline.index.lsh import LSHIndex, _s_curve, band_hashes, candidate_pairs, optimal_params


def words(start: int, stop: int) -> str:
    return " ".join(f"tok{i}" for i in range(start, stop))


def test_optimal_params_datasketch_values():
    assert optimal_params(0.8, 128) == (9, 13)  # datasketch's choice for these settings
    for t in (0.5, 0.7, 0.8, 0.9):
        b, r = optimal_params(t, 128)
        assert b * r <= 128
    b, r = optimal_params(0.8, 128)
    s = np.array([0.5, 0.95])
    p = _s_curve(s, b, r)
    assert p[0] < 0.05 and p[1] > 0.99
    # weighting false negatives more lowers the effective threshold (more bands)
    assert optimal_params(0.8, 128, fp_weight=0.1, fn_weight=0.9)[0] >= b


def test_optimal_params_validation():
    with pytest.raises(ConfigError):
        optimal_params(1.0, 128)


def test_index_insert_query_remove():
    mh = MinHasher(num_perm=128)
    base = words(0, 200)
    near = words(0, 195) + " changed ending here now"
    other = words(500, 700)
    idx: LSHIndex[str] = LSHIndex(threshold=0.8, num_perm=128)
    idx.insert_many(["base", "other"], mh.signatures([base, other]))
    idx.insert("empty", mh.signature(""))
    assert len(idx) == 3 and "base" in idx and "empty" in idx
    assert idx.query(mh.signature(near)) == ["base"]
    assert idx.query(mh.signature("")) == []
    idx.remove("base")
    idx.remove("empty")
    assert "base" not in idx and idx.query(mh.signature(near)) == []
    with pytest.raises(KeyError):
        idx.remove("base")
    with pytest.raises(ConfigError):
        idx.insert("other", mh.signature(other))  # duplicate key
    with pytest.raises(ConfigError):
        idx.insert("x", MinHasher(num_perm=64).signature(other))


def test_index_bad_params():
    with pytest.raises(ConfigError):
        LSHIndex(num_perm=128, params=(20, 10))


def test_band_hashes_shape_and_equality():
    sigs = np.array([[1, 2, 3, 4], [1, 2, 9, 9]], dtype=np.uint32)
    bh = band_hashes(sigs, 2, 2)
    assert bh.shape == (2, 2) and bh[0, 0] == bh[1, 0] and bh[0, 1] != bh[1, 1]


def test_candidate_pairs_matches_index_queries():
    mh = MinHasher(num_perm=128)
    texts = [
        words(0, 100),
        words(0, 98) + " x y",
        words(300, 400),
        words(300, 399) + " z",
        words(900, 1000),
        "",
    ]
    sigs = mh.signatures(texts)
    b, r = optimal_params(0.8, 128)
    pairs = candidate_pairs(sigs, b, r)
    assert pairs.tolist() == [[0, 1], [2, 3]]
    idx: LSHIndex[int] = LSHIndex(params=(b, r))
    idx.insert_many(list(range(len(texts))), sigs)
    from_index = sorted(
        {(min(i, j), max(i, j)) for i in range(len(texts)) for j in idx.query(sigs[i]) if i != j}
    )
    assert [tuple(p) for p in pairs.tolist()] == from_index


def test_candidate_pairs_oversized_bucket_is_chained():
    sigs = np.tile(np.arange(8, dtype=np.uint32), (6, 1))  # six identical signatures
    full = candidate_pairs(sigs, 2, 4, max_bucket=10)
    assert len(full) == 15
    capped = candidate_pairs(sigs, 2, 4, max_bucket=3)
    assert capped.tolist() == [[0, 1], [0, 2], [0, 3], [0, 4], [0, 5]]


def test_candidate_pairs_small_inputs():
    assert candidate_pairs(np.zeros((1, 8), dtype=np.uint32), 2, 4).shape == (0, 2)
    assert candidate_pairs(np.zeros((0, 8), dtype=np.uint32), 2, 4).shape == (0, 2)
