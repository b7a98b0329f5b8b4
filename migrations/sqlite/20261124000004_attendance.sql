-- Attendance: roll calls per class session, absences and lateness, justifications.

CREATE TABLE roll_calls (
    id         INTEGER PRIMARY KEY,
    class_id   BIGINT NOT NULL REFERENCES classes (id),
    subject_id BIGINT REFERENCES subjects (id),
    held_on    TEXT NOT NULL,
    starts_at  TEXT NOT NULL,
    minutes    BIGINT NOT NULL CHECK (minutes BETWEEN 1 AND 480),
    taken_by   BIGINT NOT NULL REFERENCES users (id),
    taken_at   TEXT NOT NULL,
    UNIQUE (class_id, held_on, starts_at)
);

CREATE TABLE absences (
    id            INTEGER PRIMARY KEY,
    roll_call_id  BIGINT NOT NULL REFERENCES roll_calls (id),
    student_id    BIGINT NOT NULL REFERENCES students (id),
    kind          TEXT NOT NULL CHECK (kind IN ('absence', 'retard')),
    -- minutes missed: the whole session for an absence, the delay for a lateness
    minutes       BIGINT NOT NULL CHECK (minutes >= 0),
    state         TEXT NOT NULL DEFAULT 'none' CHECK (state IN ('none', 'submitted', 'accepted', 'refused')),
    reason        TEXT,
    reviewed_by   BIGINT REFERENCES users (id),
    UNIQUE (roll_call_id, student_id)
);
CREATE INDEX absences_student ON absences (student_id);
CREATE INDEX absences_state ON absences (state);
