-- The PostgreSQL form of sqlite/0026_removed_items_dates.sql: what tells a repeat of removed
-- content from the old entry still carried.
ALTER TABLE removed_items ADD COLUMN published text;
ALTER TABLE removed_items ADD COLUMN entry_keys text;
ALTER TABLE removed_items ADD COLUMN urls text;
