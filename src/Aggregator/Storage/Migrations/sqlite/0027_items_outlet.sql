-- A listing filtered by source (`?source=` on the pages and feeds) tested every item's outlet with
-- three case-folded LIKEs, and every sighting's source title with three more, reading the
-- newest-first index to its end when the source was rare: 2.0 s at 45,000 items for a name no
-- outlet has. The filter now matches the distinct outlets, read from this index, and the
-- sources first (Storage/SourceMatch.cs), and tests each item against those lists.
CREATE INDEX items_outlet ON items (outlet) WHERE outlet IS NOT NULL;
