-- +goose Up
-- purse looks for rows an older version left in clear (sqlstore.SealClearRows) every time it
-- starts. Without an index each look was a scan of the whole table, and the outbox is one of the
-- largest: 0.77 s of a 1 GB SQLite database's restart with its pages cached, seconds more from a
-- cold disk (issue 17: restarts after SIGKILL took up to 9.3 s). These indexes hold only the clear
-- rows, which are none once sealed, so each look is one empty index probe.
CREATE INDEX outbox_clear ON outbox (id) WHERE recipient <> '' OR body <> '';
CREATE INDEX linked_accounts_clear ON linked_accounts (id) WHERE external_id <> '';

-- +goose Down
DROP INDEX linked_accounts_clear;
DROP INDEX outbox_clear;
