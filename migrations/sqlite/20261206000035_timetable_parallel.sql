-- Courses taught at the same hours (a parallel group): the options of a class (its students
-- split between two subjects' teachers) or the same subject in several classes (students
-- regrouped by level). The i-th lessons of the members start together.
CREATE TABLE timetable_parallel_groups (
    id         INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL
);

CREATE TABLE timetable_parallel_members (
    group_id   BIGINT NOT NULL REFERENCES timetable_parallel_groups (id) ON DELETE CASCADE,
    class_id   BIGINT NOT NULL REFERENCES classes (id),
    subject_id BIGINT NOT NULL REFERENCES subjects (id),
    PRIMARY KEY (group_id, class_id, subject_id),
    -- A course belongs to one group at most.
    UNIQUE (class_id, subject_id)
);
