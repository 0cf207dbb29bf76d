-- +goose Up
-- Retention (DESIGN.md §3): where each closed account is in its purge, one row per account the
-- jobs have touched. A separate table keeps the accounts table as the foundation made it.
CREATE TABLE purge_state (
    account_id        TEXT PRIMARY KEY REFERENCES accounts (id),
    notice_id         TEXT NOT NULL DEFAULT '',
    noticed_at        BIGINT NOT NULL DEFAULT 0,
    erased_at         BIGINT NOT NULL DEFAULT 0,
    records_purged_at BIGINT NOT NULL DEFAULT 0
);
-- The jobs find their accounts through accounts_status (status, closed_at).

-- +goose Down
DROP TABLE purge_state;
