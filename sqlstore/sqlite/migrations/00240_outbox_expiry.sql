-- +goose Up
-- When a time-bound message (a one-time code, a confirmation link, a reminder) stops being worth
-- sending (issue 17): microseconds since the epoch, 0 for a message that never expires. A pending
-- message past it is marked expired by the outbox worker instead of being sent: a status of its
-- own, since it neither reached anyone nor failed to. SQLite cannot alter a CHECK constraint; the
-- documented way to widen one without rebuilding the table is to edit its text in the schema
-- (https://sqlite.org/lang_altertable.html §7, "removing CHECK … constraints"): every row that
-- passed the old check passes the new one. RESET makes this connection read the schema again, and
-- the CREATE INDEX that follows changes the schema cookie, so that every other one does too.
ALTER TABLE outbox ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''pending'',''sent'',''failed'')', '''pending'',''sent'',''failed'',''expired'')')
WHERE type = 'table' AND name = 'outbox';
PRAGMA writable_schema = RESET;
CREATE INDEX outbox_expiring ON outbox (expires_at) WHERE status = 'pending' AND expires_at <> 0;

-- +goose Down
UPDATE outbox SET status = 'failed' WHERE status = 'expired';
DROP INDEX outbox_expiring;
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''pending'',''sent'',''failed'',''expired'')', '''pending'',''sent'',''failed'')')
WHERE type = 'table' AND name = 'outbox';
PRAGMA writable_schema = RESET;
ALTER TABLE outbox DROP COLUMN expires_at;
