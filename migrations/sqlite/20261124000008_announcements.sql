-- Announcements to the whole school, a level, a class, or the staff; who has read them.

CREATE TABLE announcements (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    audience     TEXT NOT NULL CHECK (audience IN ('school', 'level', 'class', 'staff')),
    level_id     BIGINT REFERENCES levels (id),
    class_id     BIGINT REFERENCES classes (id),
    author_id    BIGINT NOT NULL REFERENCES users (id),
    published_at TEXT NOT NULL,
    CHECK ((audience = 'level') = (level_id IS NOT NULL)),
    CHECK ((audience = 'class') = (class_id IS NOT NULL))
);
CREATE INDEX announcements_published ON announcements (published_at);

CREATE TABLE announcement_reads (
    announcement_id BIGINT NOT NULL REFERENCES announcements (id),
    user_id         BIGINT NOT NULL REFERENCES users (id),
    read_at         TEXT NOT NULL,
    PRIMARY KEY (announcement_id, user_id)
);
CREATE INDEX announcement_reads_user ON announcement_reads (user_id);
