-- A feed's own rules for which of its entries are stored (`feeds edit URL --block RULE --keep
-- RULE`, blockRules and keepRules in the list), as Miniflux's block and keep rules: one rule per
-- line, each a regular expression, optionally after a field name ("title:", "category:", …).
-- Null: none (Processing/EntryRules.cs).
ALTER TABLE feeds ADD COLUMN block_rules TEXT;
ALTER TABLE feeds ADD COLUMN keep_rules TEXT;
