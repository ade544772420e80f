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
