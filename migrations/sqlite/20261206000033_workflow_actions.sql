-- Workflows, second part. The hourly limit counts a workflow's runs that were not skipped:
-- a partial index holds just those. Notes a workflow (or a person) adds to a student's
-- file: read on the student's vie scolaire page, never counted in the conduct mark.
CREATE INDEX workflow_runs_counted ON workflow_runs (workflow_id, created_at) WHERE state <> 'skipped';

CREATE TABLE student_notes (
    id          INTEGER PRIMARY KEY,
    student_id  BIGINT NOT NULL REFERENCES students (id),
    body        TEXT NOT NULL,
    -- The workflow run that wrote it, if any.
    run_id      BIGINT REFERENCES workflow_runs (id),
    written_by  BIGINT REFERENCES users (id),
    created_at  TEXT NOT NULL,
    UNIQUE (run_id, student_id)
);
CREATE INDEX student_notes_student ON student_notes (student_id, created_at);
