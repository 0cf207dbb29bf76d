package postgres

import (
	"context"
	"database/sql"
	"strings"
)

// scrub vacuums the tables an erasure writes. PostgreSQL never overwrites a row in place: the
// UPDATE that destroys a wrapped data key or scrubs an outbox row leaves the old version in the
// heap, byte for byte, until VACUUM removes it, and its index entries (the outbox's recipient
// index holds addresses) with it. INDEX_CLEANUP ON makes VACUUM remove those entries even when
// few rows died, which it otherwise skips. VACUUM removes only versions no running transaction may
// still see: one open since before the erasure keeps them, and the next scrub gets them.
//
// VACUUM cannot run inside a transaction; it runs on its own pooled connection. It takes no lock
// that stops reads or writes (SHARE UPDATE EXCLUSIVE), and reads only the pages changed since
// the last vacuum, through the visibility map.
//
// VACUUM marks a removed version's space free but does not zero it: the bytes stay in the page
// until a new row is written over them. What an erasure leaves there is sealed (issue 15: the
// outbox, linked ids and stored answers are sealed under the account's data key too), except the
// wrapped data key itself, which the master key opens, and which would then open everything else.
// So data_keys alone is rewritten (VACUUM FULL), with records_identity, whose records keys are
// wrapped keys too (destroyed at the records purge), and account_lookups and business_flows, whose
// phone and e-mail hashes would confirm a guessed number to whoever holds the lookup key, and the
// latter a phone change's new number masked (issue 15): a new file holding the live rows only,
// the old one unlinked. It is the smallest table purse has (one short row per account: 100,000 accounts
// are about 8 MB), and the ACCESS EXCLUSIVE lock it takes stops only what reads data keys
// (sealing, opening, a registration) for the rewrite; lock_timeout keeps it from queueing behind
// a long transaction with everyone else queued behind it: it fails instead, and the purge job's
// next run scrubs again.
func scrub(ctx context.Context, write *sql.DB, tables []string) error {
	if _, err := write.ExecContext(ctx, "VACUUM (INDEX_CLEANUP ON) "+strings.Join(tables, ", ")); err != nil {
		return err
	}
	conn, err := write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET lock_timeout = '5s'"); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "RESET lock_timeout")
	_, err = conn.ExecContext(ctx, "VACUUM FULL data_keys, records_identity, account_lookups, business_flows")
	return err
}
