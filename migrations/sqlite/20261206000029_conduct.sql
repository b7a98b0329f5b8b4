-- Vie scolaire: incidents as they were seen, and the sanctions the school gives (its scale:
-- avertissement, blâme, retenue, exclusion temporaire).
CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY,
    student_id  BIGINT NOT NULL REFERENCES students (id),
    occurred_on TEXT NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL,
    witnesses   TEXT NOT NULL DEFAULT '',
    reported_by BIGINT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL
);
CREATE INDEX incidents_student ON incidents (student_id, occurred_on);

CREATE TABLE sanctions (
    id              INTEGER PRIMARY KEY,
    student_id      BIGINT NOT NULL REFERENCES students (id),
    incident_id     BIGINT REFERENCES incidents (id),
    kind            TEXT NOT NULL CHECK (kind IN ('avertissement', 'blame', 'retenue', 'exclusion')),
    reason          TEXT NOT NULL,
    decided_by      BIGINT NOT NULL REFERENCES users (id),
    decided_on      TEXT NOT NULL,
    -- A retenue: its day, start ("14:00") and length.
    retenue_on      TEXT,
    retenue_at      TEXT,
    retenue_minutes INTEGER,
    -- An exclusion: its first day and length in school days.
    exclusion_from  TEXT,
    exclusion_days  INTEGER,
    created_at      TEXT NOT NULL,
    CHECK ((kind = 'retenue') = (retenue_on IS NOT NULL)),
    CHECK ((kind = 'exclusion') = (exclusion_from IS NOT NULL))
);
CREATE INDEX sanctions_student ON sanctions (student_id, decided_on);

-- A teacher's own absence, recorded by the administration: the families of the classes
-- they teach are told which lessons will not take place.
CREATE TABLE teacher_absences (
    id              INTEGER PRIMARY KEY,
    teacher_user_id BIGINT NOT NULL REFERENCES users (id),
    from_date       TEXT NOT NULL,
    to_date         TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    recorded_by     BIGINT NOT NULL REFERENCES users (id),
    created_at      TEXT NOT NULL,
    CHECK (to_date >= from_date)
);
CREATE INDEX teacher_absences_dates ON teacher_absences (from_date, to_date);
