"""The cache's tables. Nothing in them is the user's: all of it can be rebuilt
from the files, so a cache of another version is dropped, not migrated."""

from __future__ import annotations

from reader.sqlite import sqlite3

SCHEMA_VERSION = 16

TABLES = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
-- One row a folder of the library: a digest of its article files' names,
-- sizes and times, so an unchanged folder is recognised without listing it
-- against the files table (refresh.py).
CREATE TABLE IF NOT EXISTS folders(dir TEXT PRIMARY KEY, digest INTEGER NOT NULL, count INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files(
    dir TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    article INTEGER,
    PRIMARY KEY (dir, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS articles(
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    excerpt TEXT,
    url TEXT,
    published_at INTEGER,
    quality REAL,
    heat REAL,
    published INTEGER,
    provider TEXT,
    domain TEXT,
    provider_key TEXT NOT NULL,
    topics TEXT NOT NULL,
    n_related INTEGER NOT NULL,
    has_body INTEGER NOT NULL,
    ident TEXT NOT NULL,  -- the key of the user's marks (reader.state.identity)
    has_full INTEGER NOT NULL DEFAULT 0,  -- its page's full text is in the fts row (reader.fulltext)
    -- Its story (reader.store.stories): the uid of the story's first report,
    -- how many articles it has, this one's place in it (0: the head) and the
    -- members' heat added up. Alone, an article is a story of one.
    story TEXT NOT NULL,
    story_size INTEGER NOT NULL DEFAULT 1,
    story_rank INTEGER NOT NULL DEFAULT 0,
    story_heat REAL
);
-- How many articles hold each word grouping weighs, and how many in their
-- headline (reader.store.stories).
CREATE TABLE IF NOT EXISTS story_words(word TEXT PRIMARY KEY, n INTEGER NOT NULL, headlines INTEGER NOT NULL) WITHOUT ROWID;
-- Each article's canonical links (related 0) and its related items' (1): a
-- new article finds the same page, or the articles naming it, here.
CREATE TABLE IF NOT EXISTS story_links(link TEXT NOT NULL, id INTEGER NOT NULL, related INTEGER NOT NULL);
-- Kept apart so the list's table stays narrow: more rows a page, quicker scans.
CREATE TABLE IF NOT EXISTS article_data(id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS topics(article INTEGER NOT NULL, topic TEXT NOT NULL, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS problems(path TEXT NOT NULL, line INTEGER, reason TEXT NOT NULL, skipped INTEGER NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, excerpt, body, provider, topics, fulltext,
    tokenize = "unicode61 remove_diacritics 2"
);
"""

# The tables a usable cache has (a damaged schema page loses some).
NAMES = ("meta", "folders", "files", "articles", "article_data", "topics", "problems", "fts", "story_words", "story_links")

# Made after a first build's bulk insert (sorting once is quicker than keeping
# them up to date row by row); from then on SQLite keeps them current.
INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS articles_path ON articles(path);
CREATE INDEX IF NOT EXISTS articles_uid ON articles(uid);
CREATE INDEX IF NOT EXISTS articles_quality ON articles(quality);
CREATE INDEX IF NOT EXISTS articles_date ON articles(published_at);
CREATE INDEX IF NOT EXISTS articles_heat ON articles(heat);
CREATE INDEX IF NOT EXISTS articles_provider ON articles(provider_key);
CREATE INDEX IF NOT EXISTS articles_ident ON articles(ident);
CREATE INDEX IF NOT EXISTS articles_title ON articles(title COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS articles_story ON articles(story);
CREATE INDEX IF NOT EXISTS articles_story_size ON articles(story_size);
-- The All view with one row a story, best or newest first: the heads alone, in order,
-- from the index (the quality index and a test of each row took 3x as long).
CREATE INDEX IF NOT EXISTS articles_heads_quality ON articles(quality) WHERE story_rank = 0;
CREATE INDEX IF NOT EXISTS articles_heads_date ON articles(published_at) WHERE story_rank = 0;
CREATE INDEX IF NOT EXISTS story_links_link ON story_links(link);
CREATE INDEX IF NOT EXISTS story_links_id ON story_links(id);
CREATE INDEX IF NOT EXISTS topics_key ON topics(key, article, topic);
CREATE INDEX IF NOT EXISTS topics_article ON topics(article);
CREATE INDEX IF NOT EXISTS problems_path ON problems(path);
"""


def create(db: sqlite3.Connection, roots: list[str]) -> None:
    """The tables of a new cache, and what it was made for."""
    db.executescript(TABLES)
    db.executemany(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)",
        [("schema", str(SCHEMA_VERSION)), ("roots", "\n".join(roots))],
    )


def version(db: sqlite3.Connection) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    return None if row is None else row[0]


def intact(db: sqlite3.Connection) -> bool:
    """Whether every table of the cache is there (a damaged schema page shows
    up as tables that are not)."""
    try:
        found = {name for (name,) in db.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        return False
    return all(name in found for name in NAMES)


def make_indexes(db: sqlite3.Connection) -> None:
    for statement in INDEXES.strip().split(";"):
        if statement.strip():
            db.execute(statement)


def keep_statistics(db: sqlite3.Connection, changed: bool) -> None:
    """Gather the query planner's figures (ANALYZE: a fifth of a second at
    100k articles, once a cache), and refresh them when the articles changed.
    Without them SQLite 3.51 answers `until:2018`, best first, from the date
    index and sorts 30k rows (50 ms), where walking the quality index takes
    1 ms; with them (STAT4) it knows how many rows a range holds."""
    try:
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() is None:
            db.execute("ANALYZE")
        elif changed:
            db.execute("PRAGMA optimize")
    except sqlite3.Error:
        pass  # a busy or read-only cache: queries still work, planned without figures
