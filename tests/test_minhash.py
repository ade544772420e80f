import json
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.errors import ConfigError
from storyline.features.minhash import MAX_HASH, MinHasher, estimate_jaccard, is_empty_signature
from storyline.features.shingles import (
    char_shingle_hashes,
    combine_kgrams,
    shingle_hashes,
    token_hashes,
    tokenize,
)


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


TEXTS = [
    "the quick brown fox jumps over the lazy dog",
    "Ünïcödé wörds, ÉCOLE and 東京 news; İstanbul ſtraße",
    "",
    "a b",
]


def test_signatures_identical_across_processes():
    code = (
        "import json, sys;"
        "from storyline.features.minhash import MinHasher;"
        "texts = json.loads(sys.stdin.read());"
        "print(json.dumps(MinHasher(num_perm=32, seed=7).signatures(texts).tolist()))"
    )
    # a fresh interpreter with another str-hash seed than this one (PYTHONHASHSEED=0 is off)
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(TEXTS),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    ).stdout.strip()
    here = MinHasher(num_perm=32, seed=7).signatures(TEXTS).tolist()
    assert json.loads(out) == here


def test_signatures_depend_on_seed_only():
    a = MinHasher(num_perm=16, seed=3).signatures(TEXTS)
    assert np.array_equal(a, MinHasher(num_perm=16, seed=3).signatures(TEXTS))
    assert not np.array_equal(a[:2], MinHasher(num_perm=16, seed=4).signatures(TEXTS)[:2])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60))
def test_compiled_tokenizer_matches_python_regex(text):
    """The numba tokenizer finds exactly Python's \\w+ tokens of text.lower()."""
    for k in (1, 3):
        want = combine_kgrams(token_hashes(tokenize(text)), k)
        assert np.array_equal(shingle_hashes(text, k), want)


def test_lone_surrogates_do_not_crash():
    assert shingle_hashes("abc \ud800 def", k=1).size == 2


def test_invalid_params():
    with pytest.raises(ConfigError):
        MinHasher(num_perm=0)
    with pytest.raises(ConfigError):
        MinHasher(k=0)
