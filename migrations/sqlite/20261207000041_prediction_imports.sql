-- Past years uploaded from a spreadsheet for success prediction, between the upload and the
-- column mapping: the table as read (JSON), then how many rows it gave.
CREATE TABLE prediction_imports (
    id          INTEGER PRIMARY KEY,
    filename    TEXT NOT NULL,
    header      TEXT NOT NULL,
    body        TEXT NOT NULL,
    row_count   BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    uploaded_at TEXT NOT NULL,
    imported    BIGINT,
    imported_at TEXT
);
