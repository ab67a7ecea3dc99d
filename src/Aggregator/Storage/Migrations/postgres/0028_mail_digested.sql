-- The PostgreSQL form of sqlite/0028_mail_digested.sql: the items a queued digest carries, and
-- the period it covers, so that one carrying a story since removed is withdrawn.
CREATE TABLE mail_digested (
    outbox_id bigint NOT NULL REFERENCES mail_outbox (id),
    item_id   bigint NOT NULL,
    PRIMARY KEY (outbox_id, item_id)
);
CREATE INDEX mail_digested_item ON mail_digested (item_id);
ALTER TABLE mail_outbox ADD COLUMN period_from text;
ALTER TABLE mail_outbox ADD COLUMN period_until text;
