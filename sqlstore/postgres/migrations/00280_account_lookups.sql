-- +goose Up
-- Issue 15: the phone's and e-mail's lookup hashes leave the accounts table for a small table of
-- their own, and the masked phone goes (it is derived from the sealed phone when shown). On
-- PostgreSQL every UPDATE of an account (a wrong password, a lock, a status) left a dead version
-- of the row holding both hashes and seven of the phone's eleven digits, and the purge's own
-- UPDATE left one more; VACUUM frees that space without zeroing it, so the values stayed in the
-- accounts pages after the purge with no time bound. account_lookups is written only when a hash
-- or the account's liveness changes; the purge DELETEs its row and the scrub rewrites the table
-- (VACUUM FULL, like data_keys). live mirrors "status NOT IN ('closed','purged')": a phone or an
-- e-mail belongs to at most one live account, and closing frees it for a new one (TP-7).
CREATE TABLE account_lookups (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id),
    phone_hash TEXT,
    email_hash TEXT,
    live       BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX account_lookups_live_phone ON account_lookups (phone_hash) WHERE live;
CREATE UNIQUE INDEX account_lookups_live_email ON account_lookups (email_hash) WHERE live AND email_hash IS NOT NULL;
CREATE INDEX account_lookups_phone ON account_lookups (phone_hash);
CREATE INDEX account_lookups_email ON account_lookups (email_hash);
INSERT INTO account_lookups (account_id, phone_hash, email_hash, live)
    SELECT id, phone_hash, email_hash, status NOT IN ('closed','purged') FROM accounts
    WHERE phone_hash IS NOT NULL OR email_hash IS NOT NULL;
DROP INDEX accounts_live_phone;
DROP INDEX accounts_live_email;
DROP INDEX accounts_phone_hash;
DROP INDEX accounts_email_hash;
ALTER TABLE accounts DROP COLUMN phone_hash;
ALTER TABLE accounts DROP COLUMN email_hash;
ALTER TABLE accounts DROP COLUMN phone_masked;

-- +goose Down
ALTER TABLE accounts ADD COLUMN phone_hash TEXT;
ALTER TABLE accounts ADD COLUMN email_hash TEXT;
ALTER TABLE accounts ADD COLUMN phone_masked TEXT NOT NULL DEFAULT '';
UPDATE accounts SET phone_hash = (SELECT l.phone_hash FROM account_lookups l WHERE l.account_id = accounts.id),
    email_hash = (SELECT l.email_hash FROM account_lookups l WHERE l.account_id = accounts.id);
CREATE UNIQUE INDEX accounts_live_phone ON accounts (phone_hash) WHERE status NOT IN ('closed','purged');
CREATE UNIQUE INDEX accounts_live_email ON accounts (email_hash) WHERE status NOT IN ('closed','purged') AND email_hash IS NOT NULL;
CREATE INDEX accounts_phone_hash ON accounts (phone_hash, created_at);
CREATE INDEX accounts_email_hash ON accounts (email_hash, created_at);
DROP TABLE account_lookups;
