-- Feeds that carry a line or two of each story: each entry's own page fetched and its article
-- read instead (`feeds edit URL --fetch-original on`, fetchOriginal="true" in the list), as
-- Miniflux's "fetch original content" does. The page is kept as fetched (gzip), so that the next
-- poll of a changed feed, and `feeds reparse`, read the article again instead of falling back to
-- the summary; rows go when their entry leaves the feed (Ingestion/OriginalPages.cs).
ALTER TABLE feeds ADD COLUMN fetch_original INTEGER NOT NULL DEFAULT 0;
-- Where the article is on those pages when the page's markup does not say (`feeds edit URL
-- --article-selector 'div#article-body'`, articleSelector in the list): a CSS selector.
ALTER TABLE feeds ADD COLUMN article_selector TEXT;
CREATE TABLE original_pages (
    feed_id      INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    entry_key    TEXT NOT NULL,      -- the entry, as its sighting is keyed
    url          TEXT NOT NULL,      -- the entry's link, as asked for
    fetched_at   TEXT NOT NULL,      -- the last attempt
    attempts     INTEGER NOT NULL,
    status       INTEGER,            -- the last HTTP status; null when nothing answered
    error        TEXT,               -- why no page is kept; null when one is
    content_type TEXT,
    charset      TEXT,
    final_url    TEXT,               -- where redirects ended: the page's links resolve against it
    body         BLOB,               -- the page as fetched, gzip
    PRIMARY KEY (feed_id, entry_key)
);
