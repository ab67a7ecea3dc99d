-- The shortest interval the feed itself asks for (RSS ttl, sy:updatePeriod/updateFrequency), as
-- of its last full fetch. A 304 carries no body to read it from: before, a feed asking for 48 h
-- was polled again after the entry-frequency interval as soon as it answered 304 once.
ALTER TABLE feeds ADD COLUMN asked_interval_seconds INTEGER;

-- Feeds already subscribed have not told it yet: their next poll fetches the whole body (no
-- If-None-Match, no If-Modified-Since), so that a feed answering 304 records its ttl too.
UPDATE feeds SET etag = NULL, last_modified = NULL;
