"""Comparison of two stored articles for the API and the web page.

Uses :func:`storyline.compare.compare` when that module is installed; otherwise a small
sentence alignment (difflib over normalized sentences) with the same JSON shape, so the page
works either way.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from storyline.data import Article
from storyline.errors import DamagedDataError

_NUM = re.compile(r"\d[\d,.]*")


def article_from_row(row: dict[str, Any]) -> Article:
    """The stored article as an Article; DamagedDataError (E021) when its texts are damaged."""
    if row.get("damaged"):
        raise DamagedDataError(f"article {row['id']!r} has a damaged stored text: {row['damaged']}",
                               where=f"article {row['id']!r}")
    return Article(
        id=row["id"],
        text=row["original"],
        title=row["title"],
        url=row["url"],
        source=row["source"],
        published=row["published"],
        lang=row["lang"],
        dateline=row["dateline"],
        meta=dict(row["meta"]),
    )


def compare_rows(a: dict[str, Any], b: dict[str, Any], linker: Any = None) -> dict[str, Any]:
    """The compare JSON for two stored article rows (as returned by Store.get_article)."""
    art_a, art_b = article_from_row(a), article_from_row(b)
    try:
        from storyline.compare import compare
    except ImportError:
        return _fallback(a, b)
    result: dict[str, Any] = compare(art_a, art_b, linker=linker).to_dict()
    return result


def _fallback(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    from storyline.normalize import split_sentences

    sa, sb = split_sentences(a["text"]), split_sentences(b["text"])
    sm = difflib.SequenceMatcher(a=sa, b=sb, autojunk=False)
    aligned: list[dict[str, Any]] = []
    only_a: list[str] = []
    only_b: list[str] = []
    changed: list[dict[str, Any]] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            aligned += [{"a": sa[i], "b": sb[j], "similarity": 1.0} for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
            continue
        left, right = sa[i1:i2], sb[j1:j2]
        used: set[int] = set()
        for x in left:
            best, best_j = 0.0, -1
            for j, y in enumerate(right):
                if j in used:
                    continue
                r = difflib.SequenceMatcher(a=x, b=y, autojunk=False).ratio()
                if r > best:
                    best, best_j = r, j
            if best >= 0.6:
                used.add(best_j)
                y = right[best_j]
                aligned.append({"a": x, "b": y, "similarity": round(best, 3)})
                na, nb = _NUM.findall(x), _NUM.findall(y)
                for va, vb in zip(na, nb, strict=False):
                    if va != vb:
                        changed.append({"kind": "number", "a": va, "b": vb, "sentence_a": x, "sentence_b": y})
            else:
                only_a.append(x)
        only_b += [y for j, y in enumerate(right) if j not in used]
    sim = 2 * len([x for x in aligned if x["similarity"] == 1.0]) / max(1, len(sa) + len(sb))
    quotes_a = set(re.findall(r'"([^"]{12,})"', a["text"]))
    quotes_b = set(re.findall(r'"([^"]{12,})"', b["text"]))
    return {
        "a": a["id"],
        "b": b["id"],
        "relation": "duplicate" if sim > 0.9 else ("same_story" if aligned else "unrelated"),
        "similarity": round(sim, 4),
        "dimensions": {},
        "evidence": {
            "shared_quotes": sorted(quotes_a & quotes_b),
            "changed_facts": changed,
            "entities": {},
            "sentences": {"aligned": aligned, "only_a": only_a, "only_b": only_b},
            "boilerplate_removed": {
                "a": a["meta"].get("boilerplate_removed", []),
                "b": b["meta"].get("boilerplate_removed", []),
            },
        },
        "method": "sentence alignment (difflib); install the compare module for full evidence",
    }
