-- +goose NO TRANSACTION
-- +goose Up
-- Issue 15: DROP COLUMN (00280) only hides the columns; every row version on disk still holds the
-- hashes and the masked phone, and the dead versions hold them too. Rewriting the table writes a
-- new file of the live rows, the dropped columns as nulls, and unlinks the old one. It takes an
-- ACCESS EXCLUSIVE lock on accounts for its length, once, at the upgrade (measured: see
-- docs/retention.md).
VACUUM FULL accounts;

-- +goose Down
SELECT 1;
