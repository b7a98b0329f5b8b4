-- Web Push: the devices (browser subscriptions) of each person, and the pushes to send,
-- written with the notification they carry and sent, with retries, by the notifier's loop.
CREATE TABLE push_subscriptions (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    endpoint    TEXT NOT NULL UNIQUE,
    p256dh      TEXT NOT NULL,
    auth        TEXT NOT NULL,
    user_agent  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    last_ok_at  TEXT
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

CREATE TABLE push_outbox (
    id              INTEGER PRIMARY KEY,
    subscription_id BIGINT NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users (id),
    payload         TEXT NOT NULL,
    urgency         TEXT NOT NULL DEFAULT 'normal',
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_try_at     TEXT NOT NULL,
    sent_at         TEXT,
    last_error      TEXT
);
CREATE INDEX push_outbox_pending ON push_outbox (next_try_at) WHERE sent_at IS NULL;
CREATE INDEX push_outbox_subscription ON push_outbox (subscription_id);
