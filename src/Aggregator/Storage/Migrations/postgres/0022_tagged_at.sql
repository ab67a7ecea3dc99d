-- The PostgreSQL form of sqlite/0022_tagged_at.sql.
ALTER TABLE item_tags ADD COLUMN tagged_at text;
CREATE INDEX item_tags_tagged ON item_tags (tagged_at) WHERE tagged_at IS NOT NULL;
