-- +goose Up
-- Every transfer writes one ledger_transactions row and two postings, and each index on them is one
-- more B-tree insert in the writer's critical path. Two indexes cost more than they serve:
--  - the pending index held every transaction, though only pending ones are ever looked up by it
--    (the settlement job: status = 'pending' AND kind = ? AND settle_after <= ?); a partial index
--    keeps only those, so settled transfers never enter it;
--  - ledger_postings_owner (owner, created_at) is covered by ledger_postings_owner_id (owner, id):
--    every query on postings names the owner and pages or filters by id (export) or not at all.
DROP INDEX ledger_transactions_pending;
CREATE INDEX ledger_transactions_pending ON ledger_transactions (settle_after) WHERE status = 'pending';
DROP INDEX ledger_postings_owner;

-- +goose Down
CREATE INDEX ledger_postings_owner ON ledger_postings (owner, created_at);
DROP INDEX ledger_transactions_pending;
CREATE INDEX ledger_transactions_pending ON ledger_transactions (status, settle_after);
