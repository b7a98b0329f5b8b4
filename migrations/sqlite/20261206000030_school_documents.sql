-- School documents: certificats de scolarité, attestations d'inscription, exeats and student
-- cards, each numbered per kind and year and verifiable by the QR code it carries. A
-- document is never deleted: one issued by mistake is cancelled, and its page says so.
CREATE TABLE school_documents (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('scolarite', 'inscription', 'exeat', 'carte')),
    number         TEXT NOT NULL UNIQUE,
    student_id     BIGINT NOT NULL REFERENCES students (id),
    school_year_id BIGINT NOT NULL REFERENCES school_years (id),
    -- The class at the time of issue, as printed.
    class_name     TEXT NOT NULL DEFAULT '',
    -- An exeat: the day the student left, the reason, the school they go to.
    left_on        TEXT,
    reason         TEXT NOT NULL DEFAULT '',
    destination    TEXT NOT NULL DEFAULT '',
    issued_by      BIGINT REFERENCES users (id),
    issued_at      TEXT NOT NULL,
    cancelled_at   TEXT,
    cancelled_by   BIGINT REFERENCES users (id),
    cancel_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX school_documents_student ON school_documents (student_id, issued_at);

CREATE TABLE school_document_counters (
    school_year_id BIGINT NOT NULL REFERENCES school_years (id),
    kind           TEXT NOT NULL,
    last_no        BIGINT NOT NULL,
    PRIMARY KEY (school_year_id, kind)
);
