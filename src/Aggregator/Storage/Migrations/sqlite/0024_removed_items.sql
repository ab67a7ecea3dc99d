-- Items taken out of the database, by the retention setting (Aggregator:Retention:Days) or by
-- hand (`aggregator items remove`): the content's hash stays behind when the item goes, so that
-- a feed still carrying the entry, or a document still in its folder, does not bring it back as
-- new at the next poll (Storage/ItemRemoval). A source that edits the text makes new content,
-- which is stored as any other.
CREATE TABLE removed_items (
    content_hash TEXT PRIMARY KEY,
    entry_id     TEXT NOT NULL,   -- the id readers knew it by, and its link: `items remove` asked
    url          TEXT,            -- again for either says when and why it went
    removed_at   TEXT NOT NULL,
    reason       TEXT NOT NULL    -- 'retention', or what the operator gave
);
