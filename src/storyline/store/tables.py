"""The store's SQL statements, named, in one place (the indexer and the store's reads use them).

Statements with a variable number of parameters are built by the small functions at the end;
everything else is a constant, so a reviewer sees every query the store runs in one file.
"""

from __future__ import annotations

# -- meta -------------------------------------------------------------------------------
SET_META_ONCE = "INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)"

# -- lookups used by dedup and assignment ---------------------------------------------------
FIRST_WITH_HASH = "SELECT seq FROM articles WHERE content_hash = ? ORDER BY seq LIMIT 1"
TEXT_OF = "SELECT text FROM articles WHERE seq = ?"
ID_OF = "SELECT id FROM articles WHERE seq = ?"
DUPLICATE_OF = "SELECT duplicate_of FROM decisions WHERE seq = ?"
STORY_OF = "SELECT story_id FROM assignments WHERE seq = ?"
STORY_SUMMARY = "SELECT first_ts, sources, label FROM stories WHERE id = ?"
# articles (with story and stored features) added after a seq, for the assigner's catch-up
STORED_AFTER = (
    "SELECT a.seq, a.id, a.published, s.story_id, s.relation, f.data, a.source,"
    " CASE WHEN f.data IS NULL THEN NULL ELSE a.text END "
    "FROM articles a JOIN assignments s ON s.seq = a.seq "
    "LEFT JOIN features f ON f.seq = a.seq "
    "WHERE a.seq > ? ORDER BY a.seq LIMIT 2000"
)

# -- writes -------------------------------------------------------------------------------
INSERT_ARTICLE = (
    "INSERT INTO articles(id, title, url, source, published, lang, dateline, meta, raw,"
    " original, text, content_hash, ts, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
INSERT_SIGNATURE = "INSERT INTO signatures(seq, sig) VALUES (?, ?)"
INSERT_BUCKET = "INSERT OR IGNORE INTO lsh_buckets(band, hash, seq) VALUES (?, ?, ?)"
INSERT_DECISION = "INSERT INTO decisions(seq, duplicate_of, score, reason) VALUES (?, ?, ?, ?)"
INSERT_ASSIGNMENT = (
    "INSERT INTO assignments(seq, story_id, relation, nearest, similarity, is_new_story,"
    " novelty) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
INSERT_FEATURES = "INSERT INTO features(seq, kind, data) VALUES (?, ?, ?)"
INSERT_STORY = (
    "INSERT INTO stories(id, label, first_seq, first_ts, last_ts, size, sources)"
    " VALUES (?, ?, ?, ?, ?, 1, ?)"
)
GROW_STORY = (
    "UPDATE stories SET size = size + 1, sources = ?, last_ts = max(last_ts, ?),"
    " label = coalesce(?, label) WHERE id = ?"
)
MOVE_FIRST_REPORT = "UPDATE stories SET first_ts = ?, first_seq = ? WHERE id = ?"


def _marks(n: int) -> str:
    return ",".join("?" * n)


def bucket_lookup(n_bands: int) -> str:
    """One statement for all bands of a signature (each term a primary-key lookup)."""
    return "SELECT seq FROM lsh_buckets WHERE " + " OR ".join(
        f"(band = {b} AND hash = ?)" for b in range(n_bands)
    )


def signatures_of(n: int) -> str:
    return f"SELECT seq, sig FROM signatures WHERE seq IN ({_marks(n)})"


def drop_features_of(n: int) -> str:
    """Delete the stored features of ``n`` articles given by id."""
    return f"DELETE FROM features WHERE seq IN (SELECT seq FROM articles WHERE id IN ({_marks(n)}))"
