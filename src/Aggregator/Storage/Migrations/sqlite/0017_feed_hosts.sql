-- The host (and port) a feed is fetched from, as the per-host fetch limit counts it, computed by
-- the database from the stored address (always http(s)://authority/…, FeedUrl.Normalize), so no
-- code path can leave it stale. Claiming ranks due feeds per host with it (FeedStore.ClaimDueAsync):
-- before, 140 feeds of one dead host filled the whole claim window and every other host waited.
ALTER TABLE feeds ADD COLUMN host TEXT GENERATED ALWAYS AS (
    CASE WHEN instr(substr(url, instr(url, '://') + 3), '/') > 0
         THEN substr(url, instr(url, '://') + 3, instr(substr(url, instr(url, '://') + 3), '/') - 1)
         ELSE substr(url, instr(url, '://') + 3) END) VIRTUAL;
