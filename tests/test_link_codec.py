"""The Linker's stored form of features (storyline.link.codec): exact, deterministic, pickle-free,
and every damaged or foreign input is a DamagedDataError, never another exception."""

from __future__ import annotations

import dataclasses
import json
import pickle
import struct
import zlib

import numpy as np
import pytest

from storyline.data import Article, PairScore, Scorer
from storyline.errors import DamagedDataError
from storyline.link import Linker
from storyline.link.codec import MAGIC

ARTICLES = [
    Article(id="q", published="2024-03-05T08:00:00+01:00", source="AP", dateline="BEIJING", title="Quake",
            text='BEIJING (AP) - At least 12 people died on Monday in Gansu, officials said. '
                 '"We are working hard," said Li Wei. Around 3.5 million homes lost power in 2024.'),
    Article(id="empty-ish", text="Short note."),
    Article(id="ü-ñ", text="Zürich — the café reopened on 5 May 2023; 40% of staff returned, "
                           "Müller said: «we are glad»."),
]


class _Embedder:
    """A stand-in encoder: a fixed vector per text (the codec only stores what it gives)."""

    name = "stand-in"

    def encode(self, texts: list[str]) -> np.ndarray:
        rng = np.random.default_rng(len(texts[0]) if texts else 0)
        v = rng.standard_normal((len(texts), 8)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker.load()


def _same(f, g) -> None:
    for fld in dataclasses.fields(f):
        x, y = getattr(f, fld.name), getattr(g, fld.name)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            assert x is not None and y is not None and x.dtype == y.dtype and np.array_equal(x, y), fld.name
        else:
            assert x == y and type(x) is type(y), fld.name
            if isinstance(x, dict):
                assert list(x) == list(y), fld.name  # order decides the last bits of a cosine


@pytest.mark.parametrize("embed", [False, True])
def test_round_trip_is_exact_and_scores_identically(linker: Linker, embed: bool) -> None:
    lk = Linker(linker.model, _Embedder()) if embed else linker  # type: ignore[arg-type]
    feats = lk.featurize_many(ARTICLES)
    back = [lk.from_bytes(lk.to_bytes(f, f.text), f.text) for f in feats]
    for f, g in zip(feats, back, strict=True):
        _same(f, g)
        assert (f.embedding is not None) is embed
    for i in range(len(feats)):
        for j in range(len(feats)):
            assert lk.score(feats[i], feats[j]) == lk.score(back[i], back[j])


def test_the_text_is_left_out_and_the_bytes_are_deterministic(linker: Linker) -> None:
    f = linker.featurize(ARTICLES[0])
    data = linker.to_bytes(f, f.text)
    assert data[:4] == MAGIC + b"\x01"
    assert f.text.encode() not in zlib.decompress(data[4:])
    assert linker.to_bytes(linker.featurize(ARTICLES[0]), f.text) == data
    other = linker.from_bytes(linker.to_bytes(f, "a different store text"), "ignored")
    assert other.text == f.text  # a text that is not the store's is kept


def test_the_linker_and_the_stand_in_are_scorers(linker: Linker, word_scorer) -> None:
    for scorer in (linker, word_scorer):
        assert isinstance(scorer.codec, str)
        a, b = scorer.featurize_many(ARTICLES[:2])
        s = scorer.score(a, b)
        assert isinstance(s, PairScore) and 0.0 <= s.same_story <= 1.0
        assert scorer.index_keys(a) and all(isinstance(w, float) for w in scorer.index_keys(a).values())
        _ok: Scorer = scorer  # typed: both satisfy the protocol
        assert _ok is scorer


def _payload(linker: Linker) -> tuple[dict, bytes]:
    f = linker.featurize(ARTICLES[0])
    raw = zlib.decompress(linker.to_bytes(f, f.text)[4:])
    (n,) = struct.unpack_from("<I", raw)
    return json.loads(raw[4 : 4 + n]), raw[4 + n :]


def _pack(header: dict, arrays: bytes) -> bytes:
    head = json.dumps(header).encode()
    return MAGIC + b"\x01" + zlib.compress(struct.pack("<I", len(head)) + head + arrays)


def _tamper(key: str, value: object):
    def go(h: dict, arrays: bytes) -> bytes:
        return _pack(h | {key: value}, arrays)
    return go


BAD = {
    "empty": lambda h, a: b"",
    "random": lambda h, a: bytes(range(256)) * 3,
    "pickle": lambda h, a: zlib.compress(pickle.dumps({"id": "x"})),
    "future-version": lambda h, a: MAGIC + b"\x09" + zlib.compress(b"{}"),
    "truncated": lambda h, a: _pack(h, a)[:-7],
    "not-json": lambda h, a: MAGIC + b"\x01" + zlib.compress(struct.pack("<I", 5) + b"{{{{{"),
    "length-past-end": lambda h, a: MAGIC + b"\x01" + zlib.compress(struct.pack("<I", 10**6) + b"{}"),
    "array-cut-short": lambda h, a: _pack(h, a[:-3]),
    "stray-bytes": lambda h, a: _pack(h, a + b"xx"),
    "unknown-array": lambda h, a: _pack(h | {"arrays": [["evil", "<u4", 1]] + h["arrays"]}, a),
    "huge-array": lambda h, a: _pack(h | {"arrays": [["shingles", "<u4", 10**12]]}, a),
    "terms-not-pairs": _tamper("terms", {"a": 1}),
    "weight-is-text": _tamper("terms", [["a", "1.0"]]),
    "id-is-number": _tamper("id", 7),
    "hash-is-bool": _tamper("text_hash", True),
    "bad-date": _tamper("published", "2024-13-45"),
    "numbers-short": _tamper("numbers", [[1.0, "1"]]),
    "deep-nesting": lambda h, a: MAGIC + b"\x01" + zlib.compress(struct.pack("<I", 200_000) + b"[" * 100_000 + b"]" * 100_000),
    "missing-field": lambda h, a: _pack({k: v for k, v in h.items() if k != "quotes"}, a),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_damaged_or_foreign_bytes_are_a_damaged_data_error(linker: Linker, case: str) -> None:
    h, arrays = _payload(linker)
    with pytest.raises(DamagedDataError) as info:
        linker.from_bytes(BAD[case](h, arrays), "text")
    assert info.value.code == "E021"
