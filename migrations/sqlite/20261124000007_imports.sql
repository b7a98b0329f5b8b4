-- Imports: a checked file waiting for confirmation, then the job that writes it.

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('students')),
    filename    TEXT NOT NULL,
    row_count   BIGINT NOT NULL,
    bad_rows    BIGINT NOT NULL,
    -- the checked file: the preview (every row with its problems) and the rows ready to write
    checked     TEXT NOT NULL,
    job_id      BIGINT REFERENCES jobs (id),
    created_by  BIGINT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL
);
