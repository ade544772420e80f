"""The shared vocabulary in storyline.data: relations, dimensions, instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from storyline import data
from storyline.data import COPY_RELATIONS, RELATIONS, SAME_STORY_RELATIONS, Relation, parse_instant


def test_relations_are_one_ordered_vocabulary() -> None:
    assert RELATIONS == ("duplicate", "near_duplicate", "revision", "same_story", "related", "unrelated")
    assert [r.value for r in Relation] == list(RELATIONS)
    assert Relation("revision") is Relation.REVISION and Relation.REVISION == "revision"
    assert {"duplicate", "near_duplicate", "revision", "same_story"} == SAME_STORY_RELATIONS
    assert {"duplicate", "near_duplicate"} == COPY_RELATIONS and COPY_RELATIONS < SAME_STORY_RELATIONS
    # the sets hold plain strings: an enum member and its value are both found
    assert Relation.SAME_STORY in SAME_STORY_RELATIONS and "related" not in SAME_STORY_RELATIONS


def test_link_and_eval_use_the_same_vocabulary() -> None:
    from storyline import link
    from storyline.eval import pairs

    assert link.RELATIONS is data.RELATIONS and link.DIMENSIONS is data.DIMENSIONS
    assert link.SAME_STORY_RELATIONS is data.SAME_STORY_RELATIONS
    assert pairs.SEMEVAL_DIMENSIONS is data.DIMENSIONS


def test_parse_instant() -> None:
    utc = datetime(2024, 3, 1, 12, 30, tzinfo=UTC)
    assert parse_instant("2024-03-01T12:30:00Z") == utc
    assert parse_instant("2024-03-01T12:30:00z") == utc
    assert parse_instant(" 2024-03-01 12:30 ") == utc  # naive means UTC
    assert parse_instant("2024-03-01T14:30:00+02:00") == utc
    assert parse_instant("2024-03-01T14:30:00+02:00").utcoffset() == timedelta(hours=2)  # type: ignore[union-attr]
    assert parse_instant("2024-03-01") == datetime(2024, 3, 1, tzinfo=UTC)
    for bad in (None, "", "yesterday", "2024-13-01", "01/03/2024"):
        assert parse_instant(bad) is None
    assert parse_instant("2024-03-01T12:30:00-05:00").tzinfo == timezone(timedelta(hours=-5))  # type: ignore[union-attr]
