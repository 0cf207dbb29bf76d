-- +goose Up
-- Issue 19: PostgreSQL's migration 00350 partitions the tables its scrub rewrites and moves the
-- phone and e-mail lookup hashes, with their uniqueness among live accounts, to lookup_hashes
-- (the partitioned account_lookups cannot hold a unique index on a hash). SQLite is not
-- partitioned (its scrub is a WAL checkpoint with secure_delete on), but the queries are the
-- same on both stores, so the tables are too: lookup_hashes finds accounts by hash, and
-- account_lookups keeps an account's own hashes, read by account id. scrub_pending stays empty
-- here: the erasures name no partition.
CREATE TABLE lookup_hashes (
    hash       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('phone','email')),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    live       INTEGER NOT NULL,
    PRIMARY KEY (hash, kind, account_id)
);
INSERT INTO lookup_hashes (hash, kind, account_id, live)
    SELECT phone_hash, 'phone', account_id, live FROM account_lookups WHERE phone_hash IS NOT NULL
    UNION ALL SELECT email_hash, 'email', account_id, live FROM account_lookups WHERE email_hash IS NOT NULL;
CREATE UNIQUE INDEX lookup_hashes_live ON lookup_hashes (hash, kind) WHERE live;
CREATE INDEX lookup_hashes_account ON lookup_hashes (account_id);
DROP INDEX account_lookups_live_phone;
DROP INDEX account_lookups_live_email;
DROP INDEX account_lookups_phone;
DROP INDEX account_lookups_email;

CREATE TABLE scrub_pending (
    partition TEXT PRIMARY KEY,
    gen       INTEGER NOT NULL,
    xid       INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE scrub_pending;
CREATE UNIQUE INDEX account_lookups_live_phone ON account_lookups (phone_hash) WHERE live;
CREATE UNIQUE INDEX account_lookups_live_email ON account_lookups (email_hash) WHERE live AND email_hash IS NOT NULL;
CREATE INDEX account_lookups_phone ON account_lookups (phone_hash);
CREATE INDEX account_lookups_email ON account_lookups (email_hash);
DROP TABLE lookup_hashes;
