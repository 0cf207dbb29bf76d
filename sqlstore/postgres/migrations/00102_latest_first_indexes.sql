-- +goose Up
-- "The latest code" (a closure's verification, TP-4) orders by created_at DESC, id DESC. Without
-- id in the index, two codes of the same instant had to be sorted apart, so SQLite built a
-- temporary b-tree for the last term on every look-up and PostgreSQL sorted the rows it found.
-- With id as the index's last column both read the index backwards and stop at the first.
-- (outbox_recipient, which "the latest messages to an address" reads the same way, is left as it
-- is: every notice the purge and the closure send is written through it, and its only readers are
-- the dev outbox and tests, for which a small sort is no cost.)
DROP INDEX otp_codes_latest;
CREATE INDEX otp_codes_latest ON otp_codes (account_id, purpose, channel, created_at, id);

-- +goose Down
DROP INDEX otp_codes_latest;
CREATE INDEX otp_codes_latest ON otp_codes (account_id, purpose, channel, created_at);
