-- +goose Up
-- An audit append moves the chain's head in the statement that inserts its events (issue 19: the
-- head's UPDATE was a statement of its own, the third of every append, run under the head's lock).
-- SQLite has no data-modifying CTE, so the insert's trigger moves it; rows come in seq order, the
-- last one leaves the head on itself. PostgreSQL's insert is a CTE that moves it (sqlstore/audit.go).
-- +goose StatementBegin
CREATE TRIGGER audit_events_head AFTER INSERT ON audit_events
BEGIN
    UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_events_head;
