-- Timetables (emplois du temps): the week grid, the weekly hours of each subject, the
-- constraints, and the versions the solver makes, the censeur edits and the school publishes.

-- The periods of a day, with their times; a day runs Monday (0) to Saturday (5).
CREATE TABLE timetable_periods (
    id        INTEGER PRIMARY KEY,
    ordinal   BIGINT NOT NULL UNIQUE CHECK (ordinal BETWEEN 0 AND 15),
    starts_at TEXT NOT NULL,
    ends_at   TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);

-- Hours without lessons in the week (free half-days: Wednesday and Saturday afternoons).
CREATE TABLE timetable_closed (
    day     BIGINT NOT NULL CHECK (day BETWEEN 0 AND 5),
    ordinal BIGINT NOT NULL,
    PRIMARY KEY (day, ordinal)
);

-- Weekly hours of a subject for a level and série (series_key 0: every série), with how
-- many double periods and the kind of room it needs or prefers.
CREATE TABLE subject_hours (
    id            INTEGER PRIMARY KEY,
    level_id      BIGINT NOT NULL REFERENCES levels (id),
    series_key    BIGINT NOT NULL DEFAULT 0,
    subject_id    BIGINT NOT NULL REFERENCES subjects (id),
    hours         BIGINT NOT NULL CHECK (hours BETWEEN 0 AND 30),
    doubles       BIGINT NOT NULL DEFAULT 0 CHECK (doubles >= 0 AND doubles * 2 <= hours),
    room_kind     TEXT CHECK (room_kind IS NULL OR room_kind IN ('classroom', 'lab', 'computer', 'workshop', 'hall', 'sports')),
    room_required BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (level_id, series_key, subject_id)
);

-- A class's own hours for a subject, over its level's.
CREATE TABLE class_subject_hours (
    class_id   BIGINT NOT NULL REFERENCES classes (id),
    subject_id BIGINT NOT NULL REFERENCES subjects (id),
    hours      BIGINT NOT NULL CHECK (hours BETWEEN 0 AND 30),
    doubles    BIGINT NOT NULL DEFAULT 0 CHECK (doubles >= 0 AND doubles * 2 <= hours),
    PRIMARY KEY (class_id, subject_id)
);

-- Constraints, each hard (weight NULL) or soft with a weight. Who it binds: a teacher, a
-- class, a subject, or everyone of a kind (all three NULL). Slots are "day.period" lists.
CREATE TABLE timetable_constraints (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('unavailable', 'max_per_day', 'max_in_row', 'max_gaps_day', 'max_gaps_week', 'min_days', 'not_in')),
    applies_to      TEXT NOT NULL CHECK (applies_to IN ('teacher', 'class', 'subject', 'all_teachers', 'all_classes')),
    teacher_user_id BIGINT REFERENCES users (id),
    class_id        BIGINT REFERENCES classes (id),
    subject_id      BIGINT REFERENCES subjects (id),
    value           BIGINT NOT NULL DEFAULT 0 CHECK (value BETWEEN 0 AND 100),
    slots           TEXT NOT NULL DEFAULT '',
    weight          BIGINT CHECK (weight IS NULL OR weight BETWEEN 1 AND 100),
    created_at      TEXT NOT NULL
);

-- A version of the school's timetable.
CREATE TABLE timetables (
    id             INTEGER PRIMARY KEY,
    school_year_id BIGINT NOT NULL REFERENCES school_years (id),
    name           TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('generating', 'draft', 'published', 'archived', 'failed')),
    seed           BIGINT NOT NULL,
    seconds        BIGINT NOT NULL,
    based_on       BIGINT REFERENCES timetables (id),
    job_id         BIGINT REFERENCES jobs (id),
    cost_hard      BIGINT,
    cost_soft      BIGINT,
    -- JSON: what the solver said (conflicts in words, cost over time).
    report         TEXT,
    created_by     BIGINT REFERENCES users (id),
    created_at     TEXT NOT NULL,
    published_at   TEXT
);
CREATE INDEX timetables_year ON timetables (school_year_id, state);

CREATE TABLE timetable_lessons (
    id              INTEGER PRIMARY KEY,
    timetable_id    BIGINT NOT NULL REFERENCES timetables (id) ON DELETE CASCADE,
    class_id        BIGINT NOT NULL REFERENCES classes (id),
    subject_id      BIGINT NOT NULL REFERENCES subjects (id),
    teacher_user_id BIGINT NOT NULL REFERENCES users (id),
    room_id         BIGINT REFERENCES rooms (id),
    day             BIGINT NOT NULL CHECK (day BETWEEN 0 AND 5),
    period          BIGINT NOT NULL,
    duration        BIGINT NOT NULL DEFAULT 1 CHECK (duration BETWEEN 1 AND 4),
    locked          BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX timetable_lessons_class ON timetable_lessons (timetable_id, class_id);
CREATE INDEX timetable_lessons_teacher ON timetable_lessons (timetable_id, teacher_user_id);

-- A person's iCalendar feed of a published week: their own (a teacher's) or a student's
-- (the student's, or a parent's child's). The link carries a token; only its hash is kept.
CREATE TABLE calendar_feeds (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    student_id   BIGINT REFERENCES students (id),
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id);
