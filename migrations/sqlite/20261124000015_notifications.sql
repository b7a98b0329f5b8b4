-- Notifications: what each person is told, from the school events; their choices per kind
-- and channel; and the hours during which they are not to be disturbed.

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    -- mark, absence, bulletin, payment, message, announcement
    kind       TEXT NOT NULL,
    -- a catalog key and its arguments (JSON), rendered in the reader's language
    text_key   TEXT NOT NULL,
    args       TEXT NOT NULL,
    link       TEXT NOT NULL,
    event_id   BIGINT,
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
-- One notification per person, event and page (a parent of two children gets one for
-- each), even if an event were handled twice.
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, event_id, link);

-- A row turns a channel on or off for a kind; no row means the default (in-app on, the
-- others off).
CREATE TABLE notification_prefs (
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind    TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('in_app', 'email', 'push')),
    enabled BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind, channel)
);

-- Quiet hours, in minutes after midnight (school time); start > end spans midnight.
CREATE TABLE quiet_hours (
    user_id      BIGINT PRIMARY KEY REFERENCES users (id),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1439)
);
