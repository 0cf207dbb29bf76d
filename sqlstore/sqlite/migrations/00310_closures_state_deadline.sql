-- +goose Up
-- The admin closure queue lists open requests by legal deadline, a page at a time. It reads each
-- open state's first page from this index in (deadline, id) order and merges those pages
-- (sqlstore.openClosures), so a page costs the same however many requests are open; with
-- closures_deadline (state, deadline) and one "state IN (…)" query every open request was read and
-- sorted for each page: 8.8 × slower at 200,000 accounts (2,000 open) than at 10,000 (issue 19,
-- purse bench scale). It serves every look-up closures_deadline served, so it replaces it.
CREATE INDEX closures_state_deadline ON closures (state, deadline, id);
DROP INDEX closures_deadline;

-- +goose Down
CREATE INDEX closures_deadline ON closures (state, deadline);
DROP INDEX closures_state_deadline;
