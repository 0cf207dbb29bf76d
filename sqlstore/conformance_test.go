package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// The conformance suite: every test runs on SQLite and on PostgreSQL and must behave the same.

func newAccount(phoneHash string, now time.Time) *purse.AccountRecord {
	return &purse.AccountRecord{ID: purse.NewID(), Kind: purse.KindMobile, Status: purse.StatusActive,
		PhoneHash: phoneHash, PasswordHash: "x", PaymentPasswordHash: "y",
		Language: "zh-CN", Activated: true, CreatedAt: now, UpdatedAt: now}
}

func TestAccountRoundTripAndLiveUniqueness(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		a := newAccount("hash-1", clk.Now())
		a.EmailHash = "mail-1"
		a.PhoneSealed = []byte{1, 2, 3}
		a.PayLockedUntil = clk.Now().Add(time.Hour)
		a.CertificateRequired = true
		must(t, db.Tx(ctx, func(tx purse.Tx) error { return tx.InsertAccount(ctx, a) }))

		must(t, db.Read(ctx, func(tx purse.Tx) error {
			got, err := tx.Account(ctx, a.ID)
			if err != nil {
				return err
			}
			if got.PhoneHash != "hash-1" || got.EmailHash != "mail-1" || string(got.PhoneSealed) != "\x01\x02\x03" ||
				!got.PayLockedUntil.Equal(a.PayLockedUntil) || !got.CertificateRequired || !got.Activated ||
				!got.CreatedAt.Equal(clk.Now()) || !got.ClosedAt.IsZero() {
				t.Errorf("round trip changed the account: %+v", got)
			}
			return nil
		}))

		// A second live account with the same phone is refused by the partial unique index.
		dup := newAccount("hash-1", clk.Now())
		err := db.Tx(ctx, func(tx purse.Tx) error { return tx.InsertAccount(ctx, dup) })
		if !errors.Is(err, purse.ErrDuplicate) {
			t.Fatalf("duplicate live phone: %v, want ErrDuplicate", err)
		}
		// Closing frees the phone (TP-7), and the newest account wins the lookup.
		clk.Advance(time.Minute)
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			cur, err := tx.AccountForUpdate(ctx, a.ID)
			if err != nil {
				return err
			}
			cur.Status, cur.ClosedAt = purse.StatusClosed, tx.Now()
			return tx.UpdateAccount(ctx, cur)
		}))
		fresh := newAccount("hash-1", clk.Now())
		must(t, db.Tx(ctx, func(tx purse.Tx) error { return tx.InsertAccount(ctx, fresh) }))
		must(t, db.Read(ctx, func(tx purse.Tx) error {
			live, err := tx.LiveAccountByLookup(ctx, "hash-1")
			if err != nil || live.ID != fresh.ID {
				t.Errorf("live lookup = %v, %v; want the new account", live, err)
			}
			latest, err := tx.LatestAccountByLookup(ctx, "mail-1")
			if err != nil || latest.ID != a.ID || latest.Status != purse.StatusClosed {
				t.Errorf("latest by e-mail = %v, %v; want the closed account", latest, err)
			}
			return nil
		}))
	})
}

func TestNotFoundAndMalformedIDs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, _ *clock.Fixed) {
		ctx := context.Background()
		for _, id := range []string{purse.NewID(), "not-a-uuid", "", "'; DROP TABLE accounts; --", "\xff\xfe"} {
			err := db.Read(ctx, func(tx purse.Tx) error { _, err := tx.Account(ctx, id); return err })
			if !errors.Is(err, purse.ErrNotFound) {
				t.Errorf("Account(%q) = %v, want ErrNotFound", id, err)
			}
		}
	})
}

func TestTransactionsRollBackAndFailAfterCommit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.Tx(ctx, func(tx purse.Tx) error {
			if err := tx.SetSetting(ctx, "k", "rolled back", tx.Now()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx = %v, want boom", err)
		}
		if v := setting(t, db, "k"); v != "" {
			t.Fatalf("a failed transaction left %q", v)
		}
		err = db.Tx(ctx, func(tx purse.Tx) error {
			if err := tx.SetSetting(ctx, "k", "kept", tx.Now()); err != nil {
				return err
			}
			return purse.FailAfterCommit(boom)
		})
		if !errors.Is(err, boom) {
			t.Fatalf("FailAfterCommit returned %v, want boom", err)
		}
		if v := setting(t, db, "k"); v != "kept" {
			t.Fatalf("FailAfterCommit did not commit: %q", v)
		}
	})
}

