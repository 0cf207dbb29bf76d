package sqlstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// An account's lookup hashes live in two tables since migration 00350 (issue 19): account_lookups
// by account, lookup_hashes by hash, which sign-in reads and whose live unique index the database
// enforces. A changed hash (a phone change, an e-mail removed) follows in both: the old one finds
// the account no more and is free for another, the new one finds it, and a reopened account
// whose phone another live account took meanwhile is refused.
func TestLookupHashesFollowTheAccount(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		a := newAccount("old-phone", clk.Now())
		a.EmailHash = "old-mail"
		must(t, db.Tx(ctx, func(tx purse.Tx) error { return tx.InsertAccount(ctx, a) }))
		update := func(change func(*purse.AccountRecord)) error { return updateAccount(ctx, db, a.ID, change) }
		must(t, update(func(cur *purse.AccountRecord) { cur.PhoneHash, cur.EmailHash = "new-phone", "" }))
		found := func(hash string) (live, any string) {
			t.Helper()
			must(t, db.Read(ctx, func(tx purse.Tx) error {
				if l, err := tx.LiveAccountByLookup(ctx, hash); err == nil {
					live = l.ID
				} else if !errors.Is(err, purse.ErrNotFound) {
					return err
				}
				all, err := tx.AccountsByLookup(ctx, hash)
				if len(all) > 0 {
					any = all[0].ID
				}
				return err
			}))
			return live, any
		}
		for _, hash := range []string{"old-phone", "old-mail"} {
			if live, any := found(hash); live != "" || any != "" {
				t.Errorf("%s still finds %q (live %q) after the change", hash, any, live)
			}
		}
		if live, _ := found("new-phone"); live != a.ID {
			t.Errorf("new-phone finds %q, want the account", live)
		}
		must(t, db.Read(ctx, func(tx purse.Tx) error {
			got, err := tx.Account(ctx, a.ID)
			if err == nil && (got.PhoneHash != "new-phone" || got.EmailHash != "") {
				t.Errorf("the account reads %q / %q", got.PhoneHash, got.EmailHash)
			}
			return err
		}))
		// The old phone is free for a new live account.
		b := newAccount("old-phone", clk.Now())
		must(t, db.Tx(ctx, func(tx purse.Tx) error { return tx.InsertAccount(ctx, b) }))
		// Closed, the account keeps its hash (the latest account of that phone) but not its
		// liveness; another account takes the phone; reopened, it is refused.
		must(t, update(func(cur *purse.AccountRecord) { cur.Status, cur.ClosedAt = purse.StatusClosed, clk.Now() }))
		if live, any := found("new-phone"); live != "" || any != a.ID {
			t.Errorf("closed: new-phone finds %q (live %q), want the account, not live", any, live)
		}
		c := newAccount("new-phone", clk.Now())
		must(t, db.Tx(ctx, func(tx purse.Tx) error { return tx.InsertAccount(ctx, c) }))
		err := update(func(cur *purse.AccountRecord) { cur.Status, cur.ClosedAt = purse.StatusActive, clk.Now() })
		if !errors.Is(err, purse.ErrDuplicate) {
			t.Errorf("reopening onto a taken phone: %v, want ErrDuplicate", err)
		}
	})
}

// An account update writes its lookups only when they changed, and never searches lookup_hashes
// by account id for it: lookup_hashes is partitioned by hash on PostgreSQL, so that delete
// searched all sixteen partitions at every closure (0.45 ms of the server's time, issue 19
// session 14). A closure changes the liveness alone; a phone change deletes the old phone's
// row by its hash; a failed sign-in's counters change no lookup at all. What each finds is
// TestLookupHashesFollowTheAccount's.
func TestAccountUpdatesWriteOnlyTheLookupsThatChanged(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		a := newAccount("sent-phone", clk.Now())
		a.EmailHash = "sent-mail"
		must(t, db.Tx(ctx, func(tx purse.Tx) error { return tx.InsertAccount(ctx, a) }))
		// The statements that name a lookup table, the account's locked read among them.
		update := func(change func(*purse.AccountRecord)) []string {
			t.Helper()
			var sent []string
			db.OnStatement(func(q string) {
				if strings.Contains(q, "lookup") {
					sent = append(sent, strings.Join(strings.Fields(q), " "))
				}
			})
			defer db.OnStatement(nil)
			must(t, updateAccount(ctx, db, a.ID, change))
			return sent
		}
		writes := func(sent []string) (n int) {
			for _, q := range sent {
				if !strings.HasPrefix(q, "SELECT") {
					n++
				}
			}
			return n
		}
		if sent := update(func(cur *purse.AccountRecord) { cur.LoginFailures++ }); writes(sent) != 0 {
			t.Errorf("a failed sign-in's count wrote lookups: %q", sent)
		}
		closing := update(func(cur *purse.AccountRecord) { cur.Status, cur.ClosedAt = purse.StatusClosed, clk.Now() })
		changing := update(func(cur *purse.AccountRecord) { cur.PhoneHash = "other-phone" })
		for name, sent := range map[string][]string{"closing": closing, "a phone change": changing} {
			for _, q := range sent {
				if strings.HasPrefix(q, "DELETE FROM lookup_hashes") && !strings.HasPrefix(q, "DELETE FROM lookup_hashes WHERE hash = ?") {
					t.Errorf("%s searched lookup_hashes by account: %s", name, q)
				}
			}
		}
		if writes(closing) != 2 {
			t.Errorf("closing wrote lookups in %d statements, want its row's and its hashes' liveness: %q", writes(closing), closing)
		}
		deleted := 0
		for _, q := range changing {
			if strings.HasPrefix(q, "DELETE FROM lookup_hashes") {
				deleted++
			}
		}
		if deleted != 1 {
			t.Errorf("a phone change deleted lookup hashes in %d statements, want the old phone's: %q", deleted, changing)
		}
	})
}

// updateAccount changes the account's record under its lock and writes it back.
func updateAccount(ctx context.Context, db *sqlstore.DB, id string, change func(*purse.AccountRecord)) error {
	return db.Tx(ctx, func(tx purse.Tx) error {
		cur, err := tx.AccountForUpdate(ctx, id)
		if err != nil {
			return err
		}
		change(cur)
		return tx.UpdateAccount(ctx, cur)
	})
}
