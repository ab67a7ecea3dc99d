-- Subscriptions and their polling state. The database is where subscriptions live:
-- config/feeds.opml is imported into it whenever the file changes; `feeds add/remove` edit it.
CREATE TABLE feeds (
    id                   INTEGER PRIMARY KEY,
    source_id            INTEGER NOT NULL UNIQUE REFERENCES sources (id),
    url                  TEXT NOT NULL UNIQUE,   -- current address; a permanent redirect updates it
    title                TEXT,
    enabled              INTEGER NOT NULL DEFAULT 1,
    min_interval_seconds INTEGER,                -- per-feed bounds (OPML attributes), NULL: configured defaults
    max_interval_seconds INTEGER,
    encoding_override    TEXT,
    etag                 TEXT,
    last_modified        TEXT,
    last_attempt_at      TEXT,
    last_success_at      TEXT,
    last_status          INTEGER,
    consecutive_errors   INTEGER NOT NULL DEFAULT 0,
    last_error           TEXT,
    warning              TEXT,                   -- what the last successful parse had to work around
    gone                 INTEGER NOT NULL DEFAULT 0,   -- 410: polling stopped, shown in `feeds list`
    entries_per_week     REAL,
    next_poll_at         TEXT NOT NULL,
    created_at           TEXT NOT NULL
);
CREATE INDEX feeds_due ON feeds (next_poll_at) WHERE enabled = 1 AND gone = 0;

-- The bytes of each feed's last successful fetch, to reprocess when the rules change.
CREATE TABLE feed_bodies (
    feed_id      INTEGER PRIMARY KEY REFERENCES feeds (id) ON DELETE CASCADE,
    fetched_at   TEXT NOT NULL,
    content_type TEXT,
    body         BLOB NOT NULL
);

-- Small facts the service keeps about itself (e.g. the hash of the last imported OPML file).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
