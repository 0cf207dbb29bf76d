package sqlstore

import (
	"context"
	"fmt"
)

// erasedTables are the tables the personal-data purge and the records purge update or delete
// rows of (purge.go, purge_erase.go, retention.go). The older versions of those rows are what
// Scrub removes; a table added to an erasure belongs here too.
var erasedTables = []string{"accounts", "data_keys", "cards", "business_flows", "linked_accounts",
	"account_flags", "outbox", "sessions", "idempotent_responses", "ledger_transactions",
	"ledger_postings", "coupons", "auto_debits", "credit_lines", "merchant_contracts", "disputes",
	"records_identity", "account_lookups"}

// Scrub removes from the live files the older copies of the rows an erasure changed; see
// purse.Store.Scrub.
func (db *DB) Scrub(ctx context.Context) error {
	if db.dialect.Scrub == nil {
		return nil
	}
	if err := db.dialect.Scrub(ctx, db.write, erasedTables); err != nil {
		return fmt.Errorf("storage: scrub erased rows: %w", err)
	}
	return nil
}
