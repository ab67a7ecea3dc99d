-- The PostgreSQL form of sqlite/0023_search_index.sql: each item's grams as an array under a
-- GIN index, which answers "holds all of these grams" (@>) from the index.
ALTER TABLE items ADD COLUMN search_state smallint NOT NULL DEFAULT 1;
CREATE INDEX items_search_waiting ON items (search_state, id) WHERE search_state > 0;
CREATE TABLE item_search (
    item_id bigint PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    grams   text[] NOT NULL
);
CREATE INDEX item_search_grams ON item_search USING gin (grams);
