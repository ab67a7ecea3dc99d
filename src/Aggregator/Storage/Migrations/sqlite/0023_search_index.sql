-- The search index (Storage/SearchIndex): the character grams of each item's title and body
-- (Processing/SearchGrams), so that a search reads the items that can match instead of every
-- item. Only the grams are kept (contentless, no positions: a search needs which items hold a
-- gram, not where), and a row can be deleted when its item changes (contentless_delete).
-- search_state: 1 waiting to be indexed (stored or edited since), 0 indexed, 2 too long to
-- index. Every search reads the items in states 1 and 2 whole, so what it finds never depends
-- on how far the indexer has come.
ALTER TABLE items ADD COLUMN search_state INTEGER NOT NULL DEFAULT 1;
CREATE INDEX items_search_waiting ON items (search_state, id) WHERE search_state > 0;
CREATE VIRTUAL TABLE item_search USING fts5 (grams, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii');
