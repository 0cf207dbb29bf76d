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
func scrub(ctx context.Context, write *sql.DB, tables []string) error {
	_, err := write.ExecContext(ctx, "VACUUM (INDEX_CLEANUP ON) "+strings.Join(tables, ", "))
	return err
}
