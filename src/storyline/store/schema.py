"""Versioned SQLite schema: an ordered list of migrations, each applied once in a transaction.

Never edit a released migration; append a new one. ``migrations`` records what ran and when,
so an old store opened by new code is upgraded in place and a newer store is refused clearly.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "initial: articles, signatures, LSH buckets, features, decisions, assignments, stories",
        """
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        -- seq is the internal key (insertion order), id is the caller's article id
        CREATE TABLE articles (
            seq          INTEGER PRIMARY KEY,
            id           TEXT NOT NULL UNIQUE,
            title        TEXT,
            url          TEXT,
            source       TEXT,
            published    TEXT,
            lang         TEXT,
            dateline     TEXT,
            meta         TEXT NOT NULL DEFAULT '{}',
            raw          BLOB,           -- zlib: the record as read (JSON line, HTML), NULL if = original
            original     BLOB NOT NULL,  -- zlib: article text before normalization
            text         BLOB NOT NULL,  -- zlib: normalized text (what matching uses)
            content_hash BLOB NOT NULL,
            ts           TEXT NOT NULL,
            added_at     TEXT NOT NULL
        );
        CREATE INDEX articles_hash ON articles(content_hash);
        CREATE TABLE signatures (
            seq INTEGER PRIMARY KEY REFERENCES articles(seq),
            sig BLOB NOT NULL
        );
        CREATE TABLE lsh_buckets (
            band INTEGER NOT NULL,
            hash INTEGER NOT NULL,
            seq  INTEGER NOT NULL,
            PRIMARY KEY (band, hash, seq)
        ) WITHOUT ROWID;
        CREATE TABLE features (
            seq  INTEGER PRIMARY KEY REFERENCES articles(seq),
            kind TEXT NOT NULL,
            data BLOB NOT NULL
        );
        CREATE TABLE decisions (
            seq          INTEGER PRIMARY KEY REFERENCES articles(seq),
            duplicate_of INTEGER REFERENCES articles(seq),
            score        REAL NOT NULL,
            reason       TEXT NOT NULL
        );
        CREATE TABLE assignments (
            seq          INTEGER PRIMARY KEY REFERENCES articles(seq),
            story_id     TEXT NOT NULL,
            relation     TEXT NOT NULL,
            nearest      INTEGER REFERENCES articles(seq),
            similarity   REAL,
            is_new_story INTEGER NOT NULL,
            novelty      REAL
        );
        CREATE INDEX assignments_story ON assignments(story_id, seq);
        CREATE TABLE stories (
            id        TEXT PRIMARY KEY,
            label     TEXT,
            first_seq INTEGER NOT NULL REFERENCES articles(seq),
            first_ts  TEXT NOT NULL,
            last_ts   TEXT NOT NULL,
            size      INTEGER NOT NULL,
            sources   TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX stories_first ON stories(first_ts, id);
        CREATE INDEX stories_last ON stories(last_ts, id);
        """,
    ),
]

LATEST = MIGRATIONS[-1][0]
