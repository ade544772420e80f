"""The numba kernel cache: cold/warm detection, the first-run note, the uncached fallback."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storyline import kernels

SRC = str(Path(__file__).resolve().parents[1] / "src")

# Reports, in a fresh process: is the small overlap kernel cached, did note_compile speak on a
# (fake) terminal; then runs the kernel, so the next process finds it cached.
PROBE = """
import io, sys
from storyline import kernels
from storyline.features import shingles as s
class Tty(io.StringIO):
    def isatty(self):
        return True
err = Tty()
real, sys.stderr = sys.stderr, err
kernels.note_compile([s._sorted_overlap_kernel])
sys.stderr = real
print(kernels.is_cached(s._sorted_overlap_kernel), "compiling kernels" in err.getvalue())
s.sorted_overlap(s.shingle_hashes("a b c d e f g"), s.shingle_hashes("a b c d e f h"))
"""


def _run(code: str, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), PYTHONPATH=SRC)
    return subprocess.run(
        [sys.executable, *args, code] if code else [sys.executable, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


def test_cold_cache_is_noted_once_then_found(tmp_path: Path) -> None:
    first = _run(PROBE, tmp_path, "-c").stdout.split()
    assert first == ["False", "True"]  # nothing on disk: the note is printed
    assert any(tmp_path.rglob("*.nbi"))  # the compile was written to NUMBA_CACHE_DIR
    second = _run(PROBE, tmp_path, "-c").stdout.split()
    assert second == ["True", "False"]  # cached: silent


def test_note_is_silent_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Cold:  # a kernel whose cache index is empty
        class _cache:  # noqa: N801
            class _cache_file:  # noqa: N801
                @staticmethod
                def _load_index() -> dict[str, str]:
                    return {}

    buf = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buf)
    monkeypatch.setattr(kernels, "_compile_noted", False)
    assert kernels.is_cached(Cold()) is False
    kernels.note_compile([Cold()])
    assert buf.getvalue() == ""  # pipes, logs and test runners get no extra stderr line


def test_unknown_cache_state_is_none() -> None:
    assert kernels.is_cached(object()) is None


def test_uncacheable_function_falls_back_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # No source file: numba finds no cache locator and refuses cache=True (an import error for
    # a module in a read-only tree with no writable home); the decorator compiles per process.
    monkeypatch.setattr(kernels, "_uncached_warned", False)
    monkeypatch.setattr(kernels, "_registry", [])
    ns: dict[str, object] = {}
    exec(compile("def add_one(x):\n    return x + 1\n", "<no file>", "exec"), ns)
    exec(compile("def add_two(x):\n    return x + 2\n", "<no file>", "exec"), ns)
    one = kernels.kernel(nogil=True)(ns["add_one"])
    two = kernels.kernel()(ns["add_two"])
    assert one(1) == 2 and two(1) == 3
    err = capsys.readouterr().err
    assert err.count("cannot cache compiled kernels") == 1
    assert "NUMBA_CACHE_DIR" in err
    assert kernels.is_cached(one) is None


@pytest.mark.slow
def test_warm_up_compiles_every_kernel_then_loads_them(tmp_path: Path) -> None:
    first = _run("", tmp_path, "-m", "storyline.kernels")
    n = len(kernels._kernels())
    assert f"compiled {n} of {n}" in first.stdout, first.stdout + first.stderr
    assert "not cached" not in first.stderr
    second = _run("", tmp_path, "-m", "storyline.kernels")
    assert f"loaded {n} in" in second.stdout
