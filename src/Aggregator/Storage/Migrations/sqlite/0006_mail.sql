-- The transactional outbox: every email is stored here, complete (MIME bytes), in the same
-- transaction that decides to send it, before any attempt; a sender claims it, sends it and
-- marks it sent only after the server accepted it (Mail/Outbox.cs, Mail/MailDelivery.cs).
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT NOT NULL UNIQUE,     -- deterministic per (recipient, content): one message is queued once
    recipient       TEXT NOT NULL,
    kind            TEXT NOT NULL,            -- 'alert' | 'digest'
    subject         TEXT NOT NULL,
    story_count     INTEGER NOT NULL,
    mime            BLOB NOT NULL,            -- the message as sent, Message-ID and Date included
    state           TEXT NOT NULL,            -- 'queued' | 'sending' | 'sent' | 'failed'
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until   TEXT,                     -- a sender's lease; a crashed sender's claim runs out
    last_error      TEXT,                     -- the server's reply or the connection error, for `mail list`
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE state IN ('queued', 'sending');

-- What the service remembers per recipient (the recipients themselves are configured).
CREATE TABLE mail_recipients (
    address         TEXT PRIMARY KEY,
    alerts_from     TEXT NOT NULL,            -- stories first seen before are not news to this recipient
    last_alert_at   TEXT,                     -- when the last alert was queued: the coalescing window starts there
    digest_until    TEXT,                     -- the end of the period the last digest covered
    unsubscribed_at TEXT                      -- set by the List-Unsubscribe link; no mail after it
);

-- Stories already alerted to a recipient, by the items of the story at the time: a story is
-- alerted once, whatever copies arrive later or however stories are rebuilt.
CREATE TABLE mail_alerted (
    recipient TEXT NOT NULL,
    item_id   INTEGER NOT NULL,
    outbox_id INTEGER NOT NULL REFERENCES mail_outbox (id),
    PRIMARY KEY (recipient, item_id)
);

-- Alerts look for stories first seen recently.
CREATE INDEX items_story_heads_seen ON items (first_seen_at) WHERE story_id IS NULL;
