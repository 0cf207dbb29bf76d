-- +goose NO TRANSACTION
-- +goose Up
-- Issue 15: a pending phone change kept its new number's masked form (seven of eleven digits) in
-- clear for the flow's life and until the purge; it is shown opened from the sealed number
-- (business.List), never stored. DROP COLUMN only hides the column: the rewrite takes its values
-- out of the files, the dead row versions' included (a short ACCESS EXCLUSIVE lock, once; the
-- table holds one row per phone change or certificate install).
ALTER TABLE business_flows DROP COLUMN target_masked;
VACUUM FULL business_flows;

-- +goose Down
ALTER TABLE business_flows ADD COLUMN target_masked TEXT NOT NULL DEFAULT '';
