-- +goose Up
-- The account's status when the review moved it to closing, so that restore and cancel in
-- cooling-off give it back (a restricted account must not come back active). '' on requests
-- reviewed before: those accounts were active.
ALTER TABLE closures ADD COLUMN prior_status TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE closures DROP COLUMN prior_status;
