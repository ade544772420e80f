"""Stored features: the Linker's codec (storyline.link.codec) against the pickle format it replaced.

Method: featurize N synthetic articles (storyline.synth, fixed seed) with the packaged lexical
Linker; encode each article's features in both formats (pickle: protocol 5, zlib level 1, text
left out, as stores written before the codec; codec: Linker.to_bytes) and decode them back
(pickle through the restricted unpickler of store/assigners/legacy_pickle.py, the codec through
Linker.from_bytes). Times are process CPU seconds, best of ``--repeat`` runs, both formats
measured in the same process one after the other; sizes are the stored bytes. Decoding is what
reopening a store (serve, index add) pays per article kept in the tracker's window.

Run: PYTHONPATH=src .venv/bin/python benchmarks/feature_codec.py [--n 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import pickle
import platform
import time
import zlib
from collections.abc import Callable
from typing import Any

from storyline.link import Linker
from storyline.store.assigners.legacy_pickle import decode_legacy
from storyline.synth import generate

_TEXT = "\x00<text in store>"


def _pickle(f: Any, text: str) -> bytes:
    if f.text == text:
        f = dataclasses.replace(f, text=_TEXT)
    return zlib.compress(pickle.dumps(f, protocol=5), 1)


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    linker = Linker.load()
    from storyline.data import Article

    arts = [Article(**{k: r[k] for k in ("id", "text", "title", "source", "published") if k in r})
            for r in generate(args.n, seed=5)]
    feats = linker.featurize_many(arts)
    texts = [f.text for f in feats]
    # ArticleFeatures is named storyline.link.ArticleFeatures in old pickles; the allow-list
    # resolves that name, so pickle under it as old stores did
    from storyline.link import ArticleFeatures

    ArticleFeatures.__module__ = "storyline.link"
    pickled = [_pickle(f, t) for f, t in zip(feats, texts, strict=True)]
    coded = [linker.to_bytes(f, t) for f, t in zip(feats, texts, strict=True)]
    rows = {
        "pickle (old)": (
            _best(lambda: [_pickle(f, t) for f, t in zip(feats, texts, strict=True)], args.repeat),
            _best(lambda: [decode_legacy(b, t) for b, t in zip(pickled, texts, strict=True)], args.repeat),
            sum(map(len, pickled)),
        ),
        "codec storyline.link/1": (
            _best(lambda: [linker.to_bytes(f, t) for f, t in zip(feats, texts, strict=True)], args.repeat),
            _best(lambda: [linker.from_bytes(b, t) for b, t in zip(coded, texts, strict=True)], args.repeat),
            sum(map(len, coded)),
        ),
    }
    print(__doc__.split("\n\n")[1].replace("\n", " "))
    print(f"data: {args.n} synthetic articles (storyline.synth seed 5), lexical Linker; "
          f"machine: {platform.machine()}, {os.cpu_count()} CPUs (shared with other jobs), "
          f"Python {platform.python_version()}")
    print(f"{'format':24} {'encode us/article':>18} {'decode us/article':>18} {'bytes/article':>14}")
    for name, (enc, dec, size) in rows.items():
        print(f"{name:24} {enc / args.n * 1e6:18.1f} {dec / args.n * 1e6:18.1f} {size / args.n:14.0f}")
    (pe, pd, ps), (ce, cd, cs) = rows.values()
    print(f"codec / pickle: encode x{ce / pe:.2f}, decode x{cd / pd:.2f}, size x{cs / ps:.2f}")


if __name__ == "__main__":
    main()
