-- Success prediction: the models trained on the school's history (the one in use is
-- `current`), each student's latest prediction, the alerts (one per crossing of the
-- threshold), the follow-up recorded, and past years imported from spreadsheets.
CREATE TABLE prediction_models (
    id          INTEGER PRIMARY KEY,
    trained_at  TEXT NOT NULL,
    trained_by  BIGINT REFERENCES users (id),
    algorithm   TEXT NOT NULL,
    rows_used   BIGINT NOT NULL,
    students    BIGINT NOT NULL,
    -- JSON: the evaluations of every model, the baseline and the hand-made index, the
    -- features used, the label and the years.
    summary     TEXT NOT NULL,
    -- JSON: the trained model itself.
    model       TEXT NOT NULL,
    size_bytes  BIGINT NOT NULL,
    current     BOOLEAN NOT NULL DEFAULT FALSE
);

-- The latest prediction of each student of the year: the probability of failing the year
-- in ten-thousandths, and its reasons (JSON: feature names and values).
CREATE TABLE risk_predictions (
    student_id     BIGINT NOT NULL REFERENCES students (id),
    school_year_id BIGINT NOT NULL REFERENCES school_years (id),
    model_id       BIGINT NOT NULL REFERENCES prediction_models (id),
    class_id       BIGINT NOT NULL REFERENCES classes (id),
    probability    BIGINT NOT NULL CHECK (probability BETWEEN 0 AND 10000),
    -- How many periods of the year the prediction had (1 after the first term).
    stage          BIGINT NOT NULL,
    reasons        TEXT NOT NULL DEFAULT '[]',
    computed_at    TEXT NOT NULL,
    PRIMARY KEY (student_id, school_year_id)
);
CREATE INDEX risk_predictions_class ON risk_predictions (class_id);

-- A student crossing the alert threshold: one row per crossing, closed when the risk falls
-- back under it (a later crossing opens a new one).
CREATE TABLE risk_alerts (
    id             INTEGER PRIMARY KEY,
    student_id     BIGINT NOT NULL REFERENCES students (id),
    school_year_id BIGINT NOT NULL REFERENCES school_years (id),
    probability    BIGINT NOT NULL,
    raised_at      TEXT NOT NULL,
    cleared_at     TEXT
);
CREATE INDEX risk_alerts_student ON risk_alerts (student_id, school_year_id);

-- What was done for a student at risk, and by whom.
CREATE TABLE risk_interventions (
    id             INTEGER PRIMARY KEY,
    student_id     BIGINT NOT NULL REFERENCES students (id),
    school_year_id BIGINT NOT NULL REFERENCES school_years (id),
    author_id      BIGINT NOT NULL REFERENCES users (id),
    done_on        TEXT NOT NULL,
    action         TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    -- The probability when it was recorded, ten-thousandths.
    probability    BIGINT,
    created_at     TEXT NOT NULL
);
CREATE INDEX risk_interventions_student ON risk_interventions (student_id);

-- Past years kept in spreadsheets: one row per student and year, its features (JSON by
-- feature name) and its outcome.
CREATE TABLE prediction_history (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    year_label  TEXT NOT NULL,
    student_key TEXT NOT NULL,
    features    TEXT NOT NULL,
    passed      BOOLEAN NOT NULL,
    imported_by BIGINT REFERENCES users (id),
    imported_at TEXT NOT NULL
);

-- One open alert per student and year: a second node predicting at the same moment cannot
-- raise the same crossing twice.
CREATE UNIQUE INDEX risk_alerts_open ON risk_alerts (student_id, school_year_id) WHERE cleared_at IS NULL;
