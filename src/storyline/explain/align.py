"""Sentence alignment that survives reordering, edits, splits and merges, plus word diffs.

A sequential diff (difflib over the sentence list) loses a sentence as soon as an editor moves
a paragraph. Here every sentence of A is scored against every sentence of B by token-set
similarity (Dice over lowercased word tokens) and pairs are taken greedily, best first; a
sentence left over that is nearly contained in an already matched sentence (a merge such as
"glued" scraper output or an editor joining two sentences) joins that pair. Edited pairs get a
word-level diff from :mod:`difflib`. Pure functions, no I/O.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from storyline.normalize import split_sentences

__all__ = [
    "AlignConfig",
    "Alignment",
    "AlignedPair",
    "DiffOp",
    "Sentence",
    "align_sentences",
    "diff_regions",
    "locate_sentences",
    "word_diff",
]

_WORD = re.compile(r"\w+")
# Diff tokens: words (keeping "1,200", "3.5", "don't", "well-known" whole) or one symbol.
_DIFF_TOKEN = re.compile(r"\w+(?:[.,'-]\w+)*|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence with its position in the article text (``text[start:end]``)."""

    index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One diff segment. ``op`` is equal|delete|insert; ``text`` keeps its leading space.

    Concatenating the equal and delete segments gives A's sentence; equal and insert gives B's.
    """

    op: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """Sentences of A and B that say the same thing (several on one side after a merge)."""

    a: tuple[Sentence, ...]
    b: tuple[Sentence, ...]
    kind: str  # same | edited
    similarity: float
    diff: tuple[DiffOp, ...] = ()

    @property
    def a_text(self) -> str:
        return " ".join(s.text for s in self.a)

    @property
    def b_text(self) -> str:
        return " ".join(s.text for s in self.b)


@dataclass(slots=True)
class Alignment:
    pairs: list[AlignedPair] = field(default_factory=list)
    only_a: list[Sentence] = field(default_factory=list)
    only_b: list[Sentence] = field(default_factory=list)

    def moved(self) -> list[bool]:
        """Per pair (in A order): True when the sentence moved, i.e. it is outside the longest
        run of pairs whose B positions keep A's order (the fewest pairs that explain a move)."""
        seq = [p.b[0].index for p in self.pairs]
        keep = _longest_increasing(seq)
        return [i not in keep for i in range(len(seq))]


def _longest_increasing(seq: list[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence (patience sorting)."""
    import bisect

    tails: list[int] = []  # smallest tail value of an increasing run of each length
    tail_pos: list[int] = []
    prev = [-1] * len(seq)
    for i, v in enumerate(seq):
        k = bisect.bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tail_pos.append(i)
        else:
            tails[k] = v
            tail_pos[k] = i
        prev[i] = tail_pos[k - 1] if k else -1
    out: set[int] = set()
    i = tail_pos[-1] if tail_pos else -1
    while i >= 0:
        out.add(i)
        i = prev[i]
    return out


@dataclass(frozen=True, slots=True)
class AlignConfig:
    """Thresholds for calling two sentences the same sentence (possibly edited).

    ``min_similarity``: Dice of token sets; a sentence with two of seven words changed still
    scores 0.71, while two unrelated sentences on one topic rarely pass 0.4.
    ``min_shared``: short sentences ("He said.") need this many shared tokens to match at all.
    ``min_containment``: share of a leftover sentence's tokens found in a matched sentence on
    the other side for it to count as merged into that sentence.
    """

    min_similarity: float = 0.5
    min_shared: int = 3
    min_containment: float = 0.8


_DEFAULT = AlignConfig()


def locate_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences (normalize.split_sentences) and find their offsets."""
    out: list[Sentence] = []
    pos = 0
    for i, s in enumerate(split_sentences(text)):
        start = text.find(s, pos)
        if start < 0:  # cannot happen for split_sentences output; stay safe anyway
            start = pos
        end = start + len(s)
        out.append(Sentence(i, s, start, end))
        pos = end
    return out


def _tokens(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _dice(x: frozenset[str], y: frozenset[str]) -> tuple[float, int]:
    if not x or not y:
        return 0.0, 0
    n = len(x & y)
    return 2.0 * n / (len(x) + len(y)), n


def _diff_tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _DIFF_TOKEN.finditer(text)]


def _opcodes(
    a: str, b: str
) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]], list[tuple[str, int, int, int, int]]]:
    ta, tb = _diff_tokens(a), _diff_tokens(b)
    sm = difflib.SequenceMatcher(None, [t[0] for t in ta], [t[0] for t in tb], autojunk=False)
    return ta, tb, [(str(tag), i1, i2, j1, j2) for tag, i1, i2, j1, j2 in sm.get_opcodes()]


