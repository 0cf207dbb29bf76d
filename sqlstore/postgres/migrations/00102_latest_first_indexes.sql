-- +goose Up
-- "The latest code" (a closure's verification, TP-4) and "the latest messages to an address" order
-- by created_at DESC, id DESC. Without id in the index, two rows of the same instant had to be
-- sorted apart, so SQLite built a temporary b-tree for the last term on every look-up and
-- PostgreSQL sorted the rows it found. With id as the index's last column both read the index
-- backwards and stop at the limit.
DROP INDEX otp_codes_latest;
CREATE INDEX otp_codes_latest ON otp_codes (account_id, purpose, channel, created_at, id);
DROP INDEX outbox_recipient;
CREATE INDEX outbox_recipient ON outbox (recipient, created_at, id);

-- +goose Down
DROP INDEX outbox_recipient;
CREATE INDEX outbox_recipient ON outbox (recipient, created_at);
DROP INDEX otp_codes_latest;
CREATE INDEX otp_codes_latest ON otp_codes (account_id, purpose, channel, created_at);
