-- +goose Up
-- Issue 15: the outbox no longer keeps a recipient, subject, body or template data in clear. The
-- store seals them (recipient_sealed, content_sealed) under the account's data key, or under the
-- master key's outbox key for a message of no account, and finds messages by recipient through a
-- keyed hash. The clear columns stay, always empty, for the rows written before: the settled ones
-- are emptied here (their contents were delivered; nobody needs them), and the pending ones are
-- sealed by purse when it starts, which needs the master key (sqlstore.SealClearRows).
ALTER TABLE outbox ADD COLUMN recipient_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN recipient_sealed BLOB;
ALTER TABLE outbox ADD COLUMN content_sealed BLOB;
UPDATE outbox SET subject = '', body = '', data = '{}' WHERE status <> 'pending';
DROP INDEX outbox_recipient;
CREATE INDEX outbox_recipient_hash ON outbox (recipient_hash, created_at);

-- +goose Down
DROP INDEX outbox_recipient_hash;
CREATE INDEX outbox_recipient ON outbox (recipient, created_at);
ALTER TABLE outbox DROP COLUMN content_sealed;
ALTER TABLE outbox DROP COLUMN recipient_sealed;
ALTER TABLE outbox DROP COLUMN recipient_hash;
