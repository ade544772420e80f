"""Clustering metrics against hand-computed values and scikit-learn."""

from __future__ import annotations

import pytest

from storyline.errors import ConfigError
from storyline.eval.clusters import bcubed, cluster_scores, prepare_labels


def test_bcubed_hand_computed() -> None:
    # gold: {a,b,c} {d,e}; pred: {a,b} {c,d,e}
    gold = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2}
    pred = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "y"}
    p, r, f = bcubed(pred, gold)
    # precision per item: a,b: 2/2; c: 1/3; d,e: 2/3 -> (1+1+1/3+2/3+2/3)/5
    assert p == pytest.approx((2 + 1 / 3 + 4 / 3) / 5)
    # recall per item: a,b: 2/3; c: 1/3; d,e: 2/2 -> (2/3+2/3+1/3+1+1)/5
    assert r == pytest.approx((4 / 3 + 1 / 3 + 2) / 5)
    assert f == pytest.approx(2 * p * r / (p + r))


def test_perfect_and_all_in_one() -> None:
    gold = {str(i): i // 3 for i in range(9)}
    s = cluster_scores(gold, gold)
    assert s.ari == pytest.approx(1.0) and s.nmi == pytest.approx(1.0)
    assert s.bcubed_f1 == pytest.approx(1.0) and s.pairwise.f1 == pytest.approx(1.0)
    lump = cluster_scores({k: 0 for k in gold}, gold)
    assert lump.bcubed_recall == pytest.approx(1.0)
    assert lump.bcubed_precision == pytest.approx(1 / 3)
    assert lump.ari == pytest.approx(0.0)


def test_matches_sklearn() -> None:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    gold = {str(i): (i * 7) % 5 for i in range(40)}
    pred = {str(i): (i * 3) % 4 for i in range(40)}
    s = cluster_scores(pred, gold)
    ids = sorted(gold)
    assert s.ari == pytest.approx(adjusted_rand_score([gold[i] for i in ids], [pred[i] for i in ids]))
    assert s.nmi == pytest.approx(
        normalized_mutual_info_score([gold[i] for i in ids], [pred[i] for i in ids])
    )


def test_noise_policies() -> None:
    gold = {"a": "t1", "b": "t1", "c": "noise", "d": "noise", "e": None}
    pred = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3}
    single = cluster_scores(pred, gold, noise={"noise"})
    # c and d are separate gold singletons: clustering them together costs precision
    assert single.items == 5 and single.noise_items == 3
    assert single.pairwise.precision == pytest.approx(0.5)
    dropped = cluster_scores(pred, gold, noise={"noise"}, noise_policy="drop")
    assert dropped.items == 2 and dropped.ari == pytest.approx(1.0)
    with pytest.raises(ConfigError):
        prepare_labels(pred, gold, noise_policy="bogus")


def test_missing_predictions_are_singletons() -> None:
    gold = {"a": 1, "b": 1}
    pred = {"a": None, "b": ""}
    s = cluster_scores(pred, gold)
    assert s.predicted_clusters == 2 and s.bcubed_recall == pytest.approx(0.5)
