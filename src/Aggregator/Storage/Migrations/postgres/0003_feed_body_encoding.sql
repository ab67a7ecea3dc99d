ALTER TABLE feed_bodies ADD COLUMN encoding text NOT NULL DEFAULT 'identity';  -- 'identity' | 'gzip'
