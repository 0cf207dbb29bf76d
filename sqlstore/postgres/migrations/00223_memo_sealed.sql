-- +goose Up
-- Issue 15: a transfer's memo is sealed twice, under each party's data key (memo_sealed for the
-- initiator, memo_counter_sealed for the counterparty; sqlstore/memo.go says why), and shredded
-- with each. The clear memo column keeps only memos of no person (operator books, retention's
-- carried balances). The memos written in clear before are sealed by purse when it starts
-- (sqlstore.SealClearRows), found through the partial index below.
ALTER TABLE ledger_transactions ADD COLUMN memo_sealed BYTEA;
ALTER TABLE ledger_transactions ADD COLUMN memo_counter_sealed BYTEA;
CREATE INDEX ledger_transactions_memo_clear ON ledger_transactions (id) WHERE memo <> '';

-- +goose Down
DROP INDEX ledger_transactions_memo_clear;
ALTER TABLE ledger_transactions DROP COLUMN memo_counter_sealed;
ALTER TABLE ledger_transactions DROP COLUMN memo_sealed;
