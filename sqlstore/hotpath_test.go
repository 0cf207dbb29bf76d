package sqlstore_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// A Read refuses writes on both engines, although on PostgreSQL it runs without BEGIN.
func TestReadRefusesWrites(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		err := db.Read(ctx, func(tx purse.Tx) error {
			return tx.SetSetting(ctx, "hotpath_probe", "written", tx.Now())
		})
		if err == nil {
			t.Fatal("a write inside Read succeeded")
		}
		var v string
		if err := db.Read(ctx, func(tx purse.Tx) (err error) { v, err = tx.Setting(ctx, "hotpath_probe"); return err }); err != nil {
			t.Fatal(err)
		}
		if v != "" {
			t.Fatalf("setting = %q after a refused write", v)
		}
	})
}

// SessionAccount finds a live session with its account, and nothing once revoked or expired; the
// change feed reports the revocation and the account update after the transaction, even a rolled-back one.
func TestSessionAccountAndChangeFeed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		var mu sync.Mutex
		var accounts, sessions []string
		db.OnChange(func(a, s []string) {
			mu.Lock()
			accounts, sessions = append(accounts, a...), append(sessions, s...)
			mu.Unlock()
		})
		a := newAccount("hash-sa", clk.Now())
		s := &purse.Session{ID: purse.NewID(), TokenHash: "tok-sa", AccountID: a.ID, CreatedAt: clk.Now(),
			ExpiresAt: clk.Now().Add(3600e9)}
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			if err := tx.InsertAccount(ctx, a); err != nil {
				return err
			}
			return tx.InsertSession(ctx, s)
		}))
		lookup := func() (*purse.Session, *purse.AccountRecord, error) {
			var gs *purse.Session
			var ga *purse.AccountRecord
			err := db.Read(ctx, func(tx purse.Tx) (err error) { gs, ga, err = tx.SessionAccount(ctx, "tok-sa", tx.Now()); return err })
			return gs, ga, err
		}
		gs, ga, err := lookup()
		if err != nil || gs.ID != s.ID || gs.AccountID != a.ID || !gs.ExpiresAt.Equal(s.ExpiresAt) || ga.ID != a.ID || ga.PhoneHash != "hash-sa" {
			t.Fatalf("lookup = %+v, %+v, %v", gs, ga, err)
		}
		if len(accounts)+len(sessions) != 0 {
			t.Fatalf("inserts reported as changes: %v %v", accounts, sessions)
		}

		boom := errors.New("boom")
		_ = db.Tx(ctx, func(tx purse.Tx) error {
			ga.Language = "en"
			if err := tx.UpdateAccount(ctx, ga); err != nil {
				return err
			}
			return boom
		})
		if !slices.Contains(accounts, a.ID) {
			t.Fatalf("rolled-back account update not reported: %v", accounts)
		}
		must(t, db.Tx(ctx, func(tx purse.Tx) error { return tx.RevokeSession(ctx, s.ID, tx.Now()) }))
		if !slices.Contains(sessions, s.ID) {
			t.Fatalf("revocation not reported: %v", sessions)
		}
		if _, _, err := lookup(); !errors.Is(err, purse.ErrNotFound) {
			t.Fatalf("revoked session: %v", err)
		}
	})
}
