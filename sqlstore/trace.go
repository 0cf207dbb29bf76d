package sqlstore

// OnStatement registers fn to be told the text of every statement this store sends inside its
// transactions: the queries, BEGIN, COMMIT, ROLLBACK and the savepoints. Tests use it to hold a
// path to a statement budget (issue 19: a closure step's cost is mostly its statements, and
// pg_stat_statements is not something a test can count on). nil stops the reports. fn runs on
// the statement's goroutine and must be safe for concurrent use.
func (db *DB) OnStatement(fn func(q string)) {
	if fn == nil {
		db.trace.Store(nil)
		return
	}
	db.trace.Store(&fn)
}

// traced reports q to the OnStatement hook, when one is set: one atomic load otherwise.
func (db *DB) traced(q string) {
	if fn := db.trace.Load(); fn != nil {
		(*fn)(q)
	}
}
