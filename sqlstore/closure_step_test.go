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

// TestClosureAndAccountForUpdate: a closure step's first statement returns the account's request
// and that account, whether the account is locked with it or not, and finds no request of
// another account (issue 19: one statement where a step sent two).
func TestClosureAndAccountForUpdate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		a, b := account(t, db), account(t, db)
		c := rightsRequest(t, db, a, clk.Now())
		for _, lock := range []bool{false, true} {
			err := db.Tx(ctx, func(tx purse.Tx) error {
				got, rec, err := tx.ClosureAndAccountForUpdate(ctx, c.ID, a, lock)
				if err != nil {
					return err
				}
				want, err := tx.Closure(ctx, c.ID, a)
				if err != nil {
					return err
				}
				acct, err := tx.Account(ctx, a)
				if err != nil {
					return err
				}
				if got.ID != want.ID || got.State != want.State || got.Version != want.Version ||
					string(got.PolicyJSON) != string(want.PolicyJSON) || len(got.Factors) != 1 || !got.ExpiresAt.Equal(want.ExpiresAt) {
					t.Errorf("lock %v: request %+v, want %+v", lock, got, want)
				}
				if rec.ID != a || rec.Status != acct.Status || rec.PhoneHash != acct.PhoneHash || rec.Kind != acct.Kind {
					t.Errorf("lock %v: account %+v, want %+v", lock, rec, acct)
				}
				if _, _, err := tx.ClosureAndAccountForUpdate(ctx, c.ID, b, lock); !errors.Is(err, purse.ErrNotFound) {
					t.Errorf("lock %v: another account's request: %v", lock, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestClosureHistoryAndAccountForUpdate: a step that shows its page reads its request's stored
// history in the request's statement (issue 19, session 16), as ClosureEvents reads it: every
// event in the order written, notes with quotes, commas, brackets, new lines and Chinese intact;
// none for a request without history; no request of another account.
func TestClosureHistoryAndAccountForUpdate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		a, b := account(t, db), account(t, db)
		now := clk.Now()
		c := rightsRequest(t, db, a, now)
		read := func(lock bool) (got, want []*purse.ClosureEvent) {
			t.Helper()
			err := db.Tx(ctx, func(tx purse.Tx) error {
				req, rec, h, err := tx.ClosureHistoryAndAccountForUpdate(ctx, c.ID, a, lock)
				if err != nil {
					return err
				}
				if req.ID != c.ID || rec.ID != a {
					t.Errorf("request %s of account %s, want %s of %s", req.ID, rec.ID, c.ID, a)
				}
				if _, _, _, err := tx.ClosureHistoryAndAccountForUpdate(ctx, c.ID, b, lock); !errors.Is(err, purse.ErrNotFound) {
					t.Errorf("another account's request: %v", err)
				}
				got = h
				want, err = tx.ClosureEvents(ctx, c.ID)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return got, want
		}
		if got, _ := read(false); len(got) != 0 {
			t.Fatalf("a request without history read %d events", len(got))
		}
		notes := []string{"agreement accepted", `he said "no", then [yes]`, "a,b;c\nnew line", "注销 申请 ✓", ""}
		var es []*purse.ClosureEvent
		for i, n := range notes {
			es = append(es, &purse.ClosureEvent{ClosureID: c.ID, At: now.Add(time.Duration(i) * time.Second), From: purse.ClosureAgreement,
				To: purse.ClosureEligibility, Actor: "account:" + a, Note: n})
		}
		if err := db.Tx(ctx, func(tx purse.Tx) error { return tx.InsertClosureEvents(ctx, es) }); err != nil {
			t.Fatal(err)
		}
		for _, lock := range []bool{false, true} {
			got, want := read(lock)
			if len(got) != len(notes) || len(want) != len(notes) {
				t.Fatalf("lock %v: %d events read with the request, %d by ClosureEvents, want %d", lock, len(got), len(want), len(notes))
			}
			for i := range got {
				g, w := got[i], want[i]
				if g.ClosureID != w.ClosureID || !g.At.Equal(w.At) || g.From != w.From || g.To != w.To || g.Actor != w.Actor || g.Note != w.Note {
					t.Errorf("lock %v: event %d: %+v, want %+v", lock, i, *got[i], *want[i])
				}
			}
		}
	})
}

// rightsRequest stores a request of the account on its rights page, as a step would find it.
func rightsRequest(t *testing.T, db *sqlstore.DB, accountID string, now time.Time) *purse.ClosureRequest {
	t.Helper()
	c := &purse.ClosureRequest{ID: purse.NewID(), AccountID: accountID, Policy: "strict", PolicyJSON: []byte(`{"name":"strict"}`),
		State: purse.ClosureRights, Factors: []string{"sms_code"}, CreatedAt: now, UpdatedAt: now,
		ExpiresAt: now.Add(time.Hour), Deadline: now.Add(48 * time.Hour)}
	if err := db.Tx(context.Background(), func(tx purse.Tx) error { return tx.InsertClosure(context.Background(), c) }); err != nil {
		t.Fatal(err)
	}
	return c
}
