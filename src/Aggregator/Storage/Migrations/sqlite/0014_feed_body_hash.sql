-- What the last successful fetch's body was, as this build read it (FeedIngestor.BodyHash): a
-- server that ignores conditional requests and sends the same bytes again costs no parsing and
-- no writes, like a 304. NULL until the next full fetch.
ALTER TABLE feeds ADD COLUMN body_hash TEXT;
