-- The name a subscription list (OPML) gave a feed, apart from a title read from the feed itself
-- by `feeds add`: only a given name becomes the subscriber's when the first poll finds the feed
-- calling itself something else (FeedStore.CompletePollsAsync).
ALTER TABLE feeds ADD COLUMN listed_name text;
