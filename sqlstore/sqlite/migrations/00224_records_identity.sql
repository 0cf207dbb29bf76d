-- +goose Up
-- Issue 15: the identity the AML law wants kept with the records (name, phone; purse collects no
-- ID document) outlives the personal-data purge, sealed under a records key of its own, separate
-- from the account's data key: made at the personal-data purge, destroyed at the records purge.
-- The records key is wrapped by the master key like a data key (bound to "records:<account id>"),
-- so key rotation rewraps it and destroying a master-key version shreds its copies in backups.
CREATE TABLE records_identity (
    account_id      TEXT PRIMARY KEY REFERENCES accounts (id),
    wrapped         BLOB NOT NULL,
    identity_sealed BLOB NOT NULL,
    fields          TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);

-- +goose Down
DROP TABLE records_identity;
