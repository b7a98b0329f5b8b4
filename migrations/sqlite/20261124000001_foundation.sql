-- Foundation: settings, people and roles, sessions, login attempts, school structure.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT UNIQUE,
    phone         TEXT UNIQUE,
    password_hash TEXT NOT NULL,
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    -- folded "surname given-names", computed by the application, for sorting
    sort_name     TEXT NOT NULL DEFAULT '',
    -- folded names in both orders, e-mail and phone digits, for searching
    search_key    TEXT NOT NULL DEFAULT '',
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    locale        TEXT NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TEXT NOT NULL,
    last_login_at TEXT,
    CHECK (email IS NOT NULL OR phone IS NOT NULL)
);
CREATE INDEX users_sort_name ON users (sort_name);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('student', 'teacher', 'parent', 'director', 'bursar', 'secretary')),
    PRIMARY KEY (user_id, role)
);
CREATE INDEX user_roles_role ON user_roles (role);

CREATE TABLE staff (
    id        INTEGER PRIMARY KEY,
    user_id   BIGINT NOT NULL UNIQUE REFERENCES users (id),
    position  TEXT NOT NULL,
    hired_on  TEXT
);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    user_id     BIGINT,
    data        BLOB NOT NULL,
    expiry_date BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry_date);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_attempts (
    id      INTEGER PRIMARY KEY,
    scope   TEXT NOT NULL CHECK (scope IN ('account', 'ip')),
    key     TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts (scope, key, at);

CREATE TABLE school_years (
    id        INTEGER PRIMARY KEY,
    label     TEXT NOT NULL UNIQUE,
    starts_on TEXT NOT NULL,
    ends_on   TEXT NOT NULL,
    current   BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE periods (
    id             INTEGER PRIMARY KEY,
    school_year_id BIGINT NOT NULL REFERENCES school_years (id),
    ordinal        BIGINT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('trimestre', 'semestre')),
    starts_on      TEXT NOT NULL,
    ends_on        TEXT NOT NULL,
    closed         BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (school_year_id, ordinal)
);

CREATE TABLE levels (
    id      INTEGER PRIMARY KEY,
    code    TEXT NOT NULL UNIQUE,
    name    TEXT NOT NULL,
    cycle   TEXT NOT NULL CHECK (cycle IN ('primaire', 'college', 'lycee')),
    ordinal BIGINT NOT NULL
);

CREATE TABLE series (
    id   INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE subjects (
    id   INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE classes (
    id                   INTEGER PRIMARY KEY,
    school_year_id       BIGINT NOT NULL REFERENCES school_years (id),
    level_id             BIGINT NOT NULL REFERENCES levels (id),
    series_id            BIGINT REFERENCES series (id),
    grp                  TEXT NOT NULL DEFAULT '',
    name                 TEXT NOT NULL,
    room                 TEXT,
    capacity             BIGINT NOT NULL DEFAULT 60,
    head_teacher_user_id BIGINT REFERENCES users (id),
    UNIQUE (school_year_id, name)
);
CREATE INDEX classes_head ON classes (head_teacher_user_id);

CREATE TABLE students (
    id          INTEGER PRIMARY KEY,
    matricule   TEXT NOT NULL UNIQUE,
    first_name  TEXT NOT NULL,
    last_name   TEXT NOT NULL,
    sort_name   TEXT NOT NULL DEFAULT '',
    search_key  TEXT NOT NULL DEFAULT '',
    birth_date  TEXT,
    birth_place TEXT,
    sex         TEXT NOT NULL CHECK (sex IN ('F', 'M')),
    user_id     BIGINT UNIQUE REFERENCES users (id),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TEXT NOT NULL
);
CREATE INDEX students_sort_name ON students (sort_name);

CREATE TABLE student_guardians (
    student_id   BIGINT NOT NULL REFERENCES students (id),
    user_id      BIGINT NOT NULL REFERENCES users (id),
    relationship TEXT NOT NULL CHECK (relationship IN ('pere', 'mere', 'tuteur')),
    PRIMARY KEY (student_id, user_id)
);
CREATE INDEX student_guardians_user ON student_guardians (user_id);

CREATE TABLE enrollments (
    id             INTEGER PRIMARY KEY,
    student_id     BIGINT NOT NULL REFERENCES students (id),
    class_id       BIGINT NOT NULL REFERENCES classes (id),
    school_year_id BIGINT NOT NULL REFERENCES school_years (id),
    enrolled_on    TEXT NOT NULL,
    UNIQUE (student_id, school_year_id)
);
CREATE INDEX enrollments_class ON enrollments (class_id);

CREATE TABLE teaching_assignments (
    id              INTEGER PRIMARY KEY,
    class_id        BIGINT NOT NULL REFERENCES classes (id),
    subject_id      BIGINT NOT NULL REFERENCES subjects (id),
    teacher_user_id BIGINT NOT NULL REFERENCES users (id),
    UNIQUE (class_id, subject_id)
);
CREATE INDEX teaching_assignments_teacher ON teaching_assignments (teacher_user_id);
