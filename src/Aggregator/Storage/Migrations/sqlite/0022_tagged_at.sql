-- When a tag reached an item stored before it: a correction of the entry in place or a retag
-- after the rules changed. NULL: the item had the tag when it was first stored (its first_seen_at).
-- Digests go by it, so a story that becomes Korea–China coverage after it was first seen still
-- reaches the next digest.
ALTER TABLE item_tags ADD COLUMN tagged_at TEXT;
CREATE INDEX item_tags_tagged ON item_tags (tagged_at) WHERE tagged_at IS NOT NULL;
