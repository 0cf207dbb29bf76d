package verify

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
	"github.com/purse-wallet/purse/vault"
)

// must fails the test on a transaction's error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func newAccount(t *testing.T, db *sqlstore.DB, phone string) string {
	t.Helper()
	id := purse.NewID()
	err := db.Tx(context.Background(), func(tx purse.Tx) error {
		return tx.InsertAccount(context.Background(), &purse.AccountRecord{ID: id, Kind: purse.KindMobile,
			Status: purse.StatusActive, PhoneHash: phone + id, Activated: true, CreatedAt: tx.Now(), UpdatedAt: tx.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestDailyCapPerRecipient: codes to one phone are capped across accounts (SMS pumping).
func TestDailyCapPerRecipient(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		v, _ := vault.New(bytes.Repeat([]byte{1}, 32))
		o := &OTP{Vault: v}
		ctx := context.Background()
		for i := 0; i < DailyCap; i++ {
			acct := newAccount(t, db, "p")
			if err := db.Tx(ctx, func(tx purse.Tx) error {
				_, err := o.Issue(ctx, tx, acct, "closure:x", purse.ChannelSMS, "13900000000")
				return err
			}); err != nil {
				t.Fatalf("code %d: %v", i, err)
			}
		}
		acct := newAccount(t, db, "p")
		err := db.Tx(ctx, func(tx purse.Tx) error {
			_, err := o.Issue(ctx, tx, acct, "closure:x", purse.ChannelSMS, "13900000000")
			return err
		})
		if purse.ErrorCode(err) != purse.CodeOTPRateLimited {
			t.Fatalf("11th code to one phone: %v", err)
		}
		// Another phone is not affected, and the next day the phone may receive again.
		if err := db.Tx(ctx, func(tx purse.Tx) error {
			_, err := o.Issue(ctx, tx, acct, "closure:x", purse.ChannelSMS, "13900000001")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(24 * time.Hour)
		other := newAccount(t, db, "p")
		if err := db.Tx(ctx, func(tx purse.Tx) error {
			_, err := o.Issue(ctx, tx, other, "closure:x", purse.ChannelSMS, "13900000000")
			return err
		}); err != nil {
			t.Fatalf("next day: %v", err)
		}
	})
}

// TestNoCodeToNobody: a wallet whose number was released (AP-9) has no phone; a closure or
// card-binding SMS code was issued and queued to an empty number, and the user waited for it.
func TestNoCodeToNobody(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		v, _ := vault.New(bytes.Repeat([]byte{1}, 32))
		o := &OTP{Vault: v}
		ctx := context.Background()
		acct := newAccount(t, db, "p")
		for ch, want := range map[purse.Channel]purse.Code{purse.ChannelSMS: purse.CodePhoneNotBound, purse.ChannelEmail: purse.CodeNoEmail} {
			err := db.Tx(ctx, func(tx purse.Tx) error {
				_, err := o.Issue(ctx, tx, acct, "closure:x", ch, "")
				return err
			})
			if purse.ErrorCode(err) != want {
				t.Errorf("a %s code to nobody: %v, want %s", ch, err, want)
			}
		}
	})
}

// TestCodeBoundToAccountAndPurpose: a code is stored hashed and passes only for its account and
// purpose, once.
func TestCodeBoundToAccountAndPurpose(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		v, _ := vault.New(bytes.Repeat([]byte{1}, 32))
		o := &OTP{Vault: v}
		ctx := context.Background()
		a, b := newAccount(t, db, "a"), newAccount(t, db, "b")
		var code string
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			var err error
			code, err = o.Issue(ctx, tx, a, "closure:1", purse.ChannelSMS, "139")
			return err
		}))
		var stored *purse.OneTimeCode
		must(t, db.Read(ctx, func(tx purse.Tx) error {
			var err error
			stored, err = tx.LatestCode(ctx, a, "closure:1", purse.ChannelSMS)
			return err
		}))
		if stored == nil || stored.CodeHash == code || len(stored.CodeHash) != 64 {
			t.Fatalf("code stored in clear or not at all: %+v", stored)
		}
		check := func(acct, purpose, c string) purse.Code {
			var got error
			// The answer is kept and the transaction committed, as a closure step commits a
			// spent try; the transaction itself must not fail.
			must(t, db.Tx(ctx, func(tx purse.Tx) error {
				got = o.Check(ctx, tx, acct, purpose, purse.ChannelSMS, c)
				return nil
			}))
			return purse.ErrorCode(got)
		}
		if c := check(b, "closure:1", code); c != purse.CodeOTPInvalid {
			t.Fatalf("another account: %s", c)
		}
		if c := check(a, "closure:2", code); c != purse.CodeOTPInvalid {
			t.Fatalf("another purpose: %s", c)
		}
		if c := check(a, "closure:1", code); c != "" {
			t.Fatalf("right code: %s", c)
		}
		if c := check(a, "closure:1", code); c != purse.CodeOTPExpired {
			t.Fatalf("used twice: %s", c)
		}
	})
}

// TestPurge: expired secrets are deleted a day later, live ones kept.
func TestPurge(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		v, _ := vault.New(bytes.Repeat([]byte{1}, 32))
		ctx := context.Background()
		a := newAccount(t, db, "a")
		c := &Captchas{Vault: v}
		must(t, db.Tx(ctx, func(tx purse.Tx) error { _, err := c.New(ctx, tx, a); return err }))
		clk.Advance(CaptchaTTL + time.Hour)
		must(t, db.Tx(ctx, func(tx purse.Tx) error { _, err := c.New(ctx, tx, a); return err }))
		var n int
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			var err error
			n, err = tx.PurgeVerifications(ctx, tx.Now())
			return err
		}))
		if n != 1 {
			t.Fatalf("purged %d, want the one expired captcha", n)
		}
	})
}
