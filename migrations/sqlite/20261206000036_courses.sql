-- Online courses (e-learning): a course per class and subject, written by the subject's
-- teachers, in modules of ordered lessons. A module or a lesson is a draft until published,
-- and opens to students from a day; a lesson may require another to be completed first.
CREATE TABLE courses (
    id          INTEGER PRIMARY KEY,
    class_id    BIGINT NOT NULL REFERENCES classes (id),
    subject_id  BIGINT NOT NULL REFERENCES subjects (id),
    title       TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    created_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX courses_class_subject ON courses (class_id, subject_id);

CREATE TABLE course_modules (
    id             INTEGER PRIMARY KEY,
    course_id      BIGINT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    position       BIGINT NOT NULL,
    title          TEXT NOT NULL,
    published      BOOLEAN NOT NULL DEFAULT FALSE,
    available_from TEXT
);
CREATE INDEX course_modules_course ON course_modules (course_id, position);

CREATE TABLE course_lessons (
    id              INTEGER PRIMARY KEY,
    module_id       BIGINT NOT NULL REFERENCES course_modules (id) ON DELETE CASCADE,
    position        BIGINT NOT NULL,
    title           TEXT NOT NULL,
    -- Markdown, rendered and sanitised on display.
    body            TEXT NOT NULL DEFAULT '',
    published       BOOLEAN NOT NULL DEFAULT FALSE,
    available_from  TEXT,
    -- A lesson of the same course to complete first.
    prerequisite_id BIGINT REFERENCES course_lessons (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX course_lessons_module ON course_lessons (module_id, position);

-- A student's progress in a lesson: first and last view, completion.
CREATE TABLE course_progress (
    lesson_id       BIGINT NOT NULL REFERENCES course_lessons (id) ON DELETE CASCADE,
    student_id      BIGINT NOT NULL REFERENCES students (id),
    first_viewed_at TEXT NOT NULL,
    last_viewed_at  TEXT NOT NULL,
    views           BIGINT NOT NULL DEFAULT 1,
    completed_at    TEXT,
    PRIMARY KEY (lesson_id, student_id)
);
CREATE INDEX course_progress_student ON course_progress (student_id);
