-- Chat: conversations (direct, a class's channel, a class's parents' channel, the school's
-- broadcast channel), their messages, who has read what, mutes and reports. A message is
-- written before it is delivered; deleting one hides it and keeps it for moderation.

CREATE TABLE conversations (
    id         INTEGER PRIMARY KEY,
    -- 'direct:3:17' (the two user ids, smaller first), 'class:12', 'parents:12', 'broadcast'
    key        TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('direct', 'class', 'class_parents', 'broadcast')),
    class_id   BIGINT REFERENCES classes (id),
    created_at TEXT NOT NULL
);

-- The two people of a direct conversation (channels derive their members from the school).
CREATE TABLE conversation_members (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id),
    user_id         BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_user ON conversation_members (user_id);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id),
    author_id       BIGINT NOT NULL REFERENCES users (id),
    body            TEXT NOT NULL,
    file_id         BIGINT REFERENCES files (id),
    created_at      TEXT NOT NULL,
    edited_at       TEXT,
    deleted_at      TEXT,
    deleted_by      BIGINT REFERENCES users (id)
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

-- How far each person has read each conversation (read receipts, unread counts).
CREATE TABLE conversation_reads (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id),
    user_id         BIGINT NOT NULL REFERENCES users (id),
    last_read_id    BIGINT NOT NULL,
    read_at         TEXT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_reads_user ON conversation_reads (user_id);

-- A moderator silenced someone in a conversation until a time.
CREATE TABLE conversation_mutes (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id),
    user_id         BIGINT NOT NULL REFERENCES users (id),
    until           TEXT NOT NULL,
    by_user_id      BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (conversation_id, user_id)
);

CREATE TABLE message_reports (
    id          INTEGER PRIMARY KEY,
    message_id  BIGINT NOT NULL REFERENCES messages (id),
    reporter_id BIGINT NOT NULL REFERENCES users (id),
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    resolved_at TEXT,
    UNIQUE (message_id, reporter_id)
);
