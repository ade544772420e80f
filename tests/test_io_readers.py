"""Every input format reads back what was written, compressed or not."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
import zstandard

from storyline.config import FieldMap, ReadConfig
from storyline.io import ReadStats, detect_format, read_articles, write_records
from storyline.io.html import extract_html

RECORDS = [
    {"id": "a1", "text": "Floods hit the valley on Monday.", "title": "Floods", "source": "AP", "desk": "world"},
    {"id": "a2", "text": "Death toll rises to 15.", "title": "Toll", "source": "Reuters", "desk": "world"},
]

ARTICLE_HTML = """<!DOCTYPE html><html><head><title>River floods the valley | Daily Planet</title>
<meta property="og:site_name" content="Daily Planet">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li>Subscribe now</li></ul></nav>
<div class="ad">ADVERTISEMENT buy cheap watches today</div>
<article><h1>River floods the valley</h1>
<p>Heavy rain caused the river to burst its banks on Monday, flooding hundreds of homes in the valley
and forcing thousands of residents to leave.</p>
<p>Rescue teams worked through the night to reach families stranded on rooftops, officials said,
adding that the water level was expected to keep rising until Wednesday.</p>
<p>The regional governor said the death toll had risen to 15 and urged people to stay away from the
river banks while engineers inspected the damaged dams upstream.</p>
</article>
<footer>Copyright 2024 Daily Planet. All rights reserved. Privacy policy. Cookie settings.</footer>
</body></html>"""


def _read(paths: list[Path], **kw: object) -> tuple[list, ReadStats]:
    stats = ReadStats()
    arts = list(read_articles(paths, ReadConfig(**kw), stats))  # type: ignore[arg-type]
    return arts, stats


@pytest.mark.parametrize("name", ["in.jsonl", "in.csv", "in.parquet", "in.ndjson"])
def test_round_trip_written_formats(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    assert write_records(RECORDS, path, "jsonl" if name.endswith("ndjson") else None) == 2
    arts, stats = _read([path])
    assert [a.id for a in arts] == ["a1", "a2"]
    assert [a.text for a in arts] == [r["text"] for r in RECORDS]
    assert arts[0].title == "Floods" and arts[0].source == "AP"
    assert arts[0].meta == {"desk": "world"}
    assert arts[0].raw and "Floods hit" in arts[0].raw
    assert arts[0].where is not None and arts[0].where.startswith(str(path))
    assert stats.accounting_line() == "read 2 = accepted 2 + rejected 0"


def test_json_array_and_single_object(tmp_path: Path) -> None:
    (tmp_path / "arr.json").write_text(json.dumps(RECORDS))
    (tmp_path / "one.json").write_text(json.dumps(RECORDS[0]))
    arts, _ = _read([tmp_path / "arr.json", tmp_path / "one.json"])
    assert [a.id for a in arts] == ["a1", "a2", "a1"]
    assert arts[1].where == f"{tmp_path / 'arr.json'}#1"


def test_tsv(tmp_path: Path) -> None:
    p = tmp_path / "x.tsv"
    p.write_text("id\ttext\nt1\thello world\n")
    arts, _ = _read([p])
    assert arts[0].id == "t1" and arts[0].text == "hello world"
    assert arts[0].where == f"{p}:2"


@pytest.mark.parametrize("comp", [".gz", ".zst"])
@pytest.mark.parametrize("ext", [".jsonl", ".csv", ".json"])
def test_compressed_variants(tmp_path: Path, comp: str, ext: str) -> None:
    plain = tmp_path / f"p{ext}"
    if ext == ".json":
        plain.write_text(json.dumps(RECORDS))
    else:
        write_records(RECORDS, plain)
    data = plain.read_bytes()
    packed = gzip.compress(data) if comp == ".gz" else zstandard.ZstdCompressor().compress(data)
    path = tmp_path / f"c{ext}{comp}"
    path.write_bytes(packed)
    assert detect_format(path) == ext.lstrip(".")
    arts, _ = _read([path])
    assert [a.text for a in arts] == [r["text"] for r in RECORDS]


def test_field_mapping_and_auto_ids(tmp_path: Path) -> None:
    p = tmp_path / "feed.jsonl"
    p.write_text('{"body": "first story", "headline": "H1"}\n\n{"body": "second story"}\n')
    cfg = dict(fields=FieldMap(text="body", title="headline"))
    arts, _ = _read([p], **cfg)
    assert [a.id for a in arts] == ["feed:1", "feed:3"]
    assert arts[0].title == "H1" and arts[0].meta == {}
    again, _ = _read([p], **cfg)
    assert [a.id for a in again] == [a.id for a in arts]


def test_txt_directory_ids_are_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("story b")
    (tmp_path / "sub" / "a.txt").write_text("story a")
    (tmp_path / "notes.md").write_text("ignored: not an input extension")
    arts, stats = _read([tmp_path])
    assert sorted(a.id for a in arts) == ["b.txt", "sub/a.txt"]
    assert stats.accounting_line() == "read 3 = accepted 2 + rejected 0 + skipped 1"  # notes.md
    assert stats.rejects[0].where.endswith("notes.md") and "skipped" in stats.rejects[0].reason


def test_glob(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"story {i}")
    arts, _ = _read([tmp_path / "*.txt"])
    assert [a.text for a in arts] == ["story 0", "story 1", "story 2"]


def test_input_format_override(tmp_path: Path) -> None:
    p = tmp_path / "data.log"
    p.write_text('{"id": "z", "text": "override works"}\n')
    arts, _ = _read([p], input_format="jsonl")
    assert arts[0].id == "z"


def test_extract_html_drops_boilerplate() -> None:
    info = extract_html(ARTICLE_HTML, "https://planet.example/flood")
    assert "burst its banks" in info["text"] and "engineers inspected" in info["text"]
    for junk in ("ADVERTISEMENT", "Copyright", "Subscribe now", "Cookie"):
        assert junk not in info["text"]
    assert info["title"] and "River floods" in info["title"]
    assert info["published"] == "2024-03-05"
    assert info["source"] == "Daily Planet"
    assert info["url"] == "https://planet.example/flood"


@pytest.mark.parametrize("name", ["page.html", "page.htm", "page.html.gz"])
def test_html_files(tmp_path: Path, name: str) -> None:
    p = tmp_path / name
    data = ARTICLE_HTML.encode()
    p.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    arts, _ = _read([p])
    assert len(arts) == 1
    assert "Rescue teams" in arts[0].text and arts[0].raw == ARTICLE_HTML
    assert arts[0].published == "2024-03-05"


def _warc(path: Path, html: str = ARTICLE_HTML) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        req = w.create_warc_record("https://planet.example/flood", "request",
                                   payload=io.BytesIO(b"GET /flood HTTP/1.1\r\n\r\n"))
        w.write_record(req)
        heads = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.0")
        w.write_record(w.create_warc_record("https://planet.example/flood", "response",
                                            payload=io.BytesIO(html.encode()), http_headers=heads))
        img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.0")
        w.write_record(w.create_warc_record("https://planet.example/x.png", "response",
                                            payload=io.BytesIO(b"\x89PNG...."), http_headers=img))


def test_warc(tmp_path: Path) -> None:
    p = tmp_path / "crawl.warc.gz"
    _warc(p)
    arts, stats = _read([p])
    assert len(arts) == 1
    assert arts[0].id.startswith("<urn:uuid:")
    assert arts[0].url == "https://planet.example/flood"
    assert "death toll had risen" in arts[0].text
    assert (stats.read, stats.accepted, stats.skipped) == (3, 1, 2)
    assert stats.accounting_line() == "read 3 = accepted 1 + rejected 0 + skipped 2"


def test_warc_uses_http_charset(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    p = tmp_path / "latin.warc"
    page = ARTICLE_HTML.replace("Heavy rain", "Caf\xe9 owners said heavy rain")
    with open(p, "wb") as fh:
        w = WARCWriter(fh, gzip=False)
        heads = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=ISO-8859-1")], protocol="HTTP/1.0")
        w.write_record(w.create_warc_record("https://x.example/a", "response",
                                            payload=io.BytesIO(page.encode("latin-1")), http_headers=heads))
    arts, _ = _read([p])
    assert "Caf\xe9 owners" in arts[0].text


def test_jsonl_whitespace_lines_are_skipped_and_line_numbers_kept(tmp_path: Path) -> None:
    """Lines of ASCII whitespace only (any mix, CRLF too) are layout; a no-break space or a
    control character is not whitespace there and is reported as bad JSON on its own line."""
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"id": "a", "text": "one"}\r\n \t\x0b\x0c\r\n\n'
                    b'{"id": "b", "text": "two"}\n\xc2\xa0\n\x1c\n{"id": "c", "text": "3"}')
    stats = ReadStats()
    arts = list(read_articles([src], ReadConfig(on_error="skip"), stats))
    assert [(a.id, a.where) for a in arts] == [("a", f"{src}:1"), ("b", f"{src}:4"),
                                                ("c", f"{src}:7")]
    assert [r.where for r in stats.rejects] == [f"{src}:5", f"{src}:6"]
    assert stats.read == 5 and stats.balanced()
