-- A user name and password for feeds behind HTTP authentication (paid wires, members' feeds),
-- sent as Basic credentials to the feed's own host only. Kept apart from the URL so that the
-- address can be listed, exported, logged and published without them.
ALTER TABLE feeds ADD COLUMN username text;
ALTER TABLE feeds ADD COLUMN password text;
