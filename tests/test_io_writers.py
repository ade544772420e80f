"""Writers stream, round-trip and never leave half-written files."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.data import Rejected
from storyline.errors import ConfigError
from storyline.io import write_records
from storyline.io.writers import write_rejects

ROWS = [{"id": str(i), "text": f"story {i}", "tags": ["a", "b"] if i % 2 else []} for i in range(2500)]


def test_jsonl(tmp_path: Path) -> None:
    p = tmp_path / "out.jsonl"
    assert write_records(iter(ROWS), p) == 2500
    back = [json.loads(line) for line in p.read_text().splitlines()]
    assert back == ROWS


def test_csv(tmp_path: Path) -> None:
    p = tmp_path / "out.csv"
    assert write_records(ROWS[:3], p) == 3
    with open(p, newline="") as fh:
        back = list(csv.DictReader(fh))
    assert [r["id"] for r in back] == ["0", "1", "2"]
    assert json.loads(back[1]["tags"]) == ["a", "b"]


def test_parquet_batches(tmp_path: Path) -> None:
    p = tmp_path / "out.parquet"
    assert write_records(iter(ROWS), p, batch_size=1000) == 2500
    table = pq.read_table(p)
    assert table.num_rows == 2500
    assert table.column("text").to_pylist()[-1] == "story 2499"
    assert pq.ParquetFile(p).metadata.num_row_groups == 3


def test_fmt_overrides_extension(tmp_path: Path) -> None:
    p = tmp_path / "out.data"
    write_records(ROWS[:2], p, "jsonl")
    assert len(p.read_text().splitlines()) == 2


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot write"):
        write_records(ROWS, tmp_path / "out.xml")


@pytest.mark.parametrize("name", ["out.jsonl", "out.csv", "out.parquet"])
def test_crash_leaves_old_file_and_no_temp(tmp_path: Path, name: str) -> None:
    p = tmp_path / name
    write_records(ROWS[:1], p)
    before = p.read_bytes()

    def boom() -> Iterator[dict]:
        yield from ROWS[:5]
        raise RuntimeError("crash mid-write")

    with pytest.raises(RuntimeError):
        write_records(boom(), p, batch_size=2)
    assert p.read_bytes() == before
    assert sorted(x.name for x in tmp_path.iterdir()) == [name]


def test_write_rejects(tmp_path: Path) -> None:
    p = tmp_path / "rejects.jsonl"
    n = write_rejects([Rejected("f.jsonl:2", "invalid JSON", "{")], p)
    assert n == 1
    assert json.loads(p.read_text()) == {"where": "f.jsonl:2", "reason": "invalid JSON", "snippet": "{"}


def test_empty_parquet(tmp_path: Path) -> None:
    p = tmp_path / "e.parquet"
    assert write_records([], p) == 0
    assert pq.read_table(p).num_rows == 0


def test_csv_unknown_later_key_is_a_clear_error_and_leaves_no_file(tmp_path):
    import pytest

    from storyline.errors import RecordError
    from storyline.io import write_records

    out = tmp_path / "x.csv"
    with pytest.raises(RecordError, match="record 2"):
        write_records([{"id": "a"}, {"id": "b", "extra": 1}], out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                 max_size=3),
    max_leaves=12,
)
# texts that take the ASCII fast path and texts that must not: DEL, controls, non-ASCII, "\u"
_TEXTS = st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text() | st.sampled_from(
    ["a\x7fb", "tab\there\nnew \"q\" \\", "a \\u00e9 literal", "caf\u00e9 \u2028 \U0001f30a",
     "\x01\x1f", ""])


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.dictionaries(st.text(max_size=5), _JSON, max_size=4))
def test_json_line_is_json_dumps_byte_for_byte(text, rest):
    from storyline.io.writers import json_line

    rec = {"text": text, **rest, "when": Path("x")}  # default=str for non-JSON values
    assert json_line(rec) == json.dumps(rec, ensure_ascii=False, default=str)
    assert json_line(rest) == json.dumps(rest, ensure_ascii=False, default=str)
