"""Build the packaged background IDF (src/storyline/resources/idf-en.json.gz) from wordfreq.

Method: wordfreq's English word frequencies f(w) (a blend of Wikipedia, subtitles, news, books,
web and social text), summed over words with the same light stem, are turned into the
probability that a document of ``--doc-len`` tokens contains the term:
p = 1 - exp(-f * doc_len). Nothing here sees storyline's evaluation data.

Run: .venv/bin/python benchmarks/build_idf.py   (needs `pip install wordfreq`)
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
from pathlib import Path

from storyline.features.tfidf import STOP_WORDS, stem

OUT = Path(__file__).resolve().parents[1] / "src" / "storyline" / "resources" / "idf-en.json.gz"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n-words", type=int, default=60000)
    ap.add_argument("--doc-len", type=float, default=400.0)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    import wordfreq

    freq: dict[str, float] = {}
    for w in wordfreq.top_n_list("en", args.n_words):
        if not w.isalpha() or w in STOP_WORDS:
            continue
        s = stem(w)
        freq[s] = freq.get(s, 0.0) + wordfreq.word_frequency(w, "en")
    prob = {t: round(1.0 - math.exp(-f * args.doc_len), 8) for t, f in sorted(freq.items())}
    prob = {t: p for t, p in prob.items() if p > 0}
    data = {
        "version": 1,
        "source": f"wordfreq {wordfreq.__version__ if hasattr(wordfreq, '__version__') else ''} "
        f"en top {args.n_words}, doc_len {args.doc_len:g}",
        "prob": prob,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(args.out, "wb", mtime=0) as fh:
        fh.write(json.dumps(data, sort_keys=True, separators=(",", ":")).encode())
    print(f"wrote {len(prob)} terms to {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
