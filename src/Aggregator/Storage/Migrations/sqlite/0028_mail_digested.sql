-- The items a queued digest carries, and the period it covers: a digest still queued (the
-- server down) or failed when one of its stories is removed (items remove, retention) is
-- withdrawn, and its period reopened for the recipient's next digest (Storage/ItemRemoval.cs).
CREATE TABLE mail_digested (
    outbox_id INTEGER NOT NULL REFERENCES mail_outbox (id),
    item_id   INTEGER NOT NULL,
    PRIMARY KEY (outbox_id, item_id)
);
CREATE INDEX mail_digested_item ON mail_digested (item_id);
ALTER TABLE mail_outbox ADD COLUMN period_from TEXT;   -- a digest's period: after this …
ALTER TABLE mail_outbox ADD COLUMN period_until TEXT;  -- … up to this (the recipient's digest_until it set)
