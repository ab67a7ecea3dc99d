-- Feed bodies are kept gzip-compressed (a 65 KB feed becomes about 15 KB): a quarter of the
-- bytes to write on every poll and to keep on disk. Rows written before stay as they were.
ALTER TABLE feed_bodies ADD COLUMN encoding TEXT NOT NULL DEFAULT 'identity';  -- 'identity' | 'gzip'
