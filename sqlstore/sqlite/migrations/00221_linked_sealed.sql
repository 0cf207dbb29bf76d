-- +goose Up
-- Issue 15: a linked account's external id is sealed under the account's data key
-- (external_sealed), so that it goes with the key at the purge, and found through a keyed hash
-- (external_hash), which the uniqueness of a live link is now on. The clear column stays, empty,
-- for the rows written before, which purse seals when it starts (sqlstore.SealClearRows).
ALTER TABLE linked_accounts ADD COLUMN external_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE linked_accounts ADD COLUMN external_sealed BLOB;
DROP INDEX linked_accounts_live;
CREATE UNIQUE INDEX linked_accounts_live ON linked_accounts (account_id, platform, external_hash, external_id) WHERE status = 'linked';

-- +goose Down
DROP INDEX linked_accounts_live;
CREATE UNIQUE INDEX linked_accounts_live ON linked_accounts (account_id, platform, external_id) WHERE status = 'linked';
ALTER TABLE linked_accounts DROP COLUMN external_sealed;
ALTER TABLE linked_accounts DROP COLUMN external_hash;
