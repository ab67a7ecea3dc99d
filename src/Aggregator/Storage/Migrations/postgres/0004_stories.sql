-- The PostgreSQL form of sqlite/0004_stories.sql.
ALTER TABLE items ADD COLUMN story_id bigint;
CREATE INDEX items_story ON items (story_id) WHERE story_id IS NOT NULL;

CREATE TABLE story_members (
    item_id   bigint PRIMARY KEY,
    published text NOT NULL,
    sketch    bytea NOT NULL
);

CREATE TABLE story_keys (
    key     bigint NOT NULL,
    item_id bigint NOT NULL,
    PRIMARY KEY (key, item_id)
);
