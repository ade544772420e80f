"""Grouping levels: one name for the documented story- and topic-level settings."""

import pytest

from storyline.errors import ConfigError
from storyline.stories import LEVELS, ClusterConfig, level_config


def test_story_level_is_the_defaults():
    assert level_config() == level_config("story") == ClusterConfig()


def test_topic_level_is_the_wikiref_setting():
    cfg = level_config("topic")
    # the setting benchmarks/story_clusters.py wikiref fits and docs/stories.md documents
    assert (cfg.score_field, cfg.threshold, cfg.support_at, cfg.window_days, cfg.k) == (
        "similarity", 0.2, 0.2, None, 20)
    assert cfg.support_threshold is None  # plain average linkage: support follows the threshold
    assert level_config("topic", threshold=0.3).support_at == 0.3


@pytest.mark.parametrize("level", sorted(LEVELS))
@pytest.mark.parametrize("setting, value", [
    ("threshold", 0.45), ("support_threshold", 0.9), ("score_field", "same_story"),
    ("score_field", "similarity"), ("window_days", 3.0), ("window_days", None), ("k", 7),
])
def test_an_explicit_setting_beats_the_level(level, setting, value):
    cfg = level_config(level, **{setting: value})
    assert getattr(cfg, setting) == value
    others = {n: v for n, v in LEVELS[level].items() if n != setting}
    assert all(getattr(cfg, n) == v for n, v in others.items())  # the rest stay the level's


def test_unknown_level_is_a_clear_error():
    with pytest.raises(ConfigError, match="unknown level 'event'") as e:
        level_config("event")
    assert "story, topic" in str(e.value.hint)


def test_level_settings_are_still_validated():
    with pytest.raises(ConfigError, match="threshold"):
        level_config("topic", threshold=2.0)
