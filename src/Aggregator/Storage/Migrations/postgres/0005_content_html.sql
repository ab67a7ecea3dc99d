ALTER TABLE items ADD COLUMN content_html text;
