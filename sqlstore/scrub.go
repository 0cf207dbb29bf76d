package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// erasedTables are the tables the personal-data purge and the records purge update or delete
// rows of (purge.go, purge_erase.go, retention.go). The older versions of those rows are what
// Scrub removes; a table added to an erasure belongs here too.
var erasedTables = []string{"accounts", "data_keys", "cards", "business_flows", "linked_accounts",
	"account_flags", "outbox", "sessions", "idempotent_responses", "ledger_transactions",
	"ledger_postings", "coupons", "auto_debits", "credit_lines", "merchant_contracts", "disputes",
	"records_identity", "account_lookups", "lookup_hashes"}

// rewrittenTables are the erased tables whose freed space itself must not keep what an erasure
// removed (wrapped keys and lookup hashes: see sqlstore/postgres/scrub.go). On PostgreSQL they are
// hash-partitioned (migration 00350), and a statement that erases rows of one names the
// partitions it wrote (returning), which markScrub records for the scrub to rewrite.
var rewrittenTables = map[string]bool{"data_keys": true, "records_identity": true,
	"business_flows": true, "account_lookups": true, "lookup_hashes": true}

// ScrubReport is what one scrub did: how many partitions it rewrote and the longest rewrite,
// which is the longest it held a table's exclusive lock (zero where it rewrites nothing), and how
// many it left for the next scrub because its deadline was too near or their lock did not come in
// time (purse.ErrScrubUnfinished).
type ScrubReport struct {
	Rewrites int
	Longest  time.Duration
	Left     int
}

// Scrub removes from the live files the older copies of the rows an erasure changed; see
// purse.Store.Scrub.
func (db *DB) Scrub(ctx context.Context) error {
	if db.dialect.Scrub == nil {
		return nil
	}
	r, err := db.dialect.Scrub(ctx, db.write, erasedTables, db.LastScrub())
	db.lastScrub.Store(&r)
	if err != nil {
		return fmt.Errorf("storage: scrub erased rows: %w", err)
	}
	return nil
}

// LastScrub is the report of the last scrub this process ran (for the benchmarks).
func (db *DB) LastScrub() ScrubReport {
	if r := db.lastScrub.Load(); r != nil {
		return *r
	}
	return ScrubReport{}
}

// returningPartition is what an erasing statement of a rewritten table appends: the partition of
// each row it wrote, or ” where the tables are not partitioned.
func (t *tx) returningPartition() string {
	if t.db.dialect.Partition == "" {
		return "''"
	}
	return t.db.dialect.Partition
}

// eraseRows runs an erasing statement of a rewritten table (without its RETURNING) and records
// the partitions it wrote for the scrub. It returns the rows it wrote.
func (t *tx) eraseRows(ctx context.Context, q string, args ...any) (int, error) {
	rows, err := t.query(ctx, q+` RETURNING `+t.returningPartition(), args...)
	if err != nil {
		return 0, err
	}
	parts := map[string]bool{}
	n := 0
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return 0, err
		}
		parts[p] = true
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return n, t.markScrub(ctx, parts)
}

// markScrub records partitions an erasure wrote in scrub_pending, in the erasing transaction: a
// crash before the scrub leaves them there for the next one. Each write bumps the row's gen, so
// that a scrub running meanwhile, which clears only the gen it read, leaves it for the next, and
// sets its xid (a column default: the erasing transaction's id on PostgreSQL).
// Sorted, so that two erasing transactions lock the rows in the same order.
func (t *tx) markScrub(ctx context.Context, parts map[string]bool) error {
	var names []string
	for p := range parts {
		if p != "" {
			names = append(names, p)
		}
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	args := make([]any, len(names))
	for i, p := range names {
		args[i] = p
	}
	_, err := t.exec(ctx, `INSERT INTO scrub_pending (partition, gen) VALUES `+
		strings.TrimSuffix(strings.Repeat("(?, 1),", len(names)), ",")+
		` ON CONFLICT (partition) DO UPDATE SET gen = scrub_pending.gen + 1, xid = excluded.xid`, args...)
	if err != nil {
		return fmt.Errorf("storage: record partitions to scrub: %w", err)
	}
	return nil
}
