-- Why a feed's next poll is when it is (Scheduling/PollPlanner): the rate it publishes at, the
-- interval it or its server asks for, or a backoff after failures. `feeds list` showed a next
-- poll a day away with no way to tell a quiet feed from a ttl or a CDN's max-age.
ALTER TABLE feeds ADD COLUMN next_poll_why TEXT;
