-- Absences entered by the school (the surveillant at the gate) outside a teacher's roll
-- call are kept in a roll call of their own for that hour, which the teacher's roll call
-- of the same hour later takes over.
ALTER TABLE roll_calls ADD COLUMN source TEXT NOT NULL DEFAULT 'teacher' CHECK (source IN ('teacher', 'surveillance'));
