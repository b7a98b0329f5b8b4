-- A personal access token dies with the password it was made under: a reset by the
-- administration, a code sent by SMS or the person's own change all end it, as they end
-- the sessions. The token keeps a fingerprint of the password hash of its making.
ALTER TABLE api_tokens ADD COLUMN password_fp TEXT NOT NULL DEFAULT '';
