import json

from typer.testing import CliRunner

from storyline.cli import app

runner = CliRunner()


def test_help_lists_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for cmd in ("read", "synth", "dedup", "demo"):
        assert cmd in result.output


def test_every_command_has_help():
    for cmd in ("read", "synth", "dedup", "demo"):
        result = runner.invoke(app, [cmd, "--help"])
        assert result.exit_code == 0, cmd
        assert "Usage" in result.output


def test_synth_is_deterministic(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert runner.invoke(app, ["synth", "--n", "50", "--seed", "3", "--out", str(a)]).exit_code == 0
    assert runner.invoke(app, ["synth", "--n", "50", "--seed", "3", "--out", str(b)]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    assert len(a.read_text().splitlines()) == 50


def test_read_skip_reports_accounting_and_rejects(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": "1", "text": "A real article."}\n'
        "{broken json\n"
        '{"id": "3", "text": "   "}\n'
        '{"id": "4", "text": "Another article."}\n',
        encoding="utf-8",
    )
    rej = tmp_path / "rejects.jsonl"
    result = runner.invoke(
        app,
        ["read", str(src), "--no-normalize", "--on-error", "skip", "--rejects", str(rej),
         "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    assert "read 4 = accepted 2 + rejected 2" in result.output
    rejected = [json.loads(x) for x in rej.read_text().splitlines()]
    assert [r["where"].rsplit(":", 1)[1] for r in rejected] == ["2", "3"]


def test_read_fail_names_file_and_line(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "1", "text": "ok"}\n{broken\n', encoding="utf-8")
    result = runner.invoke(app, ["read", str(src), "--no-normalize"])
    assert result.exit_code == 2
    assert "in.jsonl:2" in result.output


def test_bad_format_option(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "1", "text": "ok"}\n', encoding="utf-8")
    result = runner.invoke(app, ["read", str(src), "--format", "xml"])
    assert result.exit_code == 2
    assert "--format" in result.output


def test_demo_end_to_end(tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out), "--n", "300"])
    assert result.exit_code == 0, result.output
    assert "read 300 = accepted 300 + rejected 0" in result.output
    page = (out / "report.html").read_text()
    assert "duplicate pairs F1" in page
    decisions = [json.loads(x) for x in (out / "decisions.jsonl").read_text().splitlines()]
    assert len(decisions) == 300
    assert any(not d["kept"] and d["duplicate_of"] for d in decisions)


def test_dedup_command_writes_outputs(tmp_path):
    corpus = tmp_path / "c.jsonl"
    assert runner.invoke(app, ["synth", "--n", "200", "--out", str(corpus)]).exit_code == 0
    out = tmp_path / "d"
    result = runner.invoke(app, ["dedup", str(corpus), "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.jsonl").read_text())
    assert summary["read"] == 200 == summary["kept"] + summary["removed"] + summary["rejected"]
    kept = (out / "deduped.jsonl").read_text().splitlines()
    assert len(kept) == summary["kept"]


def test_quiet_keeps_the_accounting_line(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "1", "text": "ok"}\n{bad\n', encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = runner.invoke(
        app, ["read", str(src), "-q", "--on-error", "skip", "--no-normalize", "--out", str(out)]
    )
    assert result.exit_code == 0
    assert "read 2 = accepted 1 + rejected 1" in result.output
    assert "wrote" not in result.output


def test_dedup_summary_counts_skipped_warc_records(tmp_path):
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    body = "<html><body><article>" + "".join(
        f"<p>Paragraph {i} of a long news story about the river flood in the valley town.</p>"
        for i in range(12)
    ) + "</article></body></html>"
    warc = tmp_path / "crawl.warc.gz"
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for uri, ctype, payload in [
            ("http://a.example/story", "text/html", body.encode()),
            ("http://b.example/story", "text/html", body.encode()),
            ("http://a.example/logo.png", "image/png", b"\x89PNG...."),
        ]:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(payload), http_headers=headers
            )
            writer.write_record(rec)
    out = tmp_path / "d"
    result = runner.invoke(app, ["dedup", str(warc), "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    s = json.loads((out / "summary.jsonl").read_text())
    assert s["skipped"] == 1 and s["removed"] == 1
    assert s["read"] == s["kept"] + s["removed"] + s["rejected"] + s["skipped"]
