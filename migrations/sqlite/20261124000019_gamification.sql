-- Gamification: points awarded by rules (from school events) or by hand for a behaviour,
-- badges, challenges, and each student's choice to hide their name from other students.
-- Awards are never deleted: a reversal stamps them, and the log keeps both.

CREATE TABLE gamification_rules (
    code      TEXT PRIMARY KEY,
    points    BIGINT NOT NULL CHECK (points BETWEEN 0 AND 1000),
    -- awards of this rule per student per day; 0 for no cap
    daily_cap BIGINT NOT NULL CHECK (daily_cap BETWEEN 0 AND 100),
    -- the rule's own measure, in hundredths of a point out of 20 (a mark, a gain of average)
    threshold BIGINT NOT NULL DEFAULT 0,
    enabled   BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO gamification_rules (code, points, daily_cap, threshold) VALUES
    ('mark_high', 10, 3, 1600),
    ('average_up', 15, 1, 200),
    ('perfect_week', 5, 1, 0);

CREATE TABLE behaviours (
    id       INTEGER PRIMARY KEY,
    label    TEXT NOT NULL UNIQUE,
    points   BIGINT NOT NULL CHECK (points BETWEEN 1 AND 100),
    -- FALSE: an "à améliorer" behaviour, counted apart and never shown to other students
    positive BOOLEAN NOT NULL,
    active   BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO behaviours (label, points, positive) VALUES
    ('Participation active', 2, TRUE),
    ('Entraide', 3, TRUE),
    ('Travail soigné', 2, TRUE),
    ('Progrès remarquable', 5, TRUE),
    ('Bavardage', 1, FALSE),
    ('Travail non fait', 2, FALSE),
    ('Retard au cours', 1, FALSE);

CREATE TABLE badges (
    id          INTEGER PRIMARY KEY,
    -- the automatic criterion; NULL for a badge the school gives by hand
    code        TEXT UNIQUE,
    name        TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    icon        TEXT NOT NULL DEFAULT '★',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_by  BIGINT REFERENCES users (id)
);
INSERT INTO badges (code, icon) VALUES
    ('first_perfect', '🎯'),
    ('honour_1', '🏅'),
    ('honour_3', '🏆'),
    ('full_month', '📅'),
    ('points_100', '⭐'),
    ('points_500', '🌟');

CREATE TABLE challenges (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    class_id        BIGINT NOT NULL REFERENCES classes (id),
    -- one student of the class, for an individual challenge
    student_id      BIGINT REFERENCES students (id),
    -- 0: the class (or the one student) as a whole; 2 or more: the class split into teams
    teams           BIGINT NOT NULL DEFAULT 0 CHECK (teams = 0 OR teams BETWEEN 2 AND 10),
    metric          TEXT NOT NULL CHECK (metric IN ('attendance', 'average_gain', 'points')),
    -- attendance: hundredths of a percent; average_gain: hundredths of a point; points: per student
    target          BIGINT NOT NULL CHECK (target > 0),
    starts_on       TEXT NOT NULL,
    ends_on         TEXT NOT NULL,
    reward_points   BIGINT NOT NULL DEFAULT 0 CHECK (reward_points BETWEEN 0 AND 1000),
    reward_badge_id BIGINT REFERENCES badges (id),
    state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'settled', 'cancelled')),
    created_by      BIGINT NOT NULL REFERENCES users (id),
    created_at      TEXT NOT NULL,
    settled_at      TEXT
);
CREATE INDEX challenges_class ON challenges (class_id, state);

CREATE TABLE challenge_members (
    challenge_id BIGINT NOT NULL REFERENCES challenges (id),
    student_id   BIGINT NOT NULL REFERENCES students (id),
    team         BIGINT NOT NULL DEFAULT 0,
    -- set when the challenge is settled
    won          BOOLEAN,
    PRIMARY KEY (challenge_id, student_id)
);
CREATE INDEX challenge_members_student ON challenge_members (student_id);

CREATE TABLE point_awards (
    id             INTEGER PRIMARY KEY,
    student_id     BIGINT NOT NULL REFERENCES students (id),
    school_year_id BIGINT NOT NULL REFERENCES school_years (id),
    points         BIGINT NOT NULL CHECK (points > 0),
    positive       BOOLEAN NOT NULL,
    rule_code      TEXT REFERENCES gamification_rules (code),
    behaviour_id   BIGINT REFERENCES behaviours (id),
    challenge_id   BIGINT REFERENCES challenges (id),
    -- what it was for, in words (an evaluation, a comment)
    reason         TEXT NOT NULL DEFAULT '',
    -- an award made from an event or a check, e.g. 'mark:12:40': never made twice
    source_key     TEXT UNIQUE,
    awarded_by     BIGINT REFERENCES users (id),
    awarded_on     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    revoked_at     TEXT,
    -- NULL with revoked_at set: withdrawn by the rules (the mark was corrected)
    revoked_by     BIGINT REFERENCES users (id),
    revoke_reason  TEXT
);
CREATE INDEX point_awards_student ON point_awards (student_id, awarded_on);
CREATE INDEX point_awards_year ON point_awards (school_year_id, awarded_on);

CREATE TABLE badge_awards (
    badge_id    BIGINT NOT NULL REFERENCES badges (id),
    student_id  BIGINT NOT NULL REFERENCES students (id),
    awarded_on  TEXT NOT NULL,
    awarded_by  BIGINT REFERENCES users (id),
    reason      TEXT NOT NULL DEFAULT '',
    revoked_at  TEXT,
    revoked_by  BIGINT REFERENCES users (id),
    PRIMARY KEY (badge_id, student_id)
);
CREATE INDEX badge_awards_student ON badge_awards (student_id);

CREATE TABLE gamification_privacy (
    student_id BIGINT PRIMARY KEY REFERENCES students (id),
    hide_name  BOOLEAN NOT NULL
);
