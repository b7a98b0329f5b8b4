-- Quizzes of online courses: a question bank per subject, a lesson that holds a quiz (its
-- questions in order, time limit, attempts, shuffling, the gradebook evaluation it fed),
-- and students' attempts with their answers and marks.
CREATE TABLE quiz_questions (
    id          INTEGER PRIMARY KEY,
    subject_id  BIGINT NOT NULL REFERENCES subjects (id),
    kind        TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'true_false', 'short', 'numeric', 'matching', 'ordering')),
    prompt      TEXT NOT NULL,
    -- What the question accepts (JSON, tagged by kind).
    spec        TEXT NOT NULL,
    feedback    TEXT NOT NULL DEFAULT '',
    points      BIGINT NOT NULL DEFAULT 1 CHECK (points BETWEEN 1 AND 100),
    created_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL
);
CREATE INDEX quiz_questions_subject ON quiz_questions (subject_id);

CREATE TABLE course_quizzes (
    lesson_id          BIGINT PRIMARY KEY REFERENCES course_lessons (id) ON DELETE CASCADE,
    time_limit_minutes BIGINT CHECK (time_limit_minutes BETWEEN 1 AND 600),
    max_attempts       BIGINT NOT NULL DEFAULT 1 CHECK (max_attempts BETWEEN 1 AND 20),
    shuffle            BOOLEAN NOT NULL DEFAULT FALSE,
    evaluation_id      BIGINT REFERENCES evaluations (id) ON DELETE SET NULL
);

CREATE TABLE course_quiz_questions (
    lesson_id   BIGINT NOT NULL REFERENCES course_quizzes (lesson_id) ON DELETE CASCADE,
    question_id BIGINT NOT NULL REFERENCES quiz_questions (id),
    position    BIGINT NOT NULL,
    PRIMARY KEY (lesson_id, question_id)
);

CREATE TABLE quiz_attempts (
    id           INTEGER PRIMARY KEY,
    lesson_id    BIGINT NOT NULL REFERENCES course_quizzes (lesson_id) ON DELETE CASCADE,
    student_id   BIGINT NOT NULL REFERENCES students (id),
    number       BIGINT NOT NULL,
    started_at   TEXT NOT NULL,
    -- Past this (and a short grace), answers are no longer taken.
    deadline_at  TEXT,
    submitted_at TEXT,
    -- The order of questions and options drawn for this attempt (JSON).
    layout       TEXT NOT NULL,
    -- Answers by question id (JSON), saved as the student goes.
    answers      TEXT NOT NULL DEFAULT '{}',
    -- Marks by question id (JSON), once submitted; a teacher may change a reviewed one.
    marks        TEXT NOT NULL DEFAULT '{}',
    -- Hundredths of points.
    score        BIGINT,
    max_score    BIGINT,
    to_review    BIGINT NOT NULL DEFAULT 0,
    UNIQUE (lesson_id, student_id, number)
);
CREATE INDEX quiz_attempts_student ON quiz_attempts (student_id);
