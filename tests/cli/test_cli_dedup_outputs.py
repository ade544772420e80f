"""The dedup CLI's fast output path writes exactly what the library's own records say.

The command builds decision and article lines without ``dataclasses.asdict`` and reads JSON
Lines with orjson; these tests pin both to the slow, obvious formulas byte for byte.
"""

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from storyline.cli import app
from storyline.config import ReadConfig
from storyline.dedup import DedupConfig, dedup
from storyline.io import ReadStats, read_articles
from storyline.io.jsonl import loads

runner = CliRunner()

BASE = ("Officials said the storm flooded the river valley overnight and forced hundreds of "
        "families to leave their homes before dawn on Tuesday, while rescue teams searched ")


def _edge_records() -> list[dict]:
    """Copies and uniques with the values that differ between JSON libraries or encoders:
    non-ASCII text, nested meta, big integers, floats, empty and missing fields."""
    recs = []
    for i in range(6):
        tail = f"the northern districts number {i} for survivors and supplies."
        recs.append({"id": f"u{i}", "text": f"Story {i}: {BASE}{tail} " * 3,
                     "title": f"Überschwemmung {i} — “quoted” ✓", "url": f"https://x.example/{i}",
                     "published": f"2024-05-0{i + 1}T10:00:00Z", "source": "wire",
                     "meta_big": 123456789012345678901234567890, "ratio": 0.1 + 0.2,
                     "nested": {"tags": ["a", "é", {"deep": [1, 2.5, None, True]}]},
                     "emoji": "🌊 \u2028 line sep", "empty": ""})
    # exact and near copies of the first two, one without a url, one with a float id
    recs.append(dict(recs[0], id="c0", url=None))
    recs.append(dict(recs[1], id="c1", text=recs[1]["text"].replace("Tuesday", "Wednesday")))
    recs.append(dict(recs[0], id=7.0, title=None))
    return recs


def _lines(path) -> list[str]:
    """A JSONL file's lines (split on newline only: str.splitlines also splits at U+2028)."""
    return path.read_bytes().decode("utf-8").split("\n")[:-1]


def _expected(path, config=None) -> tuple[list[str], list[str]]:
    """decisions.jsonl and deduped.jsonl lines by the library's own (asdict) formulas."""
    config = config or ReadConfig()
    result = dedup(read_articles([path], config, ReadStats()), DedupConfig())
    arts = list(read_articles([path], config, ReadStats()))
    dec = [json.dumps(d.record(a.url), ensure_ascii=False, default=str)
           for d, a in zip(result.iter_decisions(), arts, strict=True)]
    kept = [json.dumps(a.to_dict(), ensure_ascii=False, default=str)
            for a, k in zip(arts, result.kept_mask, strict=True) if k]
    return dec, kept


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_cli_outputs_equal_the_librarys_records_byte_for_byte(tmp_path, newline):
    src = tmp_path / "in.jsonl"
    lines = [json.dumps(r, ensure_ascii=i % 2 == 0) for i, r in enumerate(_edge_records())]
    src.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["dedup", str(src), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    dec, kept = _expected(src)
    got_dec, got_kept = _lines(out / "decisions.jsonl"), _lines(out / "deduped.jsonl")
    assert got_dec == dec and got_kept == kept
    assert len(kept) < len(dec)  # the copies were found, so both paths were exercised
    row = json.loads(got_kept[0])
    assert row["meta"]["meta_big"] == 123456789012345678901234567890  # exact, not a float
    assert row["meta"]["nested"]["tags"][1] == "é" and "\r" not in got_kept[0]


def test_bom_and_bad_lines_are_rejected_as_before(tmp_path):
    """A BOM-prefixed or broken line gets the standard library's message, under skip and fail."""
    src = tmp_path / "in.jsonl"
    recs = _edge_records()
    src.write_bytes(b"\xef\xbb\xbf" + json.dumps(recs[0]).encode() + b"\n"
                    + b'{"id": "x", "text": "broken\n'
                    + "".join(json.dumps(r) + "\n" for r in recs[1:]).encode())
    out = tmp_path / "out"
    result = runner.invoke(app, ["dedup", str(src), "--out", str(out), "-q",
                                 "--on-error", "skip", "--rejects", str(tmp_path / "r.jsonl")])
    assert result.exit_code == 0, result.output
    assert f"read {len(recs) + 1} = accepted {len(recs) - 1} + rejected 2" in result.output
    rejects = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert "Unexpected UTF-8 BOM" in rejects[0]["reason"] and rejects[0]["where"].endswith(":1")
    assert "Unterminated string" in rejects[1]["reason"] and rejects[1]["where"].endswith(":2")
    dec, kept = _expected(src, ReadConfig(on_error="skip"))
    assert _lines(out / "decisions.jsonl") == dec
    assert _lines(out / "deduped.jsonl") == kept
    failed = runner.invoke(app, ["dedup", str(src), "--out", str(tmp_path / "o2"), "-q"])
    assert failed.exit_code == 2 and "in.jsonl:1" in failed.output
    assert "Unexpected UTF-8 BOM" in failed.output


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_other_formats_write_the_librarys_records(tmp_path, fmt):
    from storyline.io import write_records

    recs = [{k: v for k, v in r.items() if k not in ("nested", "meta_big")}
            for r in _edge_records() if isinstance(r["id"], str)]  # one column type each
    src = tmp_path / f"in.{fmt}"
    write_records(recs, src)
    out = tmp_path / "out"
    result = runner.invoke(app, ["dedup", str(src), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    dec, kept = _expected(src)
    assert _lines(out / "decisions.jsonl") == dec
    assert _lines(out / "deduped.jsonl") == kept
    assert 0 < len(kept) < len(dec)


EDGE_JSON = [
    "123456789012345678901234567890", "-9223372036854775809", "18446744073709551616",
    "9223372036854775807", '{"a": [1, {"b": 99999999999999999999}]}', "1e300", "1e400",
    "-1e400", "NaN", "-Infinity", '"\\ud800"', '"\\udc80 x"', "0.30000000000000004",
    "5e-324", "-0.0", "-0", '{"a": 1, "a": 2}', '"\\u2028 \\u0000 \\ud83c\\udf0a"',
    '[1.5, {"x": [18446744073709551616]}]', '{"k": 1e19}', "1E5",
]


def _same(a, b) -> bool:
    """Equal values with equal types all the way down (1 != 1.0 here; NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b or (a == 0 and math.copysign(1, a) == math.copysign(1, b))


@pytest.mark.parametrize("text", EDGE_JSON)
def test_loads_is_json_loads(text):
    assert _same(loads(text), json.loads(text))


@pytest.mark.parametrize("text", ["{broken", '{"a": 1} x', "\ufeff{}", "[1, 2,]", '"a\tb"', ""])
def test_loads_raises_json_loads_error(text):
    with pytest.raises(json.JSONDecodeError) as ours:
        loads(text)
    with pytest.raises(json.JSONDecodeError) as std:
        json.loads(text)
    assert (ours.value.msg, ours.value.pos) == (std.value.msg, std.value.pos)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES, st.booleans())
def test_loads_matches_json_loads_on_any_value(value, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert _same(loads(text), json.loads(text))
