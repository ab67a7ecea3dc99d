-- On SQLite this migration moves the story index into memory (see sqlite/0008). PostgreSQL is
-- shared by several instances, none of which sees what the others hold in memory, so it keeps
-- the story_keys table; this migration only says so where the schema is read.
COMMENT ON TABLE story_keys IS 'The story index (Processing/Stories/StoryKeys); SQLite keeps it in memory instead (Storage/StoryKeyCache).';
