-- +goose Up
-- Which sender delivered a message ("smtp", "sms-webhook", "webhook", or "dev" when no provider is
-- configured for its channel); an index for the workers' claim of due, unleased messages, and one
-- for the pruning of settled messages past their keeping time.
ALTER TABLE outbox ADD COLUMN sender TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_settled ON outbox (created_at) WHERE status <> 'pending';

-- +goose Down
DROP INDEX outbox_settled;
DROP INDEX outbox_pending;
ALTER TABLE outbox DROP COLUMN sender;
