-- +goose Up
-- Points may be converted into CNY in the balance: a transaction kind of its own.
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check;
ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check CHECK (kind IN ('topup','withdrawal',
    'transfer','fund_subscribe','fund_redeem','points_grant','points_spend','points_convert','stored_grant',
    'stored_spend','credit_draw','credit_repay','sweep'));

-- +goose Down
-- The wider CHECK is kept: narrowing it would fail on any points_convert row, which the ledger must
-- keep (postings are append-only).
SELECT 1;
