"""The store's SQL statements, named, in one place (the store's reads and migrations, the indexer).

Statements with a variable number of parameters are built by the small functions at the end;
everything else is a constant, so a reviewer sees every query the store runs in one file.
"""

from __future__ import annotations

# -- schema and meta -----------------------------------------------------------------------
IS_STORE = "SELECT count(*) FROM sqlite_master WHERE name IN ('migrations', 'meta')"
CREATE_MIGRATIONS = (
    "CREATE TABLE IF NOT EXISTS migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)
APPLIED_VERSIONS = "SELECT version FROM migrations"
RECORD_MIGRATION = "INSERT INTO migrations(version, name, applied_at) VALUES (?, ?, ?)"
SCHEMA_VERSION = "SELECT max(version) FROM migrations"
GET_META = "SELECT value FROM meta WHERE key = ?"
SET_META = "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)"
SET_META_ONCE = "INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)"

# -- reads: articles with their decision and assignment, stories, counts ----------------------
ARTICLE = """
    SELECT a.seq, a.id, a.title, a.url, a.source, a.published, a.lang, a.dateline, a.meta,
           a.original, a.text, a.ts, a.added_at, a.raw,
           d.duplicate_of, dd.id, d.score, d.reason,
           s.story_id, s.relation, n.id, s.similarity, s.is_new_story, s.novelty
    FROM articles a
    LEFT JOIN decisions d ON d.seq = a.seq
    LEFT JOIN articles dd ON dd.seq = d.duplicate_of
    LEFT JOIN assignments s ON s.seq = a.seq
    LEFT JOIN articles n ON n.seq = s.nearest
"""

# the same columns without the (compressed, often multi-page) texts: listings skip them
ARTICLE_NOTEXT = ARTICLE.replace("a.original, a.text,", "NULL, NULL,").replace(
    "a.added_at, a.raw,", "a.added_at, NULL,"
)
WHERE_ID = " WHERE a.id = ?"
WHERE_AFTER_SEQ = " WHERE a.seq > ? ORDER BY a.seq LIMIT ?"
WHERE_MEMBER_OF = " WHERE s.story_id = ? ORDER BY a.ts, a.seq"

STORY = """
    SELECT st.id, st.label, a.id, st.first_ts, st.last_ts, st.size, st.sources
    FROM stories st JOIN articles a ON a.seq = st.first_seq
"""
WHERE_STORY_ID = " WHERE st.id = ?"

SEQ_OF = "SELECT seq FROM articles WHERE id = ?"
LAST_SEQ = "SELECT coalesce(max(seq), 0) FROM articles"
COUNT_DUPLICATES = "SELECT count(*) FROM decisions WHERE duplicate_of IS NOT NULL"
COUNT_RELATIONS = "SELECT relation, count(*) FROM assignments GROUP BY relation"
COUNT_MULTI_STORIES = "SELECT count(*) FROM stories WHERE size > 1"
TIME_SPAN = "SELECT min(ts), max(ts) FROM articles"
# consistency checks
STORY_SIZES_TOTAL = "SELECT coalesce(sum(size), 0) FROM stories"
STORIES_WITH_WRONG_SIZE = (
    "SELECT count(*) FROM (SELECT story_id, count(*) AS k FROM assignments GROUP BY story_id) x "
    "LEFT JOIN stories st ON st.id = x.story_id WHERE st.size IS NOT x.k"
)
# every stored blob, in pages (storyline index check decodes them all)
TEXTS_AFTER = "SELECT seq, id, raw, original, text FROM articles WHERE seq > ? ORDER BY seq LIMIT ?"
SIGNATURES_AFTER = (
    "SELECT g.seq, a.id, g.sig FROM signatures g LEFT JOIN articles a ON a.seq = g.seq "
    "WHERE g.seq > ? ORDER BY g.seq LIMIT ?"
)
FEATURES_AFTER = (
    "SELECT f.seq, a.id, f.kind, f.data, a.text FROM features f LEFT JOIN articles a ON a.seq = f.seq "
    "WHERE f.seq > ? ORDER BY f.seq LIMIT ?"
)
TABLES = frozenset(("articles", "signatures", "lsh_buckets", "features", "decisions", "assignments", "stories"))

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
    " CASE WHEN f.data IS NULL THEN NULL ELSE a.text END, f.kind "
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
# feature records not in a given codec (an older format), with the text they leave out
FEATURES_NOT_OF_KIND = (
    "SELECT f.seq, f.kind, f.data, a.text FROM features f JOIN articles a ON a.seq = f.seq "
    "WHERE f.kind != ? AND f.seq > ? ORDER BY f.seq LIMIT 500"
)
REWRITE_FEATURES = "UPDATE features SET kind = ?, data = ? WHERE seq = ?"
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


def members_brief(n: int) -> str:
    """(story id, article id, time, title) of every member of ``n`` stories, each story in
    time order."""
    return ("SELECT s.story_id, a.id, a.ts, a.title FROM assignments s JOIN articles a ON a.seq = s.seq"
            f" WHERE s.story_id IN ({_marks(n)}) ORDER BY s.story_id, a.ts, a.seq")


def bucket_lookup(n_bands: int) -> str:
    """One statement for all bands of a signature (each term a primary-key lookup)."""
    return "SELECT seq FROM lsh_buckets WHERE " + " OR ".join(
        f"(band = {b} AND hash = ?)" for b in range(n_bands)
    )


def count_rows(table: str) -> str:
    if table not in TABLES:
        raise ValueError(table)
    return f"SELECT count(*) FROM {table}"


def originals_of(n: int) -> str:
    return f"SELECT id, original FROM articles WHERE id IN ({_marks(n)})"


def ids_among(n: int) -> str:
    return f"SELECT id FROM articles WHERE id IN ({_marks(n)})"


def articles_by_seq(n: int) -> str:
    return ARTICLE + f" WHERE a.seq IN ({_marks(n)})"


def signatures_of(n: int) -> str:
    return f"SELECT seq, sig FROM signatures WHERE seq IN ({_marks(n)})"


def drop_features_of(n: int) -> str:
    """Delete the stored features of ``n`` articles given by id."""
    return f"DELETE FROM features WHERE seq IN (SELECT seq FROM articles WHERE id IN ({_marks(n)}))"
