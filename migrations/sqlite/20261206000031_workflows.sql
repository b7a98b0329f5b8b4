-- Workflows: a trigger (a school event, a schedule, or a person's click), a condition over
-- the event's fields, and steps (notify, a follow-up task, a webhook, a wait). Each run and
-- each step is kept: a step's row is its idempotency key (a run resumed after a restart
-- skips the steps it finds done), and a run per workflow and event makes a trigger fire
-- once.
CREATE TABLE workflows (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    -- The ready-made template it came from, if any.
    template      TEXT UNIQUE,
    trigger_kind  TEXT NOT NULL,
    condition     TEXT NOT NULL DEFAULT '',
    -- The steps, as JSON.
    steps         TEXT NOT NULL DEFAULT '[]',
    enabled       BOOLEAN NOT NULL DEFAULT FALSE,
    -- At most this many runs in an hour; more are recorded as skipped.
    max_per_hour  BIGINT NOT NULL DEFAULT 300,
    created_by    BIGINT REFERENCES users (id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE workflow_runs (
    id            INTEGER PRIMARY KEY,
    workflow_id   BIGINT NOT NULL REFERENCES workflows (id),
    event_id      BIGINT,
    -- The event's fields, the people it concerns, and the steps as they were when it
    -- started (a workflow edited later does not change a run under way).
    facts         TEXT NOT NULL,
    steps         TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('queued', 'running', 'waiting', 'done', 'failed', 'skipped')),
    error         TEXT,
    started_by    BIGINT REFERENCES users (id),
    created_at    TEXT NOT NULL,
    finished_at   TEXT,
    UNIQUE (workflow_id, event_id)
);
CREATE INDEX workflow_runs_workflow ON workflow_runs (workflow_id, created_at);

CREATE TABLE workflow_steps (
    id            INTEGER PRIMARY KEY,
    run_id        BIGINT NOT NULL REFERENCES workflow_runs (id),
    position      BIGINT NOT NULL,
    kind          TEXT NOT NULL,
    input         TEXT NOT NULL DEFAULT '{}',
    output        TEXT NOT NULL DEFAULT '{}',
    state         TEXT NOT NULL CHECK (state IN ('done', 'failed', 'retrying', 'waiting')),
    attempts      BIGINT NOT NULL DEFAULT 1,
    error         TEXT,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    UNIQUE (run_id, position)
);

-- Follow-up tasks a workflow gives to a member of staff, ticked when done.
CREATE TABLE workflow_tasks (
    id            INTEGER PRIMARY KEY,
    run_id        BIGINT NOT NULL REFERENCES workflow_runs (id),
    user_id       BIGINT NOT NULL REFERENCES users (id),
    student_id    BIGINT REFERENCES students (id),
    title         TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    done_at       TEXT
);
CREATE INDEX workflow_tasks_user ON workflow_tasks (user_id, done_at);
