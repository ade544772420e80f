"""Bad input fails with file/line and a fix, or is rejected and counted under skip."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.config import ReadConfig
from storyline.errors import (
    EncodingError,
    ExtractionError,
    FormatError,
    InputError,
    RecordError,
    StorylineError,
)
from storyline.io import ReadStats, read_articles

GOOD = '{"id": "ok", "text": "a fine article"}\n'


def _run(path: Path, mode: str, **kw: object) -> tuple[list, ReadStats]:
    stats = ReadStats()
    arts = list(read_articles([path], ReadConfig(on_error=mode, **kw), stats))  # type: ignore[arg-type]
    assert stats.read == stats.accepted + stats.rejected + stats.skipped
    return arts, stats


CASES = [
    ("broken_json", b'{"id": "x", "text": "unterminated\n', FormatError, "invalid JSON"),
    ("latin1", '{"id": "x", "text": "caf\xe9"}\n'.encode("latin-1"), EncodingError, "latin-1"),
    ("empty_text", b'{"id": "x", "text": "   "}\n', RecordError, "empty"),
    ("missing_text", b'{"id": "x", "body": "hi"}\n', RecordError, "no 'text' field"),
    ("non_string", b'{"id": "x", "text": 42}\n', RecordError, "must be a string"),
    ("nul_bytes", b'{"id": "x", "text": "a\\u0000b"}\n', RecordError, "NUL"),
    ("not_object", b"[1, 2]\n", RecordError, "must be an object"),
]


@pytest.mark.parametrize(("name", "line", "exc", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_jsonl_line_fail_and_skip(tmp_path: Path, name: str, line: bytes, exc: type, words: str) -> None:
    p = tmp_path / "in.jsonl"
    p.write_bytes(GOOD.encode() + line + GOOD.encode())
    with pytest.raises(exc) as info:
        _run(p, "fail")
    err = info.value
    assert err.where == f"{p}:2" and words in str(err) and err.hint
    arts, stats = _run(p, "skip")
    assert len(arts) == 2
    assert stats.accounting_line() == "read 3 = accepted 2 + rejected 1"
    assert stats.rejects[0].where == f"{p}:2" and words in stats.rejects[0].reason


def test_latin1_ok_with_encoding(tmp_path: Path) -> None:
    p = tmp_path / "in.jsonl"
    p.write_bytes('{"id": "x", "text": "caf\xe9"}\n'.encode("latin-1"))
    arts, _ = _run(p, "fail", encoding="latin-1")
    assert arts[0].text == "caf\xe9"


def test_huge_line_rejected_without_loading(tmp_path: Path) -> None:
    p = tmp_path / "big.jsonl"
    with open(p, "w") as fh:
        fh.write(GOOD)
        fh.write('{"id": "huge", "text": "' + "x" * 2_000_000 + '"}\n')
        fh.write(GOOD)
    with pytest.raises(RecordError, match="max_bytes"):
        _run(p, "fail", max_bytes=1000)
    arts, stats = _run(p, "skip", max_bytes=1000)
    assert len(arts) == 2 and stats.rejected == 1 and stats.rejects[0].where == f"{p}:2"


def test_huge_txt_document(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_bytes(b"word " * (50_000_000 // 5))  # ~50 MB
    with pytest.raises(RecordError, match="max_bytes"):
        _run(p, "fail")
    _, stats = _run(p, "skip")
    assert stats.accounting_line() == "read 1 = accepted 0 + rejected 1"


def test_binary_junk_txt(tmp_path: Path) -> None:
    p = tmp_path / "junk.txt"
    p.write_bytes(b"\x00\x01\x02abc\x00")
    with pytest.raises(RecordError, match="NUL"):
        _run(p, "fail")


def test_html_without_article(tmp_path: Path) -> None:
    p = tmp_path / "empty.html"
    p.write_text("<html><head><title>Login</title></head><body><script>var a = 1;</script>"
                 "<form><input name='user'><input type='password'></form></body></html>")
    with pytest.raises(ExtractionError) as info:
        _run(p, "fail")
    assert info.value.where == f"{p}#0"
    _, stats = _run(p, "skip")
    assert stats.rejected == 1


def test_truncated_gzip_keeps_earlier_records(tmp_path: Path) -> None:
    data = gzip.compress(b"".join(
        json.dumps({"id": str(i), "text": f"story number {i} " * 20}).encode() + b"\n" for i in range(200)))
    p = tmp_path / "cut.jsonl.gz"
    p.write_bytes(data[: len(data) // 2])
    nxt = tmp_path / "next.jsonl"
    nxt.write_text(GOOD)
    with pytest.raises(InputError, match="truncated"):
        list(read_articles([p], ReadConfig()))
    stats = ReadStats()
    arts = list(read_articles([p, nxt], ReadConfig(on_error="skip"), stats))
    assert 0 < stats.accepted - 1 < 200 and arts[-1].id == "ok"
    assert stats.rejected == 1 and stats.rejects[0].where == str(p)
    assert stats.read == stats.accepted + stats.rejected


def test_corrupt_warc(tmp_path: Path) -> None:
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=False)
    w.write_record(w.create_warc_record("https://x.example/", "resource", payload=io.BytesIO(b"hello")))
    p = tmp_path / "bad.warc"
    p.write_bytes(buf.getvalue() + b"NOT A WARC HEADER\r\n\r\ngarbage")
    with pytest.raises(FormatError, match="WARC"):
        _run(p, "fail")
    _, stats = _run(p, "skip")
    assert (stats.skipped, stats.rejected) == (1, 1)


def test_unknown_extension(tmp_path: Path) -> None:
    p = tmp_path / "data.xlsx"
    p.write_text("x")
    with pytest.raises(FormatError) as info:
        _run(p, "fail")
    assert "--input-format" in str(info.value) and ".jsonl" in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    """A path that names nothing is a usage error under either mode, not a rejected record."""
    for mode in ("fail", "skip"):
        with pytest.raises(InputError, match="does not exist"):
            _run(tmp_path / "nope.jsonl", mode)


def test_csv_missing_text_column(tmp_path: Path) -> None:
    p = tmp_path / "in.csv"
    p.write_text("id,body\n1,hello\n")
    with pytest.raises(RecordError) as info:
        _run(p, "fail")
    assert info.value.where == f"{p}:1"  # the header: one error, not one per row
    assert "'id', 'body'" in info.value.message and "--text-field" in (info.value.hint or "")


EXTS = [".jsonl", ".csv", ".json", ".txt", ".html", ".warc.gz", ".jsonl.gz", ".parquet"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), ext=st.sampled_from(EXTS), mode=st.sampled_from(["fail", "skip"]))
def test_random_bytes_only_raise_storyline_errors(tmp_path: Path, data: bytes, ext: str, mode: str) -> None:
    p = tmp_path / f"fuzz{ext}"
    p.write_bytes(data)
    stats = ReadStats()
    try:
        list(read_articles([p], ReadConfig(on_error=mode), stats))
    except StorylineError:
        assert mode == "fail"
    assert stats.read == stats.accepted + stats.rejected + stats.skipped
