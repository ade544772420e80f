import subprocess
import sys

import numpy as np
import pytest

from storyline.errors import ConfigError
from storyline.features.minhash import MAX_HASH, MinHasher, estimate_jaccard, is_empty_signature
from storyline.features.shingles import char_shingle_hashes, shingle_hashes, tokenize


def words(start: int, stop: int) -> str:
    return " ".join(f"tok{i}" for i in range(start, stop))


def test_shingle_counts_and_order_sensitivity():
    assert shingle_hashes(words(0, 10), k=5).size == 6
    assert shingle_hashes("a b c", k=5).size == 1  # shorter than k: one shingle
    assert shingle_hashes("", k=5).size == 0
    assert not np.array_equal(shingle_hashes("a b c d e"), shingle_hashes("e d c b a"))
    s = shingle_hashes(words(0, 50))
    assert s.dtype == np.uint32 and np.all(s[1:] > s[:-1])  # sorted unique ids


def test_tokenize_case_and_punctuation():
    assert tokenize("Hello, World! 12") == ["hello", "world", "12"]
    assert np.array_equal(shingle_hashes("A B C D E"), shingle_hashes("a, b; c d. e"))


def test_char_shingles():
    assert char_shingle_hashes("abcdef", k=3).size == 4
    assert char_shingle_hashes("   ", k=3).size == 0


def test_seed_changes_hashes():
    assert not np.array_equal(
        shingle_hashes("a b c d e", seed=1), shingle_hashes("a b c d e", seed=2)
    )


def test_signature_estimates_jaccard():
    mh = MinHasher(num_perm=256, seed=3)
    a, b = words(0, 204), words(0, 184) + " " + words(1000, 1020)
    sa, sb = mh.shingles(a), mh.shingles(b)
    true = np.intersect1d(sa, sb).size / np.union1d(sa, sb).size
    est = estimate_jaccard(mh.signature(a), mh.signature(b))
    assert abs(est - true) < 0.1
    assert estimate_jaccard(mh.signature(a), mh.signature(words(5000, 5200))) < 0.05


def test_batch_matches_single_and_dtype():
    mh = MinHasher(num_perm=64)
    texts = [words(0, 30), "", words(10, 60)]
    sigs = mh.signatures(texts)
    assert sigs.shape == (3, 64) and sigs.dtype == np.uint32
    for i, t in enumerate(texts):
        assert np.array_equal(sigs[i], mh.signature(t))


def test_empty_text_signature():
    mh = MinHasher(num_perm=16)
    sig = mh.signature("")
    assert np.all(sig == MAX_HASH) and is_empty_signature(sig)
    assert estimate_jaccard(sig, sig) == 0.0
    assert not is_empty_signature(mh.signature("a b c"))


def test_signature_stable_across_processes():
    code = (
        "from storyline.features.minhash import MinHasher;"
        "print(MinHasher(num_perm=8, seed=7).signature('the quick brown fox jumps over').tolist())"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": str(s)},
        ).stdout
        for s in (1, 2)
    }
    assert len(outs) == 1
    here = MinHasher(num_perm=8, seed=7).signature("the quick brown fox jumps over").tolist()
    assert outs.pop().strip() == str(here)


def test_invalid_params():
    with pytest.raises(ConfigError):
        MinHasher(num_perm=0)
    with pytest.raises(ConfigError):
        MinHasher(k=0)
