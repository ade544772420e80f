"""Careless input to the readers and writers (issue 17, io items): names, counts and modes."""

from __future__ import annotations

import io
import json
import os
import re
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.config import FieldMap, ReadConfig
from storyline.errors import FormatError, InputError, RecordError
from storyline.io import ReadStats, read_articles, write_records, write_rejects

runner = CliRunner()
import storyline  # noqa: E402

SRC = Path(storyline.__file__).resolve().parent  # the code under test, wherever it is installed


def _read(paths, **kw):
    stats = ReadStats()
    arts = list(read_articles(paths, ReadConfig(**kw), stats))
    assert stats.balanced()
    return arts, stats


# -- 15: output files respect the umask -------------------------------------------------

@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
@pytest.mark.parametrize("name", ["out.jsonl", "out.csv", "out.parquet", "rejects"])
def test_outputs_respect_the_umask(tmp_path: Path, mask: int, mode: int, name: str) -> None:
    from storyline.data import Rejected

    old = os.umask(mask)
    try:
        p = tmp_path / name
        if name == "rejects":
            write_rejects([Rejected("f:1", "bad", "x")], p)
        else:
            write_records([{"id": "a", "n": 1}], p)
    finally:
        os.umask(old)
    assert stat.S_IMODE(p.stat().st_mode) == mode
    assert os.umask(old) == old  # reading the umask left it as it was


def test_cli_output_is_world_readable_under_022(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "1", "text": "An article about a bridge."}\n')
    old = os.umask(0o022)
    try:
        res = runner.invoke(app, ["read", str(src), "--out", str(tmp_path / "o.jsonl"), "-q"])
    finally:
        os.umask(old)
    assert res.exit_code == 0, res.output
    assert stat.S_IMODE((tmp_path / "o.jsonl").stat().st_mode) == 0o644


# -- 16: WARC target URI as url and (on request) as id ----------------------------------

PAGE = """<html><head><title>River floods town</title>
<link rel="canonical" href="https://planet.example/canonical-flood"></head><body><article>
<h1>River floods town</h1><p>Heavy rain on Monday made the river burst its banks, flooding
the old town. Rescue teams evacuated two hundred residents overnight, officials said.</p>
<p>The mayor said engineers inspected the levee on Tuesday and found two breaches.</p>
</article></body></html>"""


def _warc(path: Path, urls: list[str]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for url in urls:
            heads = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                     protocol="HTTP/1.0")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(PAGE.encode()),
                                                http_headers=heads))


def test_warc_url_is_the_target_uri_and_id_field_is_honoured(tmp_path: Path) -> None:
    pytest.importorskip("warcio")
    pytest.importorskip("trafilatura")
    p = tmp_path / "crawl.warc.gz"
    urls = ["https://planet.example/flood?utm=1", "https://mirror.example/flood"]
    _warc(p, urls)
    arts, _ = _read([p])
    assert [a.url for a in arts] == urls  # not the page's canonical link
    assert all(a.id.startswith("<urn:uuid:") for a in arts)
    assert arts[0].meta.get("canonical_url") == "https://planet.example/canonical-flood"
    by_url, _ = _read([p], fields=FieldMap(id="url"))
    assert [a.id for a in by_url] == urls
    by_header, _ = _read([p], fields=FieldMap(id="WARC-Payload-Digest"))
    assert all(a.id.startswith("sha1:") for a in by_header)
    with pytest.raises(RecordError, match="no 'X-Nope'") as info:
        _read([p], fields=FieldMap(id="X-Nope"))
    assert "--id-field" in (info.value.hint or "")


