-- The PostgreSQL form of sqlite/0030_entry_rules.sql: a feed's block and keep rules, one per line.
ALTER TABLE feeds ADD COLUMN block_rules text;
ALTER TABLE feeds ADD COLUMN keep_rules text;
