-- Files: uploads (a justification's photo…), stored by the storage backend under a key;
-- each is served only through a route that asks who may see what it belongs to.

CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    owner_kind   TEXT NOT NULL,
    owner_id     BIGINT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    storage_key  TEXT NOT NULL UNIQUE,
    created_by   BIGINT REFERENCES users (id),
    created_at   TEXT NOT NULL
);
CREATE INDEX files_owner ON files (owner_kind, owner_id);
