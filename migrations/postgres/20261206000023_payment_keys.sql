-- A desk payment carries the key of the form it came from: the same form posted twice (a
-- double click, a refresh) records one receipt, not two.
ALTER TABLE payments ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX payments_idempotency ON payments (idempotency_key);
