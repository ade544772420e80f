"""numba kernels, compiled once and cached on disk, and a warning when a run must compile them.

numba compiles a kernel the first time it runs (about 5 s for dedup's set on a 2-core machine,
``benchmarks/first_run.py``). With ``cache=True`` the machine code is written next to the module
(``__pycache__``, writable in a venv), else into the user's cache directory (``~/.cache/numba``);
``NUMBA_CACHE_DIR`` overrides both. Where no directory is writable, numba refuses to decorate a
cached function at all (an import error); :func:`kernel` then compiles per process instead and
says so once. ``python -m storyline.kernels`` compiles every kernel ahead of time (``make``
runs it after each install).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numba as nb

F = TypeVar("F", bound=Callable[..., Any])

COMPILE_SECONDS = 5  # dedup's kernels from scratch, 2-core machine (benchmarks/first_run.py)

_registry: list[Any] = []
_uncached_warned = False
_compile_noted = False


def kernel(**options: Any) -> Callable[[F], F]:
    """``numba.njit(cache=True, **options)`` that falls back to an uncached kernel (with one
    warning on stderr) when numba finds no writable cache directory."""

    def wrap(fn: F) -> F:
        global _uncached_warned
        try:
            disp = nb.njit(cache=True, **options)(fn)
        except RuntimeError as exc:  # "cannot cache function ...: no locator available"
            if not _uncached_warned:
                _uncached_warned = True
                sys.stderr.write(
                    f"storyline: warning: cannot cache compiled kernels ({exc}); they are "
                    "compiled again in every process (fix: set NUMBA_CACHE_DIR to a writable "
                    "directory)\n"
                )
            disp = nb.njit(**options)(fn)
        if options.get("inline") != "always":  # inlined into its callers, never compiled alone
            _registry.append(disp)
        return disp

    return wrap


def is_cached(dispatcher: Any) -> bool | None:
    """Whether compiled code for this kernel's current source is on disk (None: unknown, e.g.
    an uncached fallback or a numba whose cache internals differ)."""
    try:
        return bool(dispatcher._cache._cache_file._load_index())
    except Exception:  # private numba API: never let the check itself fail a run
        return None


def note_compile(dispatchers: Sequence[Any]) -> None:
    """Say on stderr (a terminal only, once per process) that this run compiles the kernels,
    when any of ``dispatchers`` has nothing cached; otherwise the first run just looks slow."""
    global _compile_noted
    if _compile_noted:
        return
    _compile_noted = True
    if not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return
    if any(is_cached(d) is False for d in dispatchers):
        sys.stderr.write(
            f"storyline: compiling kernels (first run only, ~{COMPILE_SECONDS} s on 2 cores; "
            "cached after)\n"
        )
        sys.stderr.flush()


def warm_up() -> float:
    """Compile (or load) every kernel by running dedup (exact, near and contained copies) and
    pair scoring on a tiny corpus; returns the seconds it took."""
    from storyline.data import Article
    from storyline.dedup import DedupConfig, dedup
    from storyline.features.shingles import shingle_hashes, sorted_overlap, token_hashes, tokenize

    t0 = time.perf_counter()
    words = [f"w{i % 97}x{i * 7919 % 1009}" for i in range(400)]
    body = " ".join(words[:120])
    texts = [
        body,
        body + " Advertisement",  # exact copy once the noise is stripped
        body.replace(words[60], "changed"),  # near copy
        " ".join(words),  # contains the body
        "",
    ]
    dedup([Article(id=str(i), text=t) for i, t in enumerate(texts)], DedupConfig(workers=1))
    sorted_overlap(shingle_hashes(texts[0]), shingle_hashes(texts[2]))
    token_hashes(tokenize(body))
    return time.perf_counter() - t0


def main() -> int:
    """``python -m storyline.kernels``: fill the kernel cache now rather than on first use."""
    kernels = _kernels()
    cold = [d for d in kernels if is_cached(d) is False]
    seconds = warm_up()
    if any(is_cached(d) is None for d in kernels):
        print(f"storyline kernels: compiled in {seconds:.1f} s, but not cached (see the warning)")
        return 0
    still = [d.py_func.__name__ for d in cold if is_cached(d) is False]
    where = os.environ.get("NUMBA_CACHE_DIR") or "next to the modules (__pycache__)"
    done = f"compiled {len(cold) - len(still)} of {len(kernels)}" if cold else f"loaded {len(kernels)}"
    print(f"storyline kernels: {done} in {seconds:.1f} s (cache: {where})")
    if still:
        print(f"storyline kernels: not cached: {', '.join(still)}", file=sys.stderr)
    return 0


def _kernels() -> list[Any]:
    """Every kernel, from the imported ``storyline.kernels`` (not ``__main__`` under ``-m``)."""
    import importlib

    importlib.import_module("storyline.dedup")  # imports every kernel module
    return list(importlib.import_module("storyline.kernels")._registry)


if __name__ == "__main__":
    sys.exit(main())
