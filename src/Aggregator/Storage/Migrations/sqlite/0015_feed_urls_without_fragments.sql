-- Feed addresses without a fragment ("feed.xml#top", never sent to the server) or an empty
-- query ("feed.xml?"), which the same feed was subscribed twice under. As in migration 12, the
-- rewriting is done in C# right after this file (Database.NormalizeFeedUrlsAsync).
SELECT 1;
