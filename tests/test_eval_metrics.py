from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from storyline.eval import pairwise_prf


def _brute(pred, gold):
    ids = sorted(pred)
    tp = pp = gp = 0
    for a, b in combinations(ids, 2):
        p, g = pred[a] == pred[b], gold[a] == gold[b]
        tp += p and g
        pp += p
        gp += g
    return tp, pp, gp


def test_perfect_and_split():
    gold = {"a": 1, "b": 1, "c": 2}
    assert pairwise_prf(gold, gold).f1 == 1.0
    split = pairwise_prf({"a": 1, "b": 2, "c": 3}, gold)
    assert split.precision == 1.0 and split.recall == 0.0 and split.f1 == 0.0


def test_merge_loses_precision():
    r = pairwise_prf({"a": 0, "b": 0, "c": 0}, {"a": 1, "b": 1, "c": 2})
    assert r.true_pairs == 1 and r.predicted_pairs == 3 and r.recall == 1.0
    assert abs(r.precision - 1 / 3) < 1e-12


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=25))
def test_matches_brute_force(labels):
    pred = {str(i): p for i, (p, _) in enumerate(labels)}
    gold = {str(i): g for i, (_, g) in enumerate(labels)}
    r = pairwise_prf(pred, gold)
    assert (r.true_pairs, r.predicted_pairs, r.gold_pairs) == _brute(pred, gold)
