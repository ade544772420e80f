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
