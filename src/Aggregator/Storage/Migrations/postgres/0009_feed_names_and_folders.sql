-- The subscriber's own name for a feed (`feeds add --title`, an OPML outline's text), kept apart
-- from the title the feed gives itself, which every poll refreshes: before, the first poll
-- overwrote the name the subscriber chose. Lists show custom_title when there is one.
ALTER TABLE feeds ADD COLUMN custom_title text;

-- The folder the subscriber filed the feed under (the OPML outline around it, `feeds add
-- --folder`): before, folders were flattened on import and lost on export.
ALTER TABLE feeds ADD COLUMN folder text;
