-- The durable job runner: anything longer than a request, with retries, cancellation,
-- a lease so that one node runs each job, and progress for the user who started it.

CREATE TABLE jobs (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    payload          TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    max_attempts     BIGINT NOT NULL DEFAULT 3,
    run_after        TEXT NOT NULL,
    locked_by        TEXT,
    locked_until     TEXT,
    cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
    progress_done    BIGINT NOT NULL DEFAULT 0,
    progress_total   BIGINT NOT NULL DEFAULT 0,
    -- a catalog key and its arguments (JSON), shown in the reader's language
    message_key      TEXT,
    message_args     TEXT,
    result           TEXT,
    error            TEXT,
    created_by       BIGINT REFERENCES users (id),
    created_at       TEXT NOT NULL,
    finished_at      TEXT
);
CREATE INDEX jobs_claim ON jobs (state, run_after);
CREATE INDEX jobs_created_by ON jobs (created_by);
