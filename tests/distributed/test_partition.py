"""The Spark engine's per-batch functions (no JVM needed): same features and rules as local."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa

from storyline.config import ReadConfig
from storyline.dedup import KEPT, NEAR, UNIQUE, Decision, DedupConfig, featurize, lsh_params
from storyline.distributed import partition as P
from storyline.index.lsh import band_hashes
from storyline.synth import generate


def _raw_batch(lines: list[str]) -> pa.RecordBatch:
    n = len(lines)
    return pa.RecordBatch.from_pydict({
        "value": lines,
        P.IDX: pa.array(range(100, 100 + n), pa.int64()),
        P.LINENO: pa.array(range(1, n + 1), pa.int64()),
        P.FILE: ["file:/data/my%20corpus.jsonl"] * n,
    })


def test_parse_features_equals_local_featurize() -> None:
    records = list(generate(40, seed=1))
    lines = [json.dumps(r) for r in records] + ["", "{broken"]
    cfg = DedupConfig()
    out = pa.Table.from_batches(list(P.parse_features(
        iter([_raw_batch(lines)]), "jsonl", ReadConfig(on_error="skip"), cfg)))
    assert out.num_rows == 41  # the blank line is layout, not a record
    bad = out.filter(pa.compute.is_valid(out["err_type"])).to_pylist()
    assert [(b["err_type"], b["err_where"], b["idx"]) for b in bad] == [
        ("FormatError", "/data/my corpus.jsonl:42", 141)]
    good = out.filter(pa.compute.is_null(out["err_type"]))
    feats = featurize([r["text"] for r in records], *cfg.feature_args())
    assert good["id"].to_pylist() == [r["id"] for r in records]
    assert good["idx"].to_pylist() == list(range(100, 140))
    exact = np.stack([good["e0"].to_numpy(), good["e1"].to_numpy()], axis=1).view(np.uint64)
    assert np.array_equal(exact, feats.exact)
    for r, sh in enumerate(good["shingles"].to_pylist()):
        want = feats.flat[feats.offsets[r] : feats.offsets[r + 1]]
        assert np.array_equal(np.array(sh, dtype=np.int32).view(np.uint32), want)
    bh = band_hashes(feats.sigs, *lsh_params(cfg), cfg.minhash.seed)
    got = np.array(good["bands"].to_pylist(), dtype=np.int64).view(np.uint64)
    assert np.array_equal(got, bh)


def test_verify_and_decisions_follow_local_rules() -> None:
    a = np.arange(0, 100, dtype=np.uint32)
    b = np.arange(5, 100, dtype=np.uint32)  # Jaccard 0.95
    c = np.arange(50, 300, dtype=np.uint32)  # Jaccard with a: 50/300
    lst = pa.list_(pa.int32())
    batch = pa.RecordBatch.from_pydict({
        "i": [1, 1], "j": [2, 3],
        "si": pa.array([a.view(np.int32), a.view(np.int32)], lst),
        "sj": pa.array([b.view(np.int32), c.view(np.int32)], lst),
    })
    edges = pa.Table.from_batches(list(P.verify_pairs(iter([batch]), DedupConfig())))
    assert edges.to_pylist() == [{"i": 1, "j": 2}]
    rows = pa.RecordBatch.from_pydict({
        "id": ["x", "y", "z"], "kid": ["x", "x", "z"],
        "code": pa.array([KEPT, NEAR, UNIQUE], pa.int8()), "score": [1.0, 0.951234, 1.0],
        "url": ["https://a.example/x", "https://b.example/y", None]})
    lines = pa.Table.from_batches(list(P.decision_records(iter([rows]), as_json=True)))
    want = [Decision("x", "x", True, None, 1.0, "kept"),
            Decision("y", "x", False, "x", 0.9512, "near: jaccard 0.95"),
            Decision("z", "z", True, None, 1.0, "unique")]
    urls = ["https://a.example/x", "https://b.example/y", None]
    # the local decisions.jsonl line: url only when the article has one
    assert lines["value"].to_pylist() == [json.dumps(d.record(u)) for d, u in zip(want, urls, strict=True)]
    assert "url" not in json.loads(lines["value"][2].as_py())
    table = pa.Table.from_batches(list(P.decision_records(iter([rows]), as_json=False)))
    assert table.column_names == list(P.DECISION_COLUMNS)
    assert table.to_pylist() == [d.to_dict() | {"url": u} for d, u in zip(want, urls, strict=True)]
