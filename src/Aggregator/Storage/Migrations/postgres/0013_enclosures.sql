-- The files an entry carries (podcast audio, broadcast video, report PDFs, photos), as a JSON
-- array of {"url", "type", "length"}; null when it carries none. Before, they were dropped
-- between parsing and publishing, and the merged feeds carried none.
ALTER TABLE items ADD COLUMN enclosures text;
