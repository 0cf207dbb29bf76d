-- +goose Up
-- Which support warning a request's legal deadline has had (issue 16): 0 none, 1 near, 2 past.
-- The deadline job sends each once; the queue's marking is computed from the deadline itself.
ALTER TABLE closures ADD COLUMN deadline_warned INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE closures DROP COLUMN deadline_warned;
