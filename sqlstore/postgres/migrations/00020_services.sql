-- +goose Up
-- The services that can block a closure (AP-8, IM-3): what 00002 left out.

-- Platforms accounts may be linked to, each with the webhook told of a closure (AP-4, IM-3).
CREATE TABLE platforms (
    name        TEXT PRIMARY KEY,
    webhook_url TEXT NOT NULL DEFAULT '',
    updated_at  BIGINT NOT NULL
);

-- A platform account is linked to a wallet account at most once at a time.
CREATE UNIQUE INDEX linked_accounts_live ON linked_accounts (account_id, platform, external_id) WHERE status = 'linked';

-- Business flows (AP-8.7): the code lives shorter than the flow, so that a resend is possible; the
-- new phone is kept as a lookup hash (to refuse a taken number) and masked (to show it).
ALTER TABLE business_flows ADD COLUMN target_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE business_flows ADD COLUMN target_masked TEXT NOT NULL DEFAULT '';
ALTER TABLE business_flows ADD COLUMN code_sent_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE business_flows ADD COLUMN code_expires_at BIGINT NOT NULL DEFAULT 0;
-- At most one flow of each kind is pending per account; a new start supersedes the old one.
CREATE UNIQUE INDEX business_flows_one_pending ON business_flows (account_id, kind) WHERE status = 'pending';

-- +goose Down
DROP INDEX business_flows_one_pending;
ALTER TABLE business_flows DROP COLUMN code_expires_at;
ALTER TABLE business_flows DROP COLUMN code_sent_at;
ALTER TABLE business_flows DROP COLUMN target_masked;
ALTER TABLE business_flows DROP COLUMN target_hash;
DROP INDEX linked_accounts_live;
DROP TABLE platforms;
