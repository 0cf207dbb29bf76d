package postgres

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/sqlstore"
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
// So data_keys is rewritten (VACUUM FULL), with records_identity, whose records keys are wrapped
// keys too (destroyed at the records purge), and account_lookups, lookup_hashes and
// business_flows, whose phone and e-mail hashes would confirm a guessed number to whoever holds
// the lookup key, and the latter a phone change's new number masked (issue 15): a new file holding
// the live rows only, the old one unlinked.
//
// Rewriting them whole held an ACCESS EXCLUSIVE lock on each for its whole rewrite, which grew with
// every account (14-19 s at 300,000 accounts, sign-ins and sealing waiting). Since migration 00350
// each is 16 hash partitions (by account; lookup_hashes by hash), and an erasure records in
// scrub_pending, in its own transaction, the partitions it wrote (sqlstore/scrub.go): the scrub
// rewrites those only, one VACUUM FULL each, so a lock lasts one partition's rewrite (a 16th of the
// table, plus a fixed cost of file syncs: 0.1-0.3 s on the 2-core test machine) and a scrub costs
// what was erased, up to the whole tables and that fixed cost 80 times when a large purge touched
// every partition. Sixteen, not more: each partition adds that fixed cost to such a scrub, and a
// query that reads a partitioned table by another column than its key starts every partition
// (64 made a 3,000-account purge 1.4-5 times slower than 16; docs/BENCHMARKS.md, issue 19
// session 10).
//
// A partition's row is cleared only when its rewrite could remove everything the erasures it saw
// left: not while a transaction older than the last of them holds a snapshot (VACUUM FULL copies
// the versions it may still see), and not when an erasure named it again meanwhile (gen moved).
// A crash or a failed rewrite leaves the rows for the next scrub. lock_timeout (rewriteLockWait)
// keeps a rewrite from queueing behind a long transaction with everyone else queued behind it:
// that partition is left pending instead, the others are rewritten, and the scrub answers
// purse.ErrScrubUnfinished so that the purge scrubs again.
//
// Scrubs take turns (scrubLock): two at once, from two instances' purges or two workers', waited on
// each other's VACUUM (it takes SHARE UPDATE EXCLUSIVE, which conflicts with itself) and VACUUM FULL
// locks until lock_timeout failed them (TestPurgeConcurrent: runs of 10-15 s ending in 55P03). A
// scrub that finds another running does nothing and answers purse.ErrScrubBusy; its caller scrubs
// later, as the one running may have read scrub_pending before this caller's erasure committed.
//
// A scrub runs inside its caller's deadline (a purge batch's two minutes), and at 3 million accounts
// on a loaded machine its 48 rewrites outlasted it: the rewrite in flight was cancelled and the
// purge run failed with "older copies may remain" (issue 19, `purse bench scale` session 12). So
// it starts a rewrite only while the deadline leaves rewriteRoom for it (twice the longest rewrite
// of this scrub or the last, at least minRewriteRoom), and otherwise stops and answers
// purse.ErrScrubUnfinished: the partitions it rewrote are cleared, the others stay pending for the
// next scrub, which the purge runs at its pace.
func scrub(ctx context.Context, write *sql.DB, tables []string, last sqlstore.ScrubReport) (sqlstore.ScrubReport, error) {
	var r sqlstore.ScrubReport
	conn, err := write.Conn(ctx)
	if err != nil {
		return r, err
	}
	defer conn.Close()
	var mine bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(`+scrubLock+`)`).Scan(&mine); err != nil {
		return r, err
	}
	if !mine {
		return r, purse.ErrScrubBusy
	}
	defer func() {
		// A session-level lock outlives the statement: a pooled connection that kept it would
		// keep every later scrub busy, so one that cannot say it let go is closed instead.
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+scrubLock+`)`); err != nil {
			conn.Raw(func(dc any) error {
				if c, ok := dc.(interface{ Close() error }); ok {
					c.Close()
				}
				return nil
			})
		}
	}()
	if _, err := conn.ExecContext(ctx, "VACUUM (INDEX_CLEANUP ON) "+strings.Join(tables, ", ")); err != nil {
		return r, err
	}
	pending, err := pendingPartitions(ctx, conn)
	if err != nil || len(pending) == 0 {
		return r, err
	}
	if _, err := conn.ExecContext(ctx, "SET lock_timeout = '"+strconv.FormatInt(rewriteLockWait.Milliseconds(), 10)+"ms'"); err != nil {
		return r, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "RESET lock_timeout")
	busy := 0 // partitions whose lock did not come within rewriteLockWait
	for i, p := range pending {
		if p.partition {
			if dl, ok := ctx.Deadline(); ok && time.Until(dl) < rewriteRoom(r.Longest, last.Longest) {
				r.Left = len(pending) - i + busy
				return r, purse.ErrScrubUnfinished
			}
			t0 := time.Now()
			if _, err := conn.ExecContext(ctx, "VACUUM FULL "+p.name); state(err) == "55P03" {
				busy++
				continue // stays pending, for the next scrub
			} else if err != nil {
				return r, err
			}
			r.Rewrites++
			r.Longest = max(r.Longest, time.Since(t0))
			if p.seen {
				continue
			}
		}
		if _, err := conn.ExecContext(ctx, `DELETE FROM scrub_pending WHERE partition = $1 AND gen = $2`,
			p.name, p.gen); err != nil {
			return r, err
		}
	}
	if busy > 0 {
		r.Left = busy
		return r, purse.ErrScrubUnfinished
	}
	return r, nil
}

// rewriteLockWait is the longest a rewrite waits for its partition's ACCESS EXCLUSIVE lock. While
// it waits, every statement that reads the partition queues behind it (a sign-in's account read
// starts all sixteen partitions of account_lookups, so any rewrite waiting holds up every
// sign-in): with the 5 s it had, background eligibility checks of the 100,000-account purge in
// purse bench scale waited past their own 5 s deadline and were answered 503, beside 10,000
// accounts as at 3 million (issue 19, sessions 12 and 13). A partition whose lock is held longer,
// by a transaction still reading it, is left pending for the next scrub, which the purge runs at
// its pace (purse.ErrScrubUnfinished).
var rewriteLockWait = 200 * time.Millisecond

// minRewriteRoom is the least time a scrub must have left to start a partition's rewrite when it
// has no rewrite to go by (a first scrub): one took 0.1-1.8 s on the test machine (docs/BENCHMARKS.md).
var minRewriteRoom = 2 * time.Second

// rewriteRoom is the time a scrub must have left before it starts one more rewrite.
func rewriteRoom(longest, lastLongest time.Duration) time.Duration {
	return max(minRewriteRoom, 2*max(longest, lastLongest))
}

// scrubLock is the advisory lock a scrub holds on its database (a key of purse's own).
const scrubLock = `hashtext('purse scrub')`

// pending is a row of scrub_pending: a partition's name as regclass writes it, whether it still
// is a partition (one that is not is cleared without a rewrite), and whether a transaction may
// still see versions its erasures left.
type pending struct {
	name            string
	gen             int64
	partition, seen bool
}

// pendingPartitions reads scrub_pending. A row is seen while a session of this database (or a
// replication slot) holds a snapshot or a transaction id not newer than the row's last erasure:
// VACUUM FULL copies the versions such a transaction may still see, so the row stays for the next
// scrub. pg_stat_activity shows purse's own role's sessions; another role's are seen only with
// pg_read_all_stats (docs/deployment.md).
func pendingPartitions(ctx context.Context, conn *sql.Conn) ([]pending, error) {
	rows, err := conn.QueryContext(ctx, `WITH held AS (
			SELECT backend_xmin AS x FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL
			UNION ALL SELECT backend_xid FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL
			UNION ALL SELECT xmin FROM pg_replication_slots WHERE xmin IS NOT NULL)
		SELECT p.partition, p.gen, EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = to_regclass(p.partition)),
			EXISTS (SELECT 1 FROM held WHERE age(held.x) >= age(xid(p.xid)))
		FROM scrub_pending p ORDER BY p.partition`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pending
	for rows.Next() {
		var p pending
		if err := rows.Scan(&p.name, &p.gen, &p.partition, &p.seen); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
