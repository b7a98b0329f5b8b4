-- An unsigned callback asks for a status check; this is when the one waiting to run was
-- asked, so that a flood of callbacks for one attempt queues one check, not thousands.
ALTER TABLE momo_payments ADD COLUMN check_requested_at TEXT;
-- Callbacks are counted per minute and per attempt before they are kept.
CREATE INDEX momo_callbacks_received ON momo_callbacks (received_at);
