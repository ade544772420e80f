"""The relation rule's one judgement call: is a same-story pair one origin's revision of its own report?"""

from __future__ import annotations

import re
from collections.abc import Mapping

from storyline.link.model import RelationThresholds

# Words that name what kind of outlet a source is rather than which one: "Nordpress" and
# "Nordpress News Agency" are one origin.
_GENERIC_SOURCE_WORDS = frozenset(
    ["the", "news", "agency", "press", "service", "wire", "wires", "staff", "reporters", "reporter", "inc", "ltd", "corp", "co", "group", "media", "newspaper", "online", "digital", "com", "net", "org"]
)


def _source_tokens(name: str) -> list[str]:
    words = re.findall(r"[^\W_]+", name.lower())
    return [w for w in words if w not in _GENERIC_SOURCE_WORDS] or words


def _same_name(a: str, b: str) -> bool:
    """Whether two parsed source names denote one origin: equal up to case, punctuation and
    generic words ("Nordpress" / "Nordpress News Agency"), one name's words all inside the
    other's ("Reuters" / "Thomson Reuters"), or an acronym of the other ("AFP" /
    "Agence France-Presse")."""
    ta, tb = _source_tokens(a), _source_tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if set(short) <= set(long_):
        return True
    return _acronym_of(ta, b) or _acronym_of(tb, a)


def _acronym_of(tokens: list[str], name: str) -> bool:
    full = [w for w in re.findall(r"[^\W_]+", name.lower()) if w not in ("the", "of", "and")]
    return len(tokens) == 1 and len(full) >= 2 and tokens[0] == "".join(w[0] for w in full)


def is_revision(
    source_a: str | None, source_b: str | None, s: Mapping[str, float], t: RelationThresholds
) -> bool:
    """Whether a same-story pair is one origin's update of its own report, from signals that
    hold in real wire copy rather than on layout: the origin (source or agency as parsed) must
    be the same, and the later text must keep the earlier one's wording (shared 5-shingles or
    verbatim sentences), its quotes, or carry counts that moved as an update's do.

    Two different known origins are never a revision (one outlet does not update another's
    story: that is ``same_story``). With an origin unknown on either side the bar is higher:
    the same dateline and verbatim sentences kept.
    """
    kept = max(s["containment"], s["sent_match"])
    if source_a and source_b:
        if not _same_name(source_a, source_b):
            return False
        return kept >= t.revision_containment or s["quote"] >= 0.5 or s["num_update"] > 0
    return s["dateline_same"] > 0 and s["sent_match"] >= t.revision_sentences

