package sqlstore_test

import (
	"context"
	"errors"
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
		update := func(change func(*purse.AccountRecord)) error {
			return db.Tx(ctx, func(tx purse.Tx) error {
				cur, err := tx.AccountForUpdate(ctx, a.ID)
				if err != nil {
					return err
				}
				change(cur)
				return tx.UpdateAccount(ctx, cur)
			})
		}
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
