-- What a kept body was read with besides its bytes: the charset the server declared and the
-- address it came from after temporary redirects (relative links resolve against it), so that
-- `feeds reparse` reads it as the poll did (Ingestion/FeedIngestor.ReparseAsync).
ALTER TABLE feed_bodies ADD COLUMN charset TEXT;
ALTER TABLE feed_bodies ADD COLUMN url TEXT;
