-- +goose Up
-- A transfer's two indexes by party, (account_id, created_at) and (counterparty, created_at), were
-- the ledger's most expensive writes: each commit group touched them at one place per account, so a
-- group cost about 200 dirty pages whatever its size, which capped group commit on SQLite and held
-- its latency up. An account's transactions are found through its postings instead
-- (ledger_postings_owner_id): every movement posts to its initiator's books and a transfer to its
-- recipient's. What still needs a look-up by account is kept in small partial indexes: pending
-- movements (never a settled transfer) and withdrawals (AP-8.3).
DROP INDEX ledger_transactions_account;
DROP INDEX ledger_transactions_counterparty;
CREATE INDEX ledger_transactions_pending_account ON ledger_transactions (account_id) WHERE status = 'pending';
CREATE INDEX ledger_transactions_pending_counterparty ON ledger_transactions (counterparty) WHERE status = 'pending';
CREATE INDEX ledger_transactions_withdrawals ON ledger_transactions (account_id, settled_at) WHERE kind = 'withdrawal';

-- +goose Down
DROP INDEX ledger_transactions_withdrawals;
DROP INDEX ledger_transactions_pending_counterparty;
DROP INDEX ledger_transactions_pending_account;
CREATE INDEX ledger_transactions_counterparty ON ledger_transactions (counterparty, created_at);
CREATE INDEX ledger_transactions_account ON ledger_transactions (account_id, created_at);
