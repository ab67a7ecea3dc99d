-- Whether the feed is config/feeds.opml's own: subscribed by it, or listed by it when the file was
-- first applied to the database. One of its own that the file no longer lists is unsubscribed when
-- the file changes (as `feeds remove` does); feeds added with `feeds add` or `feeds import` are
-- never the file's to remove.
ALTER TABLE feeds ADD COLUMN in_subscriptions_file INTEGER NOT NULL DEFAULT 0;
-- The file is applied once more, as if for the first time: the feeds it lists now are its own.
DELETE FROM settings WHERE key = 'subscriptions_file_sha256';
