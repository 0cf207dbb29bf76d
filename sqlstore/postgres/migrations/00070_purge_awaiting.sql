-- +goose Up
-- The personal-data purge finds the accounts whose data_erased notice is out and whose erasure is
-- still to do through this index: it holds only those rows (a few batches, the notice backlog the
-- purge allows), so the claim costs the same whether 100 or 100,000 accounts were purged before.
CREATE INDEX purge_state_awaiting ON purge_state (noticed_at, account_id) WHERE erased_at = 0;

-- +goose Down
DROP INDEX purge_state_awaiting;
