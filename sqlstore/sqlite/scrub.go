package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// scrub copies the whole write-ahead log into the database file and cuts the log to nothing
// (PRAGMA wal_checkpoint(TRUNCATE)). Until then the WAL keeps every page an erasure rewrote as it
// was before, the personal data and the wrapped data key included, and a copy of the live files
// "cut back" to an earlier commit gives them back; the quiet-store checkpointer leaves a WAL under
// 4 MiB alone for ever. With secure_delete on, the checkpoint writes pages whose freed cells are
// zeroed, so the database file keeps nothing of the erased rows either.
//
// It runs on the write connection, so no writer adds frames meanwhile; it waits (busy_timeout)
// for readers still on an older snapshot, and reports failure if one outlasts that, so that the
// caller tries again.
func scrub(ctx context.Context, write *sql.DB, _ []string) error {
	var busy, frames, copied int64
	if err := write.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &copied); err != nil {
		return err
	}
	if busy != 0 {
		return fmt.Errorf("wal checkpoint(TRUNCATE) blocked by a reader (%d of %d frames copied)", copied, frames)
	}
	return nil
}
