package sqlstore_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// The erasure's claim walks the purge states awaiting erasure and finds each one's account and
// notice by id, and so does the count of notices waiting, whatever the planner's statistics say of
// the closed accounts and the outbox (issue 19, session 13). Statistics
// taken while nearly every account was active (ANALYZE after a bulk load, before the accounts
// closed) made SQLite 3.54 read every due closed account through accounts_status for each state
// it walked: beside 100,000 closed accounts a claim took 35-54 s and the purge ran at 16
// accounts/s; the count then walked every pending message for each awaiting state, 0.75-1.1 s a
// count. Here the statistics come from an ANALYZE of 200 active accounts and no purge state.
// On PostgreSQL sequential scans are priced out as well, so that the plan shows which index the
// accounts are reached by.
func TestPurgeClaimsLookUpByID(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, _ *clock.Fixed) {
		ctx := context.Background()
		// Statistics taken while every account was active: what an ANALYZE after a bulk load leaves
		// (SQLite's sqlite_stat4 samples then hold no closed account at all).
		err := db.Tx(ctx, func(tx purse.Tx) error {
			for i := range 200 {
				if err := tx.InsertAccount(ctx, &purse.AccountRecord{ID: purse.NewID(), Kind: purse.KindMobile,
					Status: purse.StatusActive, PhoneHash: "stale-" + strconv.Itoa(i), Language: "zh-CN",
					Activated: true, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		stale := []string{"ANALYZE"}
		if db.Dialect() == "postgres" {
			stale = append(stale, "SET enable_seqscan = off")
			defer conn.ExecContext(ctx, "RESET ALL")
		}
		for _, s := range stale {
			if _, err := conn.ExecContext(ctx, s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		// Noticed before, closed before, legal hold, the job, now, the batch.
		args := []any{int64(1_700_000_000_000_000), int64(1_700_000_000_000_000), false, purse.JobPurgePersonal, int64(1_700_000_000_000_000), 500}
		all := planOf(t, conn, db.Dialect(), sqlstore.NoticedForErasureQuery, args...)
		byID := map[string]string{"sqlite": "SEARCH accounts USING INDEX sqlite_autoindex_accounts_1 (id=?)",
			"postgres": "accounts_pkey"}[db.Dialect()]
		if !strings.Contains(all, byID) || strings.Contains(all, "accounts_status") {
			t.Errorf("the claim does not find each account by id:\n%s", all)
		}
		// The claim's and the backlog count's notices are looked up by id in the outbox, not found
		// among all pending messages (outbox_due, outbox_pending) for each purge state.
		pending := planOf(t, conn, db.Dialect(), sqlstore.PendingNoticesQuery, int64(1_700_000_000_000_000))
		for _, plan := range []string{all, pending} {
			if strings.Contains(plan, "outbox_due") || strings.Contains(plan, "outbox_pending") {
				t.Errorf("a purge state's notice is not looked up by its id:\n%s", plan)
			}
		}
	})
}
