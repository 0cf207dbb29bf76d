-- +goose NO TRANSACTION
-- +goose Up
-- Points may be converted into CNY in the balance: a transaction kind of its own. SQLite cannot
-- alter a CHECK constraint, so the table is rebuilt (https://sqlite.org/lang_altertable.html §7):
-- with foreign keys off, so that dropping the old table does not check ledger_postings, whose
-- references then name the rebuilt table. The write pool has one connection, so the pragma and the
-- transaction below run on the same one.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE ledger_transactions_new (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('topup','withdrawal','transfer','fund_subscribe','fund_redeem',
                  'points_grant','points_spend','points_convert','stored_grant','stored_spend','credit_draw',
                  'credit_repay','sweep')),
    status       TEXT NOT NULL CHECK (status IN ('pending','settled','failed')),
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    counterparty TEXT NOT NULL DEFAULT '',
    card_id      TEXT NOT NULL DEFAULT '',
    amount       INTEGER NOT NULL CHECK (amount > 0),
    currency     TEXT NOT NULL,
    memo         TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    settle_after INTEGER NOT NULL DEFAULT 0,
    settled_at   INTEGER NOT NULL DEFAULT 0
);
INSERT INTO ledger_transactions_new (id, kind, status, account_id, counterparty, card_id, amount, currency, memo,
    created_at, settle_after, settled_at)
SELECT id, kind, status, account_id, counterparty, card_id, amount, currency, memo, created_at, settle_after, settled_at
FROM ledger_transactions;
DROP TABLE ledger_transactions;
ALTER TABLE ledger_transactions_new RENAME TO ledger_transactions;
CREATE INDEX ledger_transactions_account ON ledger_transactions (account_id, created_at);
CREATE INDEX ledger_transactions_counterparty ON ledger_transactions (counterparty, created_at);
CREATE INDEX ledger_transactions_pending ON ledger_transactions (status, settle_after);
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
-- The wider CHECK is kept: narrowing it would need the same rebuild and would fail on any
-- points_convert row, which the ledger must keep (postings are append-only).
SELECT 1;
