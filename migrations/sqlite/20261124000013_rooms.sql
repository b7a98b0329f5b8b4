-- Rooms as records of the school: a class's room is chosen from them, and the timetable
-- will place lessons in them. A room outlives school years; classes name it.
CREATE TABLE rooms (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    kind     TEXT NOT NULL DEFAULT 'classroom'
             CHECK (kind IN ('classroom', 'lab', 'computer', 'workshop', 'hall', 'sports')),
    capacity INTEGER CHECK (capacity IS NULL OR capacity > 0),
    active   BOOLEAN NOT NULL DEFAULT TRUE
);

-- The rooms classes already name become records.
INSERT INTO rooms (name) SELECT DISTINCT room FROM classes WHERE room IS NOT NULL AND room <> '';
