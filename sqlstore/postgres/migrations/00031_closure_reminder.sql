-- +goose Up
-- When the cooling-off reminder went out (0: not yet), so the job sends it once.
ALTER TABLE closures ADD COLUMN reminded_at BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE closures DROP COLUMN reminded_at;
