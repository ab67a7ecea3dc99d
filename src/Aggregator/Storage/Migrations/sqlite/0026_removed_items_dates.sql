-- A tombstone the retention setting left blocked its content's hash for good, and a notice a
-- feed repeats months later (same words, a new entry and date) was never stored again. What
-- tells a repeat from the old entry still carried: the removed item's date, and the entries
-- (source and key) that carried it. A removal by hand still blocks the content whoever carries
-- it, whenever (Storage/ItemRemoval.Tombstone). Rows from before have neither, and block as before.
ALTER TABLE removed_items ADD COLUMN published TEXT;    -- the removed items' dates, one per line
ALTER TABLE removed_items ADD COLUMN entry_keys TEXT;  -- 'source_id<TAB>entry_key' lines
-- And the links the copies had (one per line): `items remove` asked again by another outlet's
-- link said it matched nothing.
ALTER TABLE removed_items ADD COLUMN urls TEXT;
