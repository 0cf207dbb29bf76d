package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

func insertAccount(t *testing.T, db *sqlstore.DB, phoneHash string) string {
	t.Helper()
	id := purse.NewID()
	err := db.Tx(context.Background(), func(tx purse.Tx) error {
		return tx.InsertAccount(context.Background(), &purse.AccountRecord{ID: id, Kind: purse.KindMobile,
			Status: purse.StatusActive, PhoneHash: phoneHash, Language: "zh-CN", Activated: true,
			CreatedAt: tx.Now(), UpdatedAt: tx.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// The service queries keep one account's items from another, count what the closure check counts,
// and enforce one pending flow per kind and one live link per platform account.
func TestServiceQueries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		a, b := insertAccount(t, db, "h-a"), insertAccount(t, db, "h-b")
		facts := func(id string) *purse.EligibilityFacts {
			t.Helper()
			var f *purse.EligibilityFacts
			if err := db.Read(ctx, func(tx purse.Tx) (err error) { f, err = tx.EligibilityFacts(ctx, id, tx.Now()); return err }); err != nil {
				t.Fatal(err)
			}
			return f
		}
		ad := &purse.AutoDebit{ID: purse.NewID(), AccountID: a, Merchant: "m", Kind: purse.AutoDebitCAE, Status: "active"}
		c := &purse.Contract{ID: purse.NewID(), AccountID: a, Title: "t", Status: "active"}
		l := &purse.LinkedAccount{ID: purse.NewID(), AccountID: a, Platform: "shop", ExternalID: "x", Status: "linked"}
		d := &purse.Dispute{ID: purse.NewID(), AccountID: a, Reason: "r", Restricts: true, Status: "open"}
		f := &purse.Flag{ID: purse.NewID(), AccountID: a, Kind: purse.FlagTermsNotMet, Note: "n", Status: "active"}
		bf := &purse.BusinessFlow{ID: purse.NewID(), AccountID: a, Kind: purse.BusinessPhoneChange, Status: "pending", TargetSealed: []byte{1}, ByHolder: true}
		// A recovery anyone may have started is not the holder's business: it is not counted (issue 14).
		rf := &purse.BusinessFlow{ID: purse.NewID(), AccountID: a, Kind: purse.BusinessPasswordRecovery, Status: "pending"}
		err := db.Tx(ctx, func(tx purse.Tx) error {
			now := tx.Now()
			ad.CreatedAt, c.CreatedAt, l.CreatedAt, d.CreatedAt, f.CreatedAt, bf.CreatedAt, rf.CreatedAt = now, now, now, now, now, now, now
			c.StartsAt, c.EndsAt, bf.ExpiresAt, rf.ExpiresAt = now, now.Add(time.Hour), now.Add(time.Hour), now.Add(time.Hour)
			return errors.Join(tx.InsertAutoDebit(ctx, ad), tx.InsertContract(ctx, c), tx.InsertLinkedAccount(ctx, l),
				tx.InsertDispute(ctx, d), tx.InsertFlag(ctx, f), tx.InsertBusinessFlow(ctx, bf), tx.InsertBusinessFlow(ctx, rf))
		})
		if err != nil {
			t.Fatal(err)
		}
		got := facts(a)
		if got.ActiveAutoDebits != 1 || got.ActiveContracts != 1 || got.LinkedAccounts != 1 || got.OpenDisputes != 1 ||
			got.ActiveFlags != 1 || got.PendingBusiness != 1 {
			t.Fatalf("facts = %+v", got)
		}
		if fb := facts(b); fb.ActiveAutoDebits+fb.ActiveContracts+fb.LinkedAccounts+fb.OpenDisputes+fb.ActiveFlags+fb.PendingBusiness != 0 {
			t.Fatalf("b's facts = %+v", fb)
		}

		err = db.Tx(ctx, func(tx purse.Tx) error {
			// Another account's ids match nothing.
			for _, e := range []error{tx.EndAutoDebit(ctx, b, ad.ID, tx.Now()), tx.EndContract(ctx, b, c.ID, tx.Now()),
				tx.EndLinkedAccount(ctx, b, l.ID, tx.Now()), tx.EndDispute(ctx, b, d.ID, tx.Now()), tx.EndFlag(ctx, b, f.ID, tx.Now())} {
				if !errors.Is(e, purse.ErrNotFound) {
					return errors.Join(errors.New("ended another account's item"), e)
				}
			}
			if _, err := tx.BusinessFlow(ctx, b, bf.ID); !errors.Is(err, purse.ErrNotFound) {
				return errors.Join(errors.New("read another account's flow"), err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// A refused insert aborts a PostgreSQL transaction, so each gets its own.
		err = db.Tx(ctx, func(tx purse.Tx) error {
			dup := *bf
			dup.ID = purse.NewID()
			return tx.InsertBusinessFlow(ctx, &dup)
		})
		if !errors.Is(err, purse.ErrDuplicate) {
			t.Fatalf("two pending flows of one kind: %v", err)
		}
		err = db.Tx(ctx, func(tx purse.Tx) error {
			dupLink := *l
			dupLink.ID = purse.NewID()
			return tx.InsertLinkedAccount(ctx, &dupLink)
		})
		if !errors.Is(err, purse.ErrDuplicate) {
			t.Fatalf("second live link: %v", err)
		}

		// A contract past its end stops counting; ended items stop counting.
		clk.Advance(time.Hour)
		if got := facts(a); got.ActiveContracts != 0 || got.PendingBusiness != 0 {
			t.Fatalf("after the term: %+v", got)
		}
		err = db.Tx(ctx, func(tx purse.Tx) error {
			return errors.Join(tx.EndAutoDebit(ctx, a, ad.ID, tx.Now()), tx.EndLinkedAccount(ctx, a, l.ID, tx.Now()),
				tx.EndDispute(ctx, a, d.ID, tx.Now()), tx.EndFlag(ctx, a, f.ID, tx.Now()))
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := facts(a); got.ActiveAutoDebits+got.LinkedAccounts+got.OpenDisputes+got.ActiveFlags != 0 {
			t.Fatalf("after ending: %+v", got)
		}
		// Ending twice finds nothing live.
		err = db.Tx(ctx, func(tx purse.Tx) error { return tx.EndAutoDebit(ctx, a, ad.ID, tx.Now()) })
		if !errors.Is(err, purse.ErrNotFound) {
			t.Fatalf("second end: %v", err)
		}
		var n int
		if err := db.Read(ctx, func(tx purse.Tx) (err error) { n, err = tx.OpenRestrictingDisputes(ctx, a); return err }); err != nil || n != 0 {
			t.Fatalf("restricting disputes = %d, %v", n, err)
		}
	})
}