func TestBoundTransactionWithSavepoints(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, _ *clock.Fixed) {
		ctx := context.Background()
		for _, commit := range []bool{false, true} {
			bound, end, err := db.Bind(ctx)
			must(t, err)
			must(t, db.Tx(bound, func(tx purse.Tx) error { return tx.SetSetting(bound, "outer", "1", tx.Now()) }))
			// A failing step under the bound transaction rolls back alone.
			_ = db.Tx(bound, func(tx purse.Tx) error {
				_ = tx.SetSetting(bound, "inner", "1", tx.Now())
				return errors.New("step failed")
			})
			// A kept failure stays.
			_ = db.Tx(bound, func(tx purse.Tx) error {
				_ = tx.SetSetting(bound, "kept", "1", tx.Now())
				return purse.FailAfterCommit(errors.New("counted"))
			})
			// Reads under the bound context see its uncommitted writes.
			must(t, db.Read(bound, func(tx purse.Tx) error {
				if v, _ := tx.Setting(bound, "outer"); v != "1" {
					t.Errorf("bound read = %q, want 1", v)
				}
				return nil
			}))
			must(t, end(commit))
			want := map[bool]string{true: "1", false: ""}[commit]
			if got := setting(t, db, "outer"); got != want {
				t.Errorf("commit=%v: outer = %q, want %q", commit, got, want)
			}
			if got := setting(t, db, "kept"); got != want {
				t.Errorf("commit=%v: kept = %q, want %q", commit, got, want)
			}
			if got := setting(t, db, "inner"); got != "" {
				t.Errorf("commit=%v: failed step left inner = %q", commit, got)
			}
		}
	})
}

func TestRateCountersHoldUnderConcurrency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		window := clk.Now().Truncate(24 * time.Hour)
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 10; j++ {
					if err := db.Tx(ctx, func(tx purse.Tx) error { _, err := tx.Hit(ctx, "otp:x", window); return err }); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		must(t, db.Read(ctx, func(tx purse.Tx) error {
			if n, _ := tx.Hits(ctx, "otp:x", window); n != 80 {
				t.Errorf("hits = %d, want 80: a lost update", n)
			}
			return nil
		}))
	})
}

func TestSessionsIdempotencyAndDataKeys(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		a := newAccount("h", clk.Now())
		// The stored answer is sealed under the account's data key (issue 15): a real one.
		v := storetest.Sealer(t)
		db.UseSealer(v)
		_, wrapped, err := v.NewDataKey(a.ID)
		if err != nil {
			t.Fatal(err)
		}
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			if err := tx.InsertAccount(ctx, a); err != nil {
				return err
			}
			if err := tx.InsertDataKey(ctx, &purse.DataKey{AccountID: a.ID, Wrapped: wrapped, CreatedAt: tx.Now()}); err != nil {
				return err
			}
			for _, s := range []string{"s1", "s2"} {
				if err := tx.InsertSession(ctx, &purse.Session{ID: purse.NewID(), TokenHash: s, AccountID: a.ID,
					CreatedAt: tx.Now(), ExpiresAt: tx.Now().Add(time.Hour)}); err != nil {
					return err
				}
			}
			return tx.InsertIdempotentResponse(ctx, &purse.IdempotentResponse{Scope: a.ID, Key: "k", RequestHash: "h",
				Status: 201, Header: map[string]string{"Content-Type": "application/json"}, Body: []byte(`{}`), CreatedAt: tx.Now()})
		}))
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			if _, err := tx.SessionByTokenHash(ctx, "s1", tx.Now()); err != nil {
				t.Errorf("live session: %v", err)
			}
			if _, err := tx.SessionByTokenHash(ctx, "s1", tx.Now().Add(2*time.Hour)); !errors.Is(err, purse.ErrNotFound) {
				t.Errorf("expired session: %v, want ErrNotFound", err)
			}
			if n, err := tx.RevokeAccountSessions(ctx, a.ID, tx.Now()); n != 2 || err != nil {
				t.Errorf("revoked %d, %v; want 2", n, err)
			}
			if _, err := tx.SessionByTokenHash(ctx, "s2", tx.Now()); !errors.Is(err, purse.ErrNotFound) {
				t.Errorf("revoked session: %v, want ErrNotFound", err)
			}
			err := tx.InsertIdempotentResponse(ctx, &purse.IdempotentResponse{Scope: a.ID, Key: "k", Header: map[string]string{}, Body: []byte{}, CreatedAt: tx.Now()})
			if !errors.Is(err, purse.ErrDuplicate) {
				t.Errorf("second answer for one key: %v, want ErrDuplicate", err)
			}
			return nil
		}))
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			r, err := tx.IdempotentResponse(ctx, a.ID, "k")
			if err != nil || r.Status != 201 || r.Header["Content-Type"] != "application/json" {
				t.Errorf("answer = %+v, %v", r, err)
			}
			if err := tx.DestroyDataKey(ctx, a.ID, tx.Now()); err != nil {
				return err
			}
			k, err := tx.DataKey(ctx, a.ID)
			if err != nil || k.Wrapped != nil || k.DestroyedAt.IsZero() {
				t.Errorf("destroyed key = %+v, %v", k, err)
			}
			return nil
		}))
	})
}

func TestPendingMigrationsAndPing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, _ *clock.Fixed) {
		ctx := context.Background()
		must(t, db.Ping(ctx))
		if pending, err := db.Pending(ctx); err != nil || pending {
			t.Fatalf("pending = %v, %v after open", pending, err)
		}
	})
}

func setting(t *testing.T, db *sqlstore.DB, key string) string {
	t.Helper()
	var v string
	must(t, db.Read(context.Background(), func(tx purse.Tx) error {
		var err error
		v, err = tx.Setting(context.Background(), key)
		return err
	}))
	return v
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
