-- Claims, so that several pollers and senders never take the same work: a feed being polled,
-- and a message being sent, name their claimant and until when the claim holds
-- (Storage/FeedStore.ClaimDueAsync, Mail/Outbox.ClaimAsync). With several instances over
-- PostgreSQL the claimant is a Quartz cluster node, and a node the cluster declared dead loses
-- its claims at once; otherwise a claim holds until it runs out.
ALTER TABLE feeds ADD COLUMN claimed_by TEXT;
ALTER TABLE feeds ADD COLUMN claimed_until TEXT;
ALTER TABLE mail_outbox ADD COLUMN claimed_by TEXT;
