-- Listings page with OFFSET, and a collapsed listing (every feed and page but `--every-copy`)
-- keeps only stories' first copies (story_id IS NULL). With story_id outside the index, every
-- skipped row was read from the table to test it, and story_id, added last, sits at the end of
-- a record whose text spills into overflow pages: page 880 of 45,000 items took 80 ms, page 200
-- of a cold cache 0.6 s. In the index the test needs no table row: 4 ms.
DROP INDEX items_newest;
CREATE INDEX items_newest ON items (coalesce(published_at, first_seen_at) DESC, id DESC, story_id);
