-- +goose Up
-- SQLite's 00320 adds a trigger that moves the audit head from the events' insert. PostgreSQL needs
-- none: its insert is a data-modifying CTE whose outer UPDATE moves the head (sqlstore/audit.go).
SELECT 1;

-- +goose Down
SELECT 1;
