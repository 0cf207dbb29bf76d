-- +goose Up
-- AP-8.9: a merchant may ask to end a contract before its term; support decides. The request is
-- kept on the contract: when it was asked and why (a bounded line of text, deleted with the
-- account's service rows at the records purge).
ALTER TABLE merchant_contracts ADD COLUMN termination_requested_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE merchant_contracts ADD COLUMN termination_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE merchant_contracts DROP COLUMN termination_reason;
ALTER TABLE merchant_contracts DROP COLUMN termination_requested_at;
