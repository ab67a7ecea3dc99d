-- The PostgreSQL form of sqlite/0024_removed_items.sql: hashes of removed items, so that they
-- do not come back while a source still carries them.
CREATE TABLE removed_items (
    content_hash text PRIMARY KEY,
    entry_id     text NOT NULL,
    url          text,
    removed_at   text NOT NULL,
    reason       text NOT NULL
);