def test_dedup_cli_with_warc_id_field_url(tmp_path: Path) -> None:
    pytest.importorskip("warcio")
    pytest.importorskip("trafilatura")
    p = tmp_path / "crawl.warc.gz"
    urls = ["https://planet.example/flood", "https://mirror.example/flood"]
    _warc(p, urls)
    out = tmp_path / "out"
    res = runner.invoke(app, ["dedup", str(p), "--out", str(out), "--id-field", "url", "-q"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in (out / "decisions.jsonl").read_text().splitlines()]
    assert {r["id"] for r in rows} == set(urls)  # the removed copy is named by its URL
    assert [r["duplicate_of"] for r in rows if not r["kept"]] == [urls[0]]


# -- 17: skipped files, CSV line numbers, missing columns, hints --------------------------

def test_unhandled_files_in_a_directory_are_counted_and_listed(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.jsonl").write_text('{"id": "1", "text": "An article about a bridge."}\n')
    (d / "notes.md").write_text("# not an input")
    (d / "photo.png").write_bytes(b"\x89PNG")
    rej = tmp_path / "rejects.jsonl"
    res = runner.invoke(app, ["read", str(d), "--rejects", str(rej), "-q"])
    assert res.exit_code == 0, res.output
    assert "read 3 = accepted 1 + rejected 0 + skipped 2" in res.output
    listed = [json.loads(x) for x in rej.read_text().splitlines()]
    assert sorted(Path(r["where"]).name for r in listed) == ["notes.md", "photo.png"]
    assert all("no reader" in r["reason"] and "--input-format" in r["reason"] for r in listed)


def test_csv_errors_name_the_first_line_of_the_record(tmp_path: Path) -> None:
    p = tmp_path / "in.csv"
    p.write_text('id,text\n1,"first\nspans\nlines"\n2,"   \n  "\n3,fine text\n')
    with pytest.raises(RecordError) as info:
        _read([p])
    assert info.value.where == f"{p}:5"  # record 2 starts on line 5, ends on line 6
    arts, stats = _read([p], on_error="skip")
    assert [a.id for a in arts] == ["1", "3"] and arts[0].where == f"{p}:2"
    assert stats.rejects[0].where == f"{p}:5"
    big = tmp_path / "big.csv"
    big.write_text('id,text\n1,ok text\n2,"' + "long line\n" * 200 + '"\n3,more\n')
    _, stats = _read([big], on_error="skip", max_bytes=40)
    assert stats.rejects[0].where == f"{big}:3" and "line 3" in stats.rejects[0].reason


def test_missing_text_column_lists_the_columns(tmp_path: Path) -> None:
    p = tmp_path / "in.tsv"
    p.write_text("\ufeffid\tbody\tdate\n1\thello there\t2024-01-01\n")
    with pytest.raises(RecordError, match=r"no 'text' column; the columns are: 'id', 'body', 'date'"):
        _read([p])
    arts, _ = _read([p], fields=FieldMap(text="body"))
    assert arts[0].text == "hello there" and arts[0].id == "1"  # BOM not part of the first name
    j = tmp_path / "in.jsonl"
    j.write_text('{"id": "1", "body": "hello"}\n')
    with pytest.raises(RecordError, match=r"its fields: id, body"):
        _read([j])


def test_parquet_missing_text_column_lists_the_columns(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    p = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["1"], "content": ["hello"]}), p)
    with pytest.raises(RecordError, match=r"'id', 'content'"):
        _read([p])


def _cli_options() -> set[str]:
    import click
    import typer

    opts: set[str] = set()

    def walk(cmd: click.Command) -> None:
        for prm in cmd.params:
            opts.update(o for o in prm.opts if o.startswith("--"))
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    return opts


def test_every_option_a_reader_hint_names_exists() -> None:
    """Hints are instructions: each --option they name must be a real CLI option."""
    opts = _cli_options()
    files = [*sorted((SRC / "io").glob("*.py")), SRC / "distributed" / "partition.py"]
    named = {m for f in files if f.exists() for m in re.findall(r"--[a-z][a-z-]+", f.read_text())}
    assert named, "no hints found"
    assert named <= opts, sorted(named - opts)


# -- 14 (io part): nothing matched, missing directory, empty input ---------------------

def test_glob_that_matches_nothing_is_an_error(tmp_path: Path) -> None:
    pattern = str(tmp_path / "*.jsonl")
    with pytest.raises(InputError, match="matches no files") as info:
        _read([pattern])
    assert info.value.where == pattern
    res = runner.invoke(app, ["read", pattern])
    assert res.exit_code == 2 and "matches no files" in res.output and "Traceback" not in res.output


def test_missing_directory_says_it_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir"
    with pytest.raises(InputError, match="does not exist") as info:
        _read([missing])
    assert not isinstance(info.value, FormatError)  # not "[E011] cannot tell the format"
    res = runner.invoke(app, ["read", str(missing)])
    assert res.exit_code == 2 and "does not exist" in res.output and "E011" not in res.output


def test_empty_directory_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no files"):
        _read([tmp_path / "empty"])


def test_zero_records_is_a_warning(tmp_path: Path) -> None:
    p = tmp_path / "empty.jsonl"
    p.write_text("\n")
    res = runner.invoke(app, ["read", str(p), "-q"])
    assert res.exit_code == 0
    assert "read 0 = accepted 0 + rejected 0" in res.output
    assert "warning: the inputs hold no records" in res.output
    ok = tmp_path / "ok.jsonl"
    ok.write_text('{"id": "1", "text": "An article."}\n')
    assert "warning" not in runner.invoke(app, ["read", str(ok), "-q"]).output