def word_diff(a: str, b: str) -> tuple[DiffOp, ...]:
    """Word-level diff of two sentences; replacements come as delete then insert.

    Exact on both sides: whitespace that differs around an equal word becomes a
    whitespace-only delete/insert (renderers show nothing for it).
    """
    ta, tb, opcodes = _opcodes(a, b)
    raw: list[tuple[str, str]] = []

    def lead(text: str, toks: list[tuple[str, int, int]], i: int) -> str:
        start = toks[i - 1][2] if i > 0 else 0
        end = toks[i][1] if i < len(toks) else len(text)
        return text[start:end]

    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                la, lb = lead(a, ta, i), lead(b, tb, j)
                if la != lb:
                    raw += [("delete", la), ("insert", lb)]
                    la = ""
                raw.append(("equal", la + ta[i][0]))
            continue
        raw += [("delete", lead(a, ta, i) + ta[i][0]) for i in range(i1, i2)]
        raw += [("insert", lead(b, tb, j) + tb[j][0]) for j in range(j1, j2)]
    tail_a, tail_b = lead(a, ta, len(ta)), lead(b, tb, len(tb))
    raw += [("delete", tail_a), ("insert", tail_b)] if tail_a != tail_b else [("equal", tail_a)]
    ops: list[DiffOp] = []
    for op, text in raw:
        if not text:
            continue
        if ops and ops[-1].op == op:
            ops[-1] = DiffOp(op, ops[-1].text + text)
        else:
            ops.append(DiffOp(op, text))
    return tuple(ops)


