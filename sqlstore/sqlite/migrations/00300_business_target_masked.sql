-- +goose Up
-- Issue 15: a pending phone change kept its new number's masked form (seven of eleven digits) in
-- clear for the flow's life and until the purge; it is shown opened from the sealed number
-- (business.List), never stored. DROP COLUMN rewrites the rows, and secure_delete zeroes what the
-- old ones held.
ALTER TABLE business_flows DROP COLUMN target_masked;

-- +goose Down
ALTER TABLE business_flows ADD COLUMN target_masked TEXT NOT NULL DEFAULT '';
