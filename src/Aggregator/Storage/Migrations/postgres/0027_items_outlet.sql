-- The PostgreSQL form of sqlite/0027_items_outlet.sql: the distinct outlets a source filter
-- matches, read from an index.
CREATE INDEX items_outlet ON items (outlet) WHERE outlet IS NOT NULL;
