"""The inverted term index: top-k, capped postings, window and eviction."""

from __future__ import annotations

import pytest

from storyline.errors import ConfigError
from storyline.index.terms import TermIndex, top_terms


def test_top_k_by_accumulated_weight() -> None:
    idx: TermIndex[str] = TermIndex()
    idx.insert("a", {"quake": 0.9, "city": 0.1})
    idx.insert("b", {"quake": 0.5, "flood": 0.5})
    idx.insert("c", {"match": 1.0})
    got = idx.query({"quake": 1.0, "city": 1.0}, k=5)
    assert [k for k, _ in got] == ["a", "b"]
    assert got[0][1] == pytest.approx(1.0)
    assert idx.query({"quake": 1.0}, k=1) == [("a", pytest.approx(0.9))]


def test_common_terms_are_skipped() -> None:
    idx: TermIndex[int] = TermIndex(max_postings=3)
    for i in range(5):
        idx.insert(i, {"said": 1.0, f"rare{i}": 1.0})
    got = idx.query({"said": 1.0, "rare2": 1.0}, k=10)
    assert [k for k, _ in got] == [2]  # "said" has 5 > 3 postings: skipped
    assert idx.last_examined == 1


def test_window_and_eviction() -> None:
    idx: TermIndex[str] = TermIndex()
    idx.insert("old", {"x": 1.0}, time=0.0)
    idx.insert("new", {"x": 1.0}, time=100.0)
    assert [k for k, _ in idx.query({"x": 1.0}, time=105.0, window=10.0)] == ["new"]
    assert idx.evict_before(50.0) == ["old"]
    assert "old" not in idx and len(idx) == 1
    idx.remove("new")
    assert idx.query({"x": 1.0}) == []


def test_max_items_drops_oldest() -> None:
    idx: TermIndex[int] = TermIndex(max_items=2)
    assert idx.insert(1, {"a": 1.0}) == []
    idx.insert(2, {"a": 1.0})
    assert idx.insert(3, {"a": 1.0}) == [1]
    assert sorted(idx.keys()) == [2, 3]


def test_only_heaviest_terms_indexed() -> None:
    idx: TermIndex[str] = TermIndex(max_terms=2)
    idx.insert("a", {"x": 0.9, "y": 0.8, "z": 0.1})
    assert idx.query({"z": 1.0}) == []
    assert top_terms({"b": 1.0, "a": 1.0, "c": 0.5}, 2) == [("a", 1.0), ("b", 1.0)]


def test_bad_config_and_duplicate_key() -> None:
    with pytest.raises(ConfigError):
        TermIndex(max_terms=0)
    idx: TermIndex[str] = TermIndex()
    idx.insert("a", {"x": 1.0})
    with pytest.raises(ConfigError):
        idx.insert("a", {"x": 1.0})


def test_held_keys_are_past_the_window() -> None:
    """A key held past the window's edge (its story is still open) is found by a query dated
    within the window of it, but not by a later or undated query, and it does not count toward
    the posting cap: so holding keys changes nothing for a time-ordered stream."""
    idx: TermIndex[str] = TermIndex(max_postings=2)
    for key, t in (("s1", 0.0), ("s2", 1.0), ("other", 2.0)):
        idx.insert(key, {"said": 1.0, key: 1.0}, time=t)
    idx.insert("now", {"said": 1.0, "now": 1.0}, time=20.0)
    held = {"s1": 15.0, "s2": 15.0}  # their story's last article
    assert idx.evict_before(10.0, hold=held.get) == ["other"]
    assert idx.is_held("s1") and idx.is_held("s2") and not idx.is_held("now")
    # "said" has 3 postings but only 1 in the window: not skipped as too common
    assert [k for k, _ in idx.query({"said": 1.0}, k=5, time=21.0, window=10.0)] == ["now"]
    assert [k for k, _ in idx.query({"said": 1.0}, k=5)] == ["now"]  # undated: window only
    late = idx.query({"said": 1.0}, k=5, time=1.5, window=10.0)  # a late article of the story
    assert [k for k, _ in late] == ["s1", "s2"]
    # the edge passes the story's last article: the held keys go
    assert idx.evict_before(16.0, hold=held.get) == ["s1", "s2"]
    assert not idx.is_held("s1") and len(idx) == 1
    idx.insert("n2", {"said": 1.0}, time=21.0)
    idx.insert("n3", {"said": 1.0}, time=22.0)
    assert idx.query({"said": 1.0}, k=5) == []  # 3 postings in the window > 2: skipped
