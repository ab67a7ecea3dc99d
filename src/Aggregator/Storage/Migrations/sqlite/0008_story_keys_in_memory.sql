-- The story index leaves the database on SQLite (Storage/StoryKeyCache): looking 765,000 keys up
-- in story_keys and filing them there, in random key order, was more than half of what storing
-- a cold cycle over 1000 feeds cost (the index's pages rewritten at every batch commit). Each
-- member now carries its own keys, appended with its row in item order, and the process keeps
-- the inverted index in memory, loaded a day of members at a time as new items need it.
-- PostgreSQL, shared by several instances, keeps its story_keys table.
ALTER TABLE story_members ADD COLUMN keys BLOB NOT NULL DEFAULT x'';  -- 32-bit keys, big-endian, 4 bytes each

-- The keys an existing database filed, moved into their members.
UPDATE story_members SET keys = coalesce(
    (SELECT unhex(group_concat(printf('%08X', k.key), '')) FROM story_keys k WHERE k.item_id = story_members.item_id), x'');
DROP TABLE story_keys;

-- Members are loaded a day at a time (the day of their date, as stored).
CREATE INDEX story_members_day ON story_members (substr(published, 1, 10));
