-- +goose Up
-- AP-2: installing the device certificate after an SMS code is a business flow of its own kind.
-- SQLite cannot change a CHECK constraint, so the table is built again with the new kind allowed
-- (the steps SQLite documents for ALTER TABLE: new table, copy, drop, rename, indexes).
CREATE TABLE business_flows_new (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    kind            TEXT NOT NULL CHECK (kind IN ('password_recovery','phone_change','certificate_install')),
    status          TEXT NOT NULL CHECK (status IN ('pending','completed','cancelled','expired')),
    target_sealed   BLOB,
    code_hash       TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    ended_at        INTEGER NOT NULL DEFAULT 0,
    target_hash     TEXT NOT NULL DEFAULT '',
    target_masked   TEXT NOT NULL DEFAULT '',
    code_sent_at    INTEGER NOT NULL DEFAULT 0,
    code_expires_at INTEGER NOT NULL DEFAULT 0,
    by_holder       INTEGER NOT NULL DEFAULT 1 CHECK (by_holder IN (0,1))
);
INSERT INTO business_flows_new (id, account_id, kind, status, target_sealed, code_hash, attempts, created_at,
    expires_at, ended_at, target_hash, target_masked, code_sent_at, code_expires_at, by_holder)
SELECT id, account_id, kind, status, target_sealed, code_hash, attempts, created_at,
    expires_at, ended_at, target_hash, target_masked, code_sent_at, code_expires_at, by_holder FROM business_flows;
DROP TABLE business_flows;
ALTER TABLE business_flows_new RENAME TO business_flows;
CREATE INDEX business_flows_account ON business_flows (account_id, status);
CREATE UNIQUE INDEX business_flows_one_pending ON business_flows (account_id, kind) WHERE status = 'pending';

-- +goose Down
DELETE FROM business_flows WHERE kind = 'certificate_install';
