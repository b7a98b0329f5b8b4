-- The assistant: each person's conversations and their messages, the school's FAQ that
-- answers without a model, each person's use per day (the daily budget), and the
-- conversations flagged (reported by the person, or by the safety rules).
CREATE TABLE assistant_conversations (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL,
    started_at TEXT NOT NULL
);
CREATE INDEX assistant_conversations_user ON assistant_conversations (user_id, started_at);

CREATE TABLE assistant_messages (
    id              INTEGER PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES assistant_conversations (id),
    author          TEXT NOT NULL,
    body            TEXT NOT NULL,
    mode            TEXT NOT NULL,
    tokens          BIGINT NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);
CREATE INDEX assistant_messages_conversation ON assistant_messages (conversation_id, id);

CREATE TABLE assistant_faq (
    id         INTEGER PRIMARY KEY,
    question   TEXT NOT NULL,
    answer     TEXT NOT NULL,
    keywords   TEXT NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at TEXT NOT NULL
);

CREATE TABLE assistant_usage (
    user_id  BIGINT NOT NULL REFERENCES users (id),
    day      TEXT NOT NULL,
    messages BIGINT NOT NULL,
    tokens   BIGINT NOT NULL,
    PRIMARY KEY (user_id, day)
);

CREATE TABLE assistant_flags (
    id              INTEGER PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES assistant_conversations (id),
    reason          TEXT NOT NULL,
    note            TEXT NOT NULL,
    raised_by       BIGINT REFERENCES users (id),
    raised_at       TEXT NOT NULL,
    handled_by      BIGINT REFERENCES users (id),
    handled_at      TEXT
);
