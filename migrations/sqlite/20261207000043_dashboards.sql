-- Every home is a dashboard of widgets. A person's arrangement per role (the widgets in
-- order, each with its width and options, as JSON), and each role's default that the
-- administration sets (with the widgets nobody may remove).
CREATE TABLE dashboard_layouts (
    user_id    BIGINT NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL,
    items      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE dashboard_defaults (
    role       TEXT PRIMARY KEY,
    items      TEXT NOT NULL,
    updated_by BIGINT NOT NULL REFERENCES users (id),
    updated_at TEXT NOT NULL
);

-- Personal access tokens: a program reads the JSON of some widgets as the person who made
-- the token. Only a hash of the secret is kept; a revoked token stays listed.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
