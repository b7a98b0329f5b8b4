-- E-mails to send, written with the notification they carry (so none is lost if the mail
-- server is down or the process stops) and sent, with retries, by the notifier's loop.
CREATE TABLE email_outbox (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    to_addr     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_try_at TEXT NOT NULL,
    sent_at     TEXT,
    last_error  TEXT
);
CREATE INDEX email_outbox_pending ON email_outbox (next_try_at) WHERE sent_at IS NULL;
