-- The cahier de textes: what was done in each lesson of a class and subject, and the
-- homework given. A lesson's timetable slot is filled once timetables exist.
CREATE TABLE lessons (
    id              INTEGER PRIMARY KEY,
    class_id        BIGINT NOT NULL REFERENCES classes (id),
    subject_id      BIGINT NOT NULL REFERENCES subjects (id),
    teacher_user_id BIGINT NOT NULL REFERENCES users (id),
    held_on         TEXT NOT NULL,
    title           TEXT NOT NULL,
    content         TEXT NOT NULL DEFAULT '',
    slot_id         BIGINT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX lessons_class_subject ON lessons (class_id, subject_id, held_on);

-- Work to do for a day. Given in a lesson (or on its own), for the whole class.
CREATE TABLE homework (
    id              INTEGER PRIMARY KEY,
    lesson_id       BIGINT REFERENCES lessons (id) ON DELETE CASCADE,
    class_id        BIGINT NOT NULL REFERENCES classes (id),
    subject_id      BIGINT NOT NULL REFERENCES subjects (id),
    teacher_user_id BIGINT NOT NULL REFERENCES users (id),
    given_on        TEXT NOT NULL,
    due_on          TEXT NOT NULL,
    instructions    TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    CHECK (due_on >= given_on)
);
CREATE INDEX homework_class_due ON homework (class_id, due_on);
