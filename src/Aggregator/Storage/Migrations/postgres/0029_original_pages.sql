-- The PostgreSQL form of sqlite/0029_original_pages.sql: each entry's own page, fetched for
-- feeds that carry only a summary, kept so that later polls and `feeds reparse` read it again.
ALTER TABLE feeds ADD COLUMN fetch_original boolean NOT NULL DEFAULT FALSE;
ALTER TABLE feeds ADD COLUMN article_selector text;
CREATE TABLE original_pages (
    feed_id      bigint NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    entry_key    text NOT NULL,
    url          text NOT NULL,
    fetched_at   text NOT NULL,
    attempts     integer NOT NULL,
    status       integer,
    error        text,
    content_type text,
    charset      text,
    final_url    text,
    body         bytea,
    PRIMARY KEY (feed_id, entry_key)
);