def diff_regions(a: str, b: str) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
    """Changed regions as (tag, a_span, b_span) character spans; tag replace|delete|insert.

    An empty span sits where the other side's text was inserted or deleted.
    """
    ta, tb, opcodes = _opcodes(a, b)

    def span(toks: list[tuple[str, int, int]], i1: int, i2: int, n: int) -> tuple[int, int]:
        if i2 > i1:
            return toks[i1][1], toks[i2 - 1][2]
        pos = toks[i1][1] if i1 < len(toks) else n
        return pos, pos

    return [
        (tag, span(ta, i1, i2, len(a)), span(tb, j1, j2, len(b)))
        for tag, i1, i2, j1, j2 in opcodes
        if tag != "equal"
    ]


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def align_sentences(
    a: list[Sentence], b: list[Sentence], config: AlignConfig | None = None
) -> Alignment:
    """Match sentences of A and B one to one (best first), then attach merged leftovers.

    Deterministic: ties break by closeness of relative position, then by index.
    """
    cfg = config or _DEFAULT
    ta = [_tokens(s.text) for s in a]
    tb = [_tokens(s.text) for s in b]
    # inverted index over B so only pairs sharing a token are scored; on long articles the
    # tokens found in very many sentences ("the", "said") are not used to find candidates
    # (a pair that passes the thresholds shares rarer words too), else it is quadratic
    postings: dict[str, list[int]] = {}
    for j, toks in enumerate(tb):
        for t in toks:
            postings.setdefault(t, []).append(j)
    frequent = max(30, len(b) // 50)
    exact_b: dict[str, list[int]] = {}  # identical sentences always meet, whatever their words
    for j, s in enumerate(b):
        exact_b.setdefault(" ".join(s.text.split()), []).append(j)
    na, nb = max(len(a), 1), max(len(b), 1)
    cands: list[tuple[float, float, int, int]] = []
    for i, toks in enumerate(ta):
        seen: set[int] = set(exact_b.get(" ".join(a[i].text.split()), ()))
        for t in toks:
            js = postings.get(t, ())
            if len(js) <= frequent:
                seen.update(js)
        for j in seen:
            sim, shared = _dice(toks, tb[j])
            exact = sim == 1.0 and _same(a[i].text, b[j].text)
            if exact or (sim >= cfg.min_similarity and shared >= cfg.min_shared):
                cands.append((-(sim + (1.0 if exact else 0.0)), abs(i / na - j / nb), i, j))
    cands.sort()
    match_a: dict[int, int] = {}
    match_b: dict[int, int] = {}
    for _, _, i, j in cands:
        if i not in match_a and j not in match_b:
            match_a[i] = j
            match_b[j] = i

    # merges: a leftover sentence almost contained in a matched partner of its neighbour
    extra_a = _merges(ta, tb, match_a, cfg)  # b index -> extra a indices merged into that pair
    extra_b = _merges(tb, ta, match_b, cfg)  # a index -> extra b indices

    used_a = set(match_a) | {i for v in extra_a.values() for i in v}
    used_b = set(match_b) | {j for v in extra_b.values() for j in v}
    pairs: list[AlignedPair] = []
    for i in sorted(match_a):
        j = match_a[i]
        sa = tuple(a[k] for k in sorted([i, *extra_a.get(j, [])]))
        sb = tuple(b[k] for k in sorted([j, *extra_b.get(i, [])]))
        pairs.append(_pair(sa, sb))
    return Alignment(
        pairs=pairs,
        only_a=[s for s in a if s.index not in used_a],
        only_b=[s for s in b if s.index not in used_b],
    )


def _merges(
    mine: list[frozenset[str]],
    theirs: list[frozenset[str]],
    matched: dict[int, int],
    cfg: AlignConfig,
) -> dict[int, list[int]]:
    """One side's leftover sentences merged into a neighbour's pair: partner index -> own indices
    (the same rule runs from each side, so a split or a join is found whichever text holds it)."""
    extra: dict[int, list[int]] = {}
    for i in range(len(mine)):
        if i in matched or not mine[i]:
            continue
        target = _merge_target(i, mine, theirs, matched, cfg)
        if target is not None:
            extra.setdefault(target, []).append(i)
    return extra


def _merge_target(
    i: int,
    mine: list[frozenset[str]],
    theirs: list[frozenset[str]],
    matched: dict[int, int],
    cfg: AlignConfig,
) -> int | None:
    """The partner of a matched neighbour (i-1 or i+1) that contains sentence i's tokens."""
    for k in (i - 1, i + 1):
        j = matched.get(k)
        if j is None:
            continue
        partner = theirs[j]
        shared = len(mine[i] & partner)
        if shared >= cfg.min_shared and shared / len(mine[i]) >= cfg.min_containment:
            # the partner must have more than its own match explains: it absorbed sentence i
            rest = partner - mine[k]
            if len(mine[i] & rest) / len(mine[i]) >= cfg.min_containment * 0.75:
                return j
    return None


def _pair(sa: tuple[Sentence, ...], sb: tuple[Sentence, ...]) -> AlignedPair:
    a_text = " ".join(s.text for s in sa)
    b_text = " ".join(s.text for s in sb)
    sim, _ = _dice(_tokens(a_text), _tokens(b_text))
    if _same(a_text, b_text):
        return AlignedPair(sa, sb, "same", 1.0)
    return AlignedPair(sa, sb, "edited", round(sim, 4), word_diff(a_text, b_text))
