-- Story clustering: copies of one story across outlets (new chrome, trims, rewrites, truncated
-- summaries) are one story. An item joins the story of the earliest stored item it copies;
-- story_id NULL means the item starts its own story. No foreign keys here: StoryIndex keeps
-- the tables consistent when an item is edited or removed, and a key check on every insert
-- would cost the cold cycle for nothing.
ALTER TABLE items ADD COLUMN story_id INTEGER;
CREATE INDEX items_story ON items (story_id) WHERE story_id IS NOT NULL;

-- What the index compares before reading any text, in a narrow table of its own: a column
-- added to items would sit behind the body, and reading it would walk the body's overflow pages.
CREATE TABLE story_members (
    item_id   INTEGER PRIMARY KEY,
    published TEXT NOT NULL,   -- published_at, else first_seen_at: copies appear within days
    sketch    BLOB NOT NULL    -- 32 MinHash slots of the phrases, 32 of the terms (Processing/Stories/StoryFingerprint)
);

-- The story index: every item filed under its keys (Processing/Stories/StoryKeys: bands of the
-- MinHash sketch, the lead, pairs of figures; 32-bit, the kind in the two low bits), so placing
-- a new item looks up a few dozen keys instead of comparing it with every stored item.
CREATE TABLE story_keys (
    key     INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    PRIMARY KEY (key, item_id)
) WITHOUT ROWID;
