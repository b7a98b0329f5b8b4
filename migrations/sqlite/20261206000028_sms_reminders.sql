-- A fees reminder names its student: the arrears list shows when each family was last
-- reminded, and nobody is reminded twice in a week.
ALTER TABLE sms_outbox ADD COLUMN student_id BIGINT REFERENCES students (id);
CREATE INDEX sms_outbox_student ON sms_outbox (student_id, created_at);
