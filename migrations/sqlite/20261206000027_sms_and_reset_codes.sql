-- Text messages: written in the transaction of what they tell, sent by the SMS provider,
-- counted in segments against the school's monthly budget.
CREATE TABLE sms_outbox (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT REFERENCES users (id),
    to_phone     TEXT NOT NULL,
    body         TEXT NOT NULL,
    segments     INTEGER NOT NULL CHECK (segments > 0),
    purpose      TEXT NOT NULL CHECK (purpose IN ('notification', 'reset', 'reminder')),
    created_at   TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_try_at  TEXT NOT NULL,
    sent_at      TEXT,
    last_error   TEXT,
    provider_ref TEXT
);
CREATE INDEX sms_outbox_pending ON sms_outbox (next_try_at) WHERE sent_at IS NULL;
CREATE INDEX sms_outbox_created ON sms_outbox (created_at);
CREATE INDEX sms_outbox_user ON sms_outbox (user_id, created_at);

-- A code to set a new password: sent by SMS or e-mail ("mot de passe oublié"), or printed
-- on a slip by the secretary. Only its hash is kept; it is used once.
CREATE TABLE password_resets (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    code_hash   TEXT NOT NULL,
    via         TEXT NOT NULL CHECK (via IN ('sms', 'email', 'slip')),
    created_by  BIGINT REFERENCES users (id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    failures    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);

-- The SMS channel joins the notification preferences (SQLite rebuilds a table to change a
-- CHECK).
CREATE TABLE notification_prefs_new (
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind    TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('in_app', 'sms', 'email', 'push')),
    enabled BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind, channel)
);
INSERT INTO notification_prefs_new (user_id, kind, channel, enabled)
    SELECT user_id, kind, channel, enabled FROM notification_prefs;
DROP TABLE notification_prefs;
ALTER TABLE notification_prefs_new RENAME TO notification_prefs;
