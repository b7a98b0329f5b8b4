-- Export templates: a school's saved exports (a data set, its columns, filters, grouping,
-- sorting and page layout), made in the template editor and reused by anyone of the
-- administration allowed to read that data set.

CREATE TABLE export_templates (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    dataset    TEXT NOT NULL,
    -- the definition, as JSON (columns, filters, grouping, sorting, layout)
    definition TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    updated_at TEXT NOT NULL
);
