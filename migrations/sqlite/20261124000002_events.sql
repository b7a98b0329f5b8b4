-- School events (the outbox) and what each subscriber has handled.

CREATE TABLE school_events (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    actor_user_id BIGINT,
    occurred_at   TEXT NOT NULL
);

CREATE TABLE event_deliveries (
    subscriber   TEXT NOT NULL,
    event_id     BIGINT NOT NULL,
    delivered_at TEXT NOT NULL,
    PRIMARY KEY (subscriber, event_id)
);

CREATE TABLE event_cursors (
    subscriber TEXT PRIMARY KEY,
    watermark  BIGINT NOT NULL
);
