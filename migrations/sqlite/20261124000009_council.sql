-- The conseil de classe: each teacher's appreciation per subject, and per student and
-- period the conduct mark, the professeur principal's and the council's appreciations and,
-- at the end of the year, the council's decision.

CREATE TABLE appreciations (
    student_id BIGINT NOT NULL REFERENCES students (id),
    period_id  BIGINT NOT NULL REFERENCES periods (id),
    subject_id BIGINT NOT NULL REFERENCES subjects (id),
    text       TEXT NOT NULL,
    author_id  BIGINT NOT NULL REFERENCES users (id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (student_id, period_id, subject_id)
);

CREATE TABLE council_records (
    student_id   BIGINT NOT NULL REFERENCES students (id),
    period_id    BIGINT NOT NULL REFERENCES periods (id),
    -- hundredths out of 20
    conduct      BIGINT CHECK (conduct BETWEEN 0 AND 2000),
    head_note    TEXT,
    council_note TEXT,
    decision     TEXT CHECK (decision IN ('passe', 'redouble', 'exclu')),
    updated_by   BIGINT NOT NULL REFERENCES users (id),
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (student_id, period_id)
);
