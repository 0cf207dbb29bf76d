-- +goose Up
-- Issue 19: the scrub rewrote data_keys, records_identity, account_lookups and business_flows
-- whole (VACUUM FULL, an ACCESS EXCLUSIVE lock for the rewrite: 14-19 s at 300,000 accounts,
-- sign-ins and sealing waiting). Each becomes 16 hash partitions by account, so a scrub rewrites
-- only the partitions an erasure wrote since the last one, each under a lock held for that
-- partition's rewrite alone (a 16th of the table). The phone and e-mail lookup hashes, whose
-- uniqueness among live accounts the database enforces, move to lookup_hashes, partitioned by the
-- hash itself: a unique index on a partitioned table must hold its partition key. account_lookups
-- keeps an account's own hashes, read by account id with every account. The old tables are
-- copied and dropped: their files, dead versions included, are unlinked, as VACUUM FULL did
-- (32.5 s for 300,000 accounts on the loaded 2-core test machine, the tables locked throughout).
-- Why 16 partitions: sqlstore/postgres/scrub.go; see also docs/retention.md.

-- The partitions an erasure wrote and the scrub has not rewritten since. gen counts the erasures
-- that named a partition, so that a scrub clears only what it saw: an erasure committed meanwhile
-- leaves its row for the next scrub. xid is the last such erasure's transaction: while a snapshot
-- older than it is held, VACUUM FULL keeps the versions it left, and the row stays.
CREATE TABLE scrub_pending (
    partition TEXT PRIMARY KEY,
    gen       BIGINT NOT NULL,
    xid       xid8 NOT NULL DEFAULT pg_current_xact_id()
);

-- +goose StatementBegin
CREATE FUNCTION purse_hash_partitions(parent TEXT, n INT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    FOR r IN 0 .. n - 1 LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS %s, REMAINDER %s)',
            parent || '_p' || lpad(r::text, 2, '0'), parent, n, r);
    END LOOP;
END $$;
-- +goose StatementEnd

ALTER TABLE data_keys RENAME TO data_keys_old;
CREATE TABLE data_keys (
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    wrapped      BYTEA,
    created_at   BIGINT NOT NULL,
    destroyed_at BIGINT NOT NULL DEFAULT 0
) PARTITION BY HASH (account_id);
SELECT purse_hash_partitions('data_keys', 16);
INSERT INTO data_keys (account_id, wrapped, created_at, destroyed_at)
    SELECT account_id, wrapped, created_at, destroyed_at FROM data_keys_old;
DROP TABLE data_keys_old;
ALTER TABLE data_keys ADD PRIMARY KEY (account_id);

ALTER TABLE records_identity RENAME TO records_identity_old;
CREATE TABLE records_identity (
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    wrapped         BYTEA NOT NULL,
    identity_sealed BYTEA NOT NULL,
    fields          TEXT NOT NULL,
    created_at      BIGINT NOT NULL
) PARTITION BY HASH (account_id);
SELECT purse_hash_partitions('records_identity', 16);
INSERT INTO records_identity (account_id, wrapped, identity_sealed, fields, created_at)
    SELECT account_id, wrapped, identity_sealed, fields, created_at FROM records_identity_old;
DROP TABLE records_identity_old;
ALTER TABLE records_identity ADD PRIMARY KEY (account_id);

-- A flow's id is random (purse.NewID) and every query names its account too; the key holds both,
-- as a partitioned table's unique keys must.
ALTER TABLE business_flows RENAME TO business_flows_old;
CREATE TABLE business_flows (
    id              TEXT NOT NULL,
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    kind            TEXT NOT NULL CONSTRAINT business_flows_kind_check
                        CHECK (kind IN ('password_recovery','phone_change','certificate_install')),
    status          TEXT NOT NULL CHECK (status IN ('pending','completed','cancelled','expired')),
    target_sealed   BYTEA,
    code_hash       TEXT NOT NULL DEFAULT '',
    attempts        BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    ended_at        BIGINT NOT NULL DEFAULT 0,
    target_hash     TEXT NOT NULL DEFAULT '',
    code_sent_at    BIGINT NOT NULL DEFAULT 0,
    code_expires_at BIGINT NOT NULL DEFAULT 0,
    by_holder       BOOLEAN NOT NULL DEFAULT TRUE
) PARTITION BY HASH (account_id);
SELECT purse_hash_partitions('business_flows', 16);
INSERT INTO business_flows (id, account_id, kind, status, target_sealed, code_hash, attempts, created_at,
        expires_at, ended_at, target_hash, code_sent_at, code_expires_at, by_holder)
    SELECT id, account_id, kind, status, target_sealed, code_hash, attempts, created_at,
        expires_at, ended_at, target_hash, code_sent_at, code_expires_at, by_holder FROM business_flows_old;
