import csv
import io
import json

import pytest

from storyline.output import render_to_string

ROWS = [{"id": "a", "score": 0.91234, "tags": ["x"]}, {"id": "b", "score": None, "extra": 1}]


def test_json_roundtrip():
    assert json.loads(render_to_string(ROWS, "json")) == ROWS


def test_jsonl_one_line_per_row():
    lines = render_to_string(ROWS, "jsonl").splitlines()
    assert [json.loads(x) for x in lines] == ROWS


def test_csv_union_of_columns_in_first_seen_order():
    rows = list(csv.DictReader(io.StringIO(render_to_string(ROWS, "csv"))))
    assert list(rows[0].keys()) == ["id", "score", "tags", "extra"]
    assert rows[0]["score"] == "0.9123"
    assert rows[1]["score"] == "" and rows[1]["extra"] == "1"


def test_table_contains_values():
    out = render_to_string(ROWS, "table")
    assert "0.9123" in out and "extra" in out


def test_unknown_format():
    with pytest.raises(ValueError, match="unknown format"):
        render_to_string(ROWS, "xml")
