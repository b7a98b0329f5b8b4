-- Grades: coefficients per level and série, evaluations, marks; and the audit log.

CREATE TABLE subject_coefficients (
    id            INTEGER PRIMARY KEY,
    level_id      BIGINT NOT NULL REFERENCES levels (id),
    -- 0 when the coefficient holds for every série of the level (and for levels without série)
    series_key    BIGINT NOT NULL DEFAULT 0,
    subject_id    BIGINT NOT NULL REFERENCES subjects (id),
    coefficient   BIGINT NOT NULL CHECK (coefficient BETWEEN 1 AND 10),
    subject_group TEXT NOT NULL DEFAULT 'autres' CHECK (subject_group IN ('litteraires', 'scientifiques', 'autres')),
    UNIQUE (level_id, series_key, subject_id)
);

CREATE TABLE evaluations (
    id         INTEGER PRIMARY KEY,
    class_id   BIGINT NOT NULL REFERENCES classes (id),
    subject_id BIGINT NOT NULL REFERENCES subjects (id),
    period_id  BIGINT NOT NULL REFERENCES periods (id),
    kind       TEXT NOT NULL CHECK (kind IN ('devoir', 'interrogation', 'composition', 'tp')),
    title      TEXT NOT NULL,
    held_on    TEXT NOT NULL,
    scale      BIGINT NOT NULL CHECK (scale BETWEEN 1 AND 100),
    weight     BIGINT NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 10),
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX evaluations_class ON evaluations (class_id, subject_id, period_id);

CREATE TABLE marks (
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    student_id    BIGINT NOT NULL REFERENCES students (id),
    status        TEXT NOT NULL CHECK (status IN ('score', 'absent', 'excused')),
    -- hundredths of a point on the evaluation's scale; NULL unless status = 'score'
    points        BIGINT CHECK (points IS NULL OR points >= 0),
    updated_by    BIGINT NOT NULL REFERENCES users (id),
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, student_id)
);
CREATE INDEX marks_student ON marks (student_id);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor_user_id BIGINT,
    entity        TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    action        TEXT NOT NULL,
    old_value     TEXT,
    new_value     TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);

-- Bulletins of a period become visible to families when published.
ALTER TABLE periods ADD COLUMN published BOOLEAN NOT NULL DEFAULT FALSE;
