-- The PostgreSQL form of sqlite/0025_newest_with_story.sql: story_id in the listing's index, so
-- that the rows a deep page skips are tested from the index (an index-only scan once vacuumed).
DROP INDEX items_newest;
CREATE INDEX items_newest ON items ((coalesce(published_at, first_seen_at)) DESC, id DESC, story_id);
