-- Login failures are also counted per (address, account) pair, and an attempt is reserved
-- before its password is checked. The rows are short-lived counters: nothing to keep.
DROP TABLE login_attempts;
CREATE TABLE login_attempts (
    id      INTEGER PRIMARY KEY,
    scope   TEXT NOT NULL CHECK (scope IN ('account', 'pair', 'ip')),
    key     TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts (scope, key, at);
