"""Batch's last steps: the average-linkage merge pass, then stories, labels, final assignments.

A stream never re-arranges stories it already reported; a batch run may: two stories whose
scored cross pairs are, on average, as close as a story's own members are merged. Both the local
batch engine and Spark's per-component run call :func:`merge_stories` and :func:`finish`.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

from storyline.data import Article
from storyline.index.terms import top_terms
from storyline.stories.book import Meta, StoryBook, StoryState
from storyline.stories.config import ClusterConfig
from storyline.stories.types import Assignment, Story, StoryResult, story_id_for


def merge_stories(
    story_of: dict[str, str],
    edges: list[tuple[str, str, float]],
    cfg: ClusterConfig,
    time_order: list[str],
) -> dict[str, str]:
    """Sparse average-linkage merge of stories over the scored pairs.

    Linkage of two stories = mean score of their scored cross pairs; they merge when it is
    >= threshold and the cross pairs scoring >= support_threshold number at least
    ``min(min_support, cross pairs)``, ``merge_support`` x the smaller story's size and
    ``merge_agree`` x the number of scored cross pairs.
    Greedy, highest linkage first (ties by story ids); a merged story keeps the id of its
    earlier first member.
    """
    thr = cfg.threshold
    sup = cfg.support_at
    rank = {aid: i for i, aid in enumerate(time_order)}
    first_rank: dict[str, int] = {}
    size: dict[str, int] = defaultdict(int)
    for aid, sid in story_of.items():
        size[sid] += 1
        r = rank[aid]
        if r < first_rank.get(sid, 1 << 62):
            first_rank[sid] = r
    # cross-story accumulators: (sum, count, support)
    link: dict[str, dict[str, list[float]]] = defaultdict(dict)
    for a, b, s in edges:
        sa, sb = story_of[a], story_of[b]
        if sa == sb:
            continue
        for x, y in ((sa, sb), (sb, sa)):
            acc = link[x].setdefault(y, [0.0, 0.0, 0.0])
            acc[0] += s
            acc[1] += 1
            acc[2] += s >= sup
    heap: list[tuple[float, str, str]] = []

    def push(x: str, y: str) -> None:
        acc = link[x][y]
        avg = acc[0] / acc[1]
        need = max(min(cfg.min_support, acc[1]), cfg.merge_support * min(size[x], size[y]))
        if avg >= thr and acc[2] >= need and acc[2] >= cfg.merge_agree * acc[1]:
            heapq.heappush(heap, (-avg, min(x, y), max(x, y)))

    for x in sorted(link):
        for y in sorted(link[x]):
            if x < y:
                push(x, y)
    alias: dict[str, str] = {}
    while heap:
        neg, x, y = heapq.heappop(heap)
        if x in alias or y in alias or y not in link.get(x, {}):
            continue
        acc = link[x][y]
        if acc[0] / acc[1] != -neg:
            continue  # stale entry; the current value was pushed again
        keep, gone = (x, y) if first_rank[x] <= first_rank[y] else (y, x)
        alias[gone] = keep
        size[keep] += size[gone]
        for z, accz in link.pop(gone).items():
            link[z].pop(gone, None)
            if z == keep:
                continue
            tgt = link[keep].setdefault(z, [0.0, 0.0, 0.0])
            for j in range(3):
                tgt[j] += accz[j]
            link[z][keep] = tgt
        link[keep].pop(gone, None)
        for z in sorted(link[keep]):
            push(keep, z)

    def root(s: str) -> str:
        while s in alias:
            s = alias[s]
        return s

    return {aid: root(sid) for aid, sid in story_of.items()}


def build_stories(
    meta: Mapping[str, Meta],
    story_of: Mapping[str, str],
    states: Mapping[str, StoryState],
    label_terms: int,
    rename: bool = False,
) -> list[Story]:
    """Stories from per-article records: members by (time, input order), undated last.

    ``rename``: give each story the id derived from its first report (batch); otherwise keep
    the tracker's id (stream). Labels come from ``states`` (empty when a story has none).
    """
    members: dict[str, list[str]] = defaultdict(list)
    for aid, sid in story_of.items():
        members[sid].append(aid)
    inf = math.inf

    def key(aid: str) -> tuple[float, int]:
        m = meta[aid]
        return (m.time if m.time is not None else inf, m.order)

    out: list[Story] = []
    for sid, ids in members.items():
        ids.sort(key=key)
        dated = [meta[i] for i in ids if meta[i].time is not None]
        state = states.get(sid)
        out.append(
            Story(
                story_id_for(ids[0]) if rename else sid,
                ids,
                ids[0],
                label(state.terms if state else {}, label_terms),
                dated[0].published if dated else None,
                dated[-1].published if dated else None,
                sorted({src for i in ids if (src := meta[i].source)}),
            )
        )
    out.sort(key=lambda s: (-s.size, s.id))
    return out


def finish(
    articles: Sequence[Article],
    raw: dict[str, Assignment],
    story_of: dict[str, str],
    book: StoryBook,
    cfg: ClusterConfig,
    pairs_scored: int = 0,
    candidates_examined: int = 0,
) -> StoryResult:
    """The batch result: stories renamed after their first reports, labels summed over the raw
    stories merged into each, and every article's assignment (input order) pointing at them."""
    stories = build_stories(book.meta, story_of, {}, cfg.label_terms, rename=True)
    # labels: sum the term accumulators of every raw story merged into a final one
    parts: dict[str, list[str]] = defaultdict(list)
    for aid, asg in raw.items():
        if asg.is_new_story:
            parts[story_of[aid]].append(asg.story_id)
    final_of: dict[str, Story] = {}
    for st in stories:
        final_of[story_of[st.first_report]] = st
    for merged, raw_ids in parts.items():
        terms: dict[str, float] = defaultdict(float)
        for rid in raw_ids:
            for t, w in book.states[rid].terms.items():
                terms[t] += w
        final_of[merged].label = label(terms, cfg.label_terms)
    out: list[Assignment] = []
    for a in articles:
        asg = raw[a.id]
        st = final_of[story_of[a.id]]
        out.append(
            Assignment(
                a.id,
                st.id,
                asg.relation,
                asg.nearest_id,
                asg.similarity,
                st.first_report == a.id,
                asg.novelty,
                asg.candidates,
                asg.score,
            )
        )
    return StoryResult(out, stories, pairs_scored, candidates_examined)


def label(terms: Mapping[str, float], n: int) -> str:
    """Top entities of a story (then top terms when there are fewer than ``n`` entities)."""
    ents = {t: w for t, w in terms.items() if t.startswith("e:")}
    picked = [t[2:] for t, _ in top_terms(ents, n)]
    if len(picked) < n:
        words = [t for t, _ in top_terms(terms, 2 * n) if not t.startswith("e:")]
        picked += [w for w in words if w not in picked][: n - len(picked)]
    return ", ".join(picked)
