-- Assignments of online courses: a lesson that asks for work by a due time, with a late
-- policy, what may be handed in, a marking rubric and the gradebook evaluation it fed; the
-- students' submissions with their rubric scores, mark and the teacher's feedback.
CREATE TABLE course_assignments (
    lesson_id       BIGINT PRIMARY KEY REFERENCES course_lessons (id) ON DELETE CASCADE,
    due_at          TEXT NOT NULL,
    late_policy     TEXT NOT NULL CHECK (late_policy IN ('accept', 'penalty', 'refuse')),
    -- Percent of the mark taken per day late (the penalty policy).
    penalty_per_day BIGINT NOT NULL DEFAULT 0 CHECK (penalty_per_day BETWEEN 0 AND 100),
    accept_text     BOOLEAN NOT NULL DEFAULT TRUE,
    accept_files    BOOLEAN NOT NULL DEFAULT TRUE,
    -- Criteria and their points (JSON).
    rubric          TEXT NOT NULL DEFAULT '[]',
    evaluation_id   BIGINT REFERENCES evaluations (id) ON DELETE SET NULL,
    -- When the class was reminded before the due time.
    reminded_at     TEXT
);

CREATE TABLE assignment_submissions (
    id           INTEGER PRIMARY KEY,
    lesson_id    BIGINT NOT NULL REFERENCES course_assignments (lesson_id) ON DELETE CASCADE,
    student_id   BIGINT NOT NULL REFERENCES students (id),
    body         TEXT NOT NULL DEFAULT '',
    submitted_at TEXT NOT NULL,
    late_days    BIGINT NOT NULL DEFAULT 0,
    -- Points per rubric criterion (JSON), the mark in hundredths out of 20 after any
    -- penalty, and the teacher's words.
    scores       TEXT NOT NULL DEFAULT '[]',
    mark         BIGINT,
    feedback     TEXT NOT NULL DEFAULT '',
    graded_by    BIGINT REFERENCES users (id),
    graded_at    TEXT,
    UNIQUE (lesson_id, student_id)
);
