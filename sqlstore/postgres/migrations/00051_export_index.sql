-- +goose Up
-- Exports page through an account's postings by id (keyset pagination); without this index every
-- page sorts all of the account's postings again.
CREATE INDEX ledger_postings_owner_id ON ledger_postings (owner, id);

-- +goose Down
DROP INDEX ledger_postings_owner_id;
