"""storyline.io.outputs: one reader for OUT/NAME.jsonl and OUT/NAME/part-*.jsonl, and the file
operations that give Spark's part folders the local engine's names."""

import json

import pytest

from storyline.errors import InputError, RecordError
from storyline.io import write_records
from storyline.io.outputs import merge_parts, name_parts, output_files, read_output

ROWS = [{"id": f"a{i}", "kept": i % 2 == 0, "note": "é"} for i in range(7)]


def _parts(folder, rows, cuts, ext=".jsonl"):
    """Rows split into part files at ``cuts`` (parts named like Spark's), plus Spark's extras."""
    folder.mkdir(parents=True)
    bounds = [0, *cuts, len(rows)]
    for n, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False)):
        part = folder / f"part-{n:05d}-9f3c-c000{ext}"
        part.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[lo:hi]),
                        encoding="utf-8")
        (folder / f".{part.name}.crc").write_bytes(b"crc")
    (folder / "_SUCCESS").write_text("")


@pytest.mark.parametrize("cuts", [[], [3], [1, 2, 6], [0, 7]])  # [0, 7]: empty first/last parts
def test_parts_and_single_file_read_the_same(tmp_path, cuts):
    local, spark = tmp_path / "local", tmp_path / "spark"
    write_records(ROWS, local / "decisions.jsonl")
    _parts(spark / "decisions", ROWS, cuts)
    assert list(read_output(local, "decisions")) == list(read_output(spark, "decisions")) == ROWS
    assert [p.name for p in output_files(spark, "decisions")] == sorted(
        p.name for p in (spark / "decisions").glob("part-*.jsonl"))


def test_name_parts_and_merge_give_the_local_file(tmp_path):
    write_records(ROWS, tmp_path / "local" / "stories.jsonl")
    folder = tmp_path / "out" / "stories"
    _parts(folder, ROWS, [2, 5], ext=".txt")  # as Spark's text writer names them
    assert name_parts(folder) == 3
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith("part-")) == [
        f"part-{n:05d}-9f3c-c000.jsonl" for n in range(3)]
    assert sorted(p.name for p in folder.glob(".*.crc")) == [
        f".part-{n:05d}-9f3c-c000.jsonl.crc" for n in range(3)]  # checksums follow their part
    assert list(read_output(tmp_path / "out", "stories")) == ROWS
    merge_parts(folder, tmp_path / "out" / "stories.jsonl")
    assert not folder.exists()
    assert (tmp_path / "out" / "stories.jsonl").read_bytes() == (
        tmp_path / "local" / "stories.jsonl").read_bytes()


def test_missing_both_and_broken_outputs_are_clear(tmp_path):
    with pytest.raises(InputError, match="no output 'decisions'") as e:
        output_files(tmp_path, "decisions")
    assert "part-*.jsonl" in str(e.value.hint)
    write_records(ROWS, tmp_path / "decisions.jsonl")
    _parts(tmp_path / "decisions", ROWS, [3])
    with pytest.raises(InputError, match="both") as e:
        output_files(tmp_path, "decisions")
    assert "delete the older one" in str(e.value.hint)
    _parts(tmp_path / "other" / "summary", [], [])
    (tmp_path / "other" / "summary" / "part-00000-9f3c-c000.jsonl").write_text('{"read": 1}\n{oops\n')
    with pytest.raises(RecordError) as e:
        list(read_output(tmp_path / "other", "summary"))
    assert str(e.value.where).endswith("part-00000-9f3c-c000.jsonl:2")
