-- The log filtered by who made the change, newest first.
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, id);
