package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// hot are the queries every money movement runs. On SQLite, parsing SQL is a quarter of a
// transfer's CPU time (the pure-Go driver re-prepares each statement), so Warm prepares them once.
var hot = append([]string{accountStatusForUpdate, bookAmount, insertLedgerTx, insertPosting, addBalance},
	append(insertLedgerTxRows, insertPostingRows...)...)

// hotReads are the reads of every authenticated request and every eligibility check; they are
// prepared on both pools, since reads run in read-only and read-write transactions alike.
var hotReads = []string{selectAccount, selectSession, selectSessionAccount, eligibilityFacts}

// hotClosure are the statements of every closure step and audit append: a closure flow runs
// about 60 of them, and parsing them was half of the server's CPU per flow besides argon2id.
var hotClosure = []string{insertClosure, selectClosureLocked, selectClosureAccountLocked, selectClosureBothLocked, updateClosure,
	insertClosureEvent, selectClosureEvents, selectLiveLinks, unbindCards, unlinkAccounts, lockAuditHead,
	insertAudit, selectClosureAccountHistory[0][0], selectClosureAccountHistory[0][1]}

// hotClosureReads are the closure reads that also run in read-only transactions (the verification
// step's look before it hashes, the flow's history).
var hotClosureReads = []string{selectClosure, selectClosureEvents, selectLiveLinks}

// Warm prepares the hot ledger statements on the write pool. Call it once, outside any
// transaction: with SQLite's one write connection, preparing inside a transaction would wait for
// that transaction forever. PostgreSQL's driver keeps its own per-connection statement cache, so
// Warm does nothing there.
func (db *DB) Warm(ctx context.Context) error {
	if db.dialect.Name != "sqlite" || db.warm.Swap(true) {
		return nil // PostgreSQL needs no warming; a warmed store stays warm
	}
	// Savepoints (one per movement under group commit) write the pages they change to a
	// sub-journal, by default a temporary file: a write syscall per page. In memory it costs none.
	// Durability is unchanged: the sub-journal only serves rollbacks; commits go through the WAL.
	// The write pool keeps its one connection for ever, so the pragma holds.
	if _, err := db.write.ExecContext(ctx, "PRAGMA temp_store = MEMORY"); err != nil {
		return fmt.Errorf("storage: temp_store: %w", err)
	}
	for _, q := range slices.Concat(hot, hotReads, hotClosure, hotClosureReads) {
		st, err := db.write.PrepareContext(ctx, db.rebind(q))
		if err != nil {
			return fmt.Errorf("storage: prepare: %w", err)
		}
		db.stmts.Store(q, st)
	}
	for _, q := range slices.Concat(hotReads, hotClosureReads) {
		st, err := db.read.PrepareContext(ctx, db.rebind(q))
		if err != nil {
			return fmt.Errorf("storage: prepare: %w", err)
		}
		db.readStmts.Store(q, st)
	}
	return nil
}

// prepared returns the warmed statement bound to this transaction's connection, or nil.
func (t *tx) prepared(ctx context.Context, q string) *sql.Stmt {
	stmts := &t.db.stmts
	if t.readOnly {
		stmts = &t.db.readStmts
	}
	st, ok := stmts.Load(q)
	if !ok || t.sql == nil {
		return nil
	}
	return t.sql.StmtContext(ctx, st.(*sql.Stmt))
}

func (t *tx) execHot(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx = t.bounded(ctx)
	if st := t.prepared(ctx, q); st != nil {
		t.db.traced(q)
		return st.ExecContext(ctx, args...)
	}
	return t.exec(ctx, q, args...)
}

func (t *tx) queryRowHot(ctx context.Context, q string, args ...any) *sql.Row {
	ctx = t.bounded(ctx)
	if st := t.prepared(ctx, q); st != nil {
		t.db.traced(q)
		return st.QueryRowContext(ctx, args...)
	}
	return t.queryRow(ctx, q, args...)
}

func (t *tx) queryHot(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx = t.bounded(ctx)
	if st := t.prepared(ctx, q); st != nil {
		t.db.traced(q)
		return st.QueryContext(ctx, args...)
	}
	return t.query(ctx, q, args...)
}
