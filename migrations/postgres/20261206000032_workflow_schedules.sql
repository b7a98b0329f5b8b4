-- Workflows on a schedule ("every weekday at 07:30", Lomé time) and on the fees' calendar
-- (a tranche due in N days, or overdue by N days, checked at the schedule's hours). A run
-- of a schedule carries the occurrence it fires for: each occurrence fires once, whichever
-- node sees it first.
ALTER TABLE workflows ADD COLUMN schedule TEXT NOT NULL DEFAULT '';
ALTER TABLE workflows ADD COLUMN days BIGINT NOT NULL DEFAULT 0;
ALTER TABLE workflows ADD COLUMN checked_until TIMESTAMPTZ;
ALTER TABLE workflow_runs ADD COLUMN fire_key TEXT;
CREATE UNIQUE INDEX workflow_runs_fire ON workflow_runs (workflow_id, fire_key);
