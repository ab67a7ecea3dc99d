-- A feed entry's HTML as the source sent it. It is sanitized when published
-- (Publishing/ContentSanitizer), not here, so a stricter allowlist also covers items stored
-- before it. NULL for documents and plain-text entries: their body is the content.
ALTER TABLE items ADD COLUMN content_html TEXT;