DROP TABLE business_flows_old;
ALTER TABLE business_flows ADD PRIMARY KEY (id, account_id);
CREATE INDEX business_flows_account ON business_flows (account_id, status);
CREATE UNIQUE INDEX business_flows_one_pending ON business_flows (account_id, kind) WHERE status = 'pending';

-- Every lookup hash of every account, live or not, one row each: sign-in, registration and the
-- support look-ups find accounts here by hash (one partition); live marks the accounts that are
-- neither closed nor purged, among which a phone or an e-mail belongs to at most one (TP-7).
CREATE TABLE lookup_hashes (
    hash       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('phone','email')),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    live       BOOLEAN NOT NULL,
    PRIMARY KEY (hash, kind, account_id)
) PARTITION BY HASH (hash);
SELECT purse_hash_partitions('lookup_hashes', 16);
INSERT INTO lookup_hashes (hash, kind, account_id, live)
    SELECT phone_hash, 'phone', account_id, live FROM account_lookups WHERE phone_hash IS NOT NULL
    UNION ALL SELECT email_hash, 'email', account_id, live FROM account_lookups WHERE email_hash IS NOT NULL;
CREATE UNIQUE INDEX lookup_hashes_live ON lookup_hashes (hash, kind) WHERE live;
-- The erasure and a hash's change find an account's rows by account.
CREATE INDEX lookup_hashes_account ON lookup_hashes (account_id);

ALTER TABLE account_lookups RENAME TO account_lookups_old;
CREATE TABLE account_lookups (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    phone_hash TEXT,
    email_hash TEXT,
    live       BOOLEAN NOT NULL
) PARTITION BY HASH (account_id);
SELECT purse_hash_partitions('account_lookups', 16);
INSERT INTO account_lookups (account_id, phone_hash, email_hash, live)
    SELECT account_id, phone_hash, email_hash, live FROM account_lookups_old;
DROP TABLE account_lookups_old;
ALTER TABLE account_lookups ADD PRIMARY KEY (account_id);

DROP FUNCTION purse_hash_partitions(TEXT, INT);
ANALYZE data_keys, records_identity, business_flows, lookup_hashes, account_lookups;

-- +goose Down
-- Back to plain tables, the live hashes unique again in account_lookups.
ALTER TABLE data_keys RENAME TO data_keys_part;
CREATE TABLE data_keys (
    account_id   TEXT PRIMARY KEY REFERENCES accounts (id),
    wrapped      BYTEA,
    created_at   BIGINT NOT NULL,
    destroyed_at BIGINT NOT NULL DEFAULT 0
);
INSERT INTO data_keys SELECT account_id, wrapped, created_at, destroyed_at FROM data_keys_part;
DROP TABLE data_keys_part;

ALTER TABLE records_identity RENAME TO records_identity_part;
CREATE TABLE records_identity (
    account_id      TEXT PRIMARY KEY REFERENCES accounts (id),
    wrapped         BYTEA NOT NULL,
    identity_sealed BYTEA NOT NULL,
    fields          TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
INSERT INTO records_identity SELECT account_id, wrapped, identity_sealed, fields, created_at FROM records_identity_part;
DROP TABLE records_identity_part;

ALTER TABLE business_flows RENAME TO business_flows_part;
CREATE TABLE business_flows (LIKE business_flows_part INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
INSERT INTO business_flows SELECT * FROM business_flows_part;
DROP TABLE business_flows_part;
ALTER TABLE business_flows ADD PRIMARY KEY (id);
ALTER TABLE business_flows ADD FOREIGN KEY (account_id) REFERENCES accounts (id);
CREATE INDEX business_flows_account ON business_flows (account_id, status);
CREATE UNIQUE INDEX business_flows_one_pending ON business_flows (account_id, kind) WHERE status = 'pending';

ALTER TABLE account_lookups RENAME TO account_lookups_part;
CREATE TABLE account_lookups (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id),
    phone_hash TEXT,
    email_hash TEXT,
    live       BOOLEAN NOT NULL
);
INSERT INTO account_lookups SELECT account_id, phone_hash, email_hash, live FROM account_lookups_part;
DROP TABLE account_lookups_part;
CREATE UNIQUE INDEX account_lookups_live_phone ON account_lookups (phone_hash) WHERE live;
CREATE UNIQUE INDEX account_lookups_live_email ON account_lookups (email_hash) WHERE live AND email_hash IS NOT NULL;
CREATE INDEX account_lookups_phone ON account_lookups (phone_hash);
CREATE INDEX account_lookups_email ON account_lookups (email_hash);
DROP TABLE lookup_hashes;
DROP TABLE scrub_pending;
