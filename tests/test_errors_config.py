import pytest

from storyline.config import ReadConfig
from storyline.errors import ConfigError, InputError, StorylineError


def test_error_message_has_code_where_and_hint():
    err = InputError("broken JSON", where="a.jsonl:3", hint="fix the line")
    text = str(err)
    assert text.startswith("[E010] a.jsonl:3: broken JSON")
    assert "fix: fix the line" in text
    assert err.to_dict()["where"] == "a.jsonl:3"
    assert isinstance(err, StorylineError)


def test_read_config_validates_on_error():
    with pytest.raises(ConfigError, match="on_error"):
        ReadConfig(on_error="ignore")
    with pytest.raises(ConfigError, match="max_bytes"):
        ReadConfig(max_bytes=0)


def test_errors_survive_pickling_unchanged() -> None:
    """Errors cross process boundaries (the server's preparation workers, Spark workers): the
    copy says exactly what the original said."""
    import pickle

    from storyline.store.db import StoreError

    for err in (InputError("bad record", where="x.jsonl:3", hint="fix it"),
                ConfigError("bad option"), StoreError("locked", hint="retry")):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err)
        assert str(back) == str(err) and back.args == err.args
        assert back.to_dict() == err.to_dict()


def test_minhash_params_keep_each_owners_defaults():
    """One MinHashParams, nested in three configs, each with its historic defaults."""
    from storyline.config import MinHashParams
    from storyline.dedup import DedupConfig, lsh_params
    from storyline.index.lsh import optimal_params
    from storyline.store import StoreConfig
    from storyline.stories import ClusterConfig

    assert DedupConfig().minhash == MinHashParams(num_perm=128, k=5, seed=1)
    assert lsh_params(DedupConfig(threshold=0.7)) == optimal_params(0.7, 128)
    assert ClusterConfig().minhash == MinHashParams(num_perm=64, threshold=0.5)
    assert ClusterConfig().minhash.banding(0.9) == optimal_params(0.5, 64)
    store = StoreConfig(threshold=0.8)
    assert store.lsh_threshold == 0.65 and store.banding() == optimal_params(0.65, 128)
    assert MinHashParams(bands=16, rows=8).banding(0.8) == (16, 8)
