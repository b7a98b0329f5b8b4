-- The flood guard counts a person's messages of the last seconds at every send: without
-- this index it read the whole messages table each time.
CREATE INDEX messages_author ON messages (author_id, created_at);
