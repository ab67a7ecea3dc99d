-- Whether config/feeds.opml listed the feed when it was last applied: a feed the file listed and
-- no longer lists is unsubscribed when the file changes (as `feeds remove` does), while feeds
-- added with `feeds add` or `feeds import` are never the file's to remove. Feeds subscribed
-- before this column existed count as not listed until the file is next applied.
ALTER TABLE feeds ADD COLUMN in_subscriptions_file boolean NOT NULL DEFAULT FALSE;
