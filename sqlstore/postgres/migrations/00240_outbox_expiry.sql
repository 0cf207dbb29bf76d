-- +goose Up
-- When a time-bound message (a one-time code, a confirmation link, a reminder) stops being worth
-- sending (issue 17): microseconds since the epoch, 0 for a message that never expires. A pending
-- message past it is marked expired by the outbox worker instead of being sent: a status of its
-- own, since it neither reached anyone nor failed to.
ALTER TABLE outbox ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending','sent','failed','expired'));
CREATE INDEX outbox_expiring ON outbox (expires_at) WHERE status = 'pending' AND expires_at <> 0;

-- +goose Down
UPDATE outbox SET status = 'failed' WHERE status = 'expired';
DROP INDEX outbox_expiring;
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending','sent','failed'));
ALTER TABLE outbox DROP COLUMN expires_at;
