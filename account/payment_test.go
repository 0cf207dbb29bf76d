package account_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/apitest"
)

// Payment-password brute force (DESIGN.md §7, TP-4): five wrong PINs lock it for PayLock, even the
// right PIN is refused while locked, and every failure is kept although its call fails. No HTTP
// route takes the PIN yet (the closure's verification step will, AP-5); this proves the service
// those routes will call, on both stores.
func TestPaymentPasswordLocksAfterFiveWrongTries(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		ctx := context.Background()
		check := func(pin string) purse.Code {
			t.Helper()
			return purse.ErrorCode(e.DB.Tx(ctx, func(tx purse.Tx) error {
				return e.App.Accounts.CheckPaymentPassword(ctx, tx, u.ID, pin)
			}))
		}
		failures := func() int {
			t.Helper()
			var n int
			if err := e.DB.Read(ctx, func(tx purse.Tx) error {
				a, err := tx.Account(ctx, u.ID)
				if a != nil {
					n = a.PayFailures
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for i := 1; i < account.MaxPayFailures; i++ {
			if c := check("246802"); c != account.CodePaymentPasswordWrong {
				t.Fatalf("try %d: %s", i, c)
			}
			if n := failures(); n != i {
				t.Fatalf("after %d wrong PINs the count is %d: the failure did not commit", i, n)
			}
		}
		if c := check("246802"); c != account.CodePaymentPasswordLocked {
			t.Fatalf("fifth wrong PIN: %s", c)
		}
		if c := check(u.PaymentPassword); c != account.CodePaymentPasswordLocked {
			t.Fatalf("right PIN while locked: %s", c)
		}
		e.Clock.Advance(account.PayLock - 1)
		if c := check(u.PaymentPassword); c != account.CodePaymentPasswordLocked {
			t.Fatalf("right PIN just before the lock ends: %s", c)
		}
		e.Clock.Advance(1)
		if c := check(u.PaymentPassword); c != "" {
			t.Fatalf("right PIN after the lock: %s", c)
		}
		// Another account's PIN lock is its own: the first account's tries never touched it.
		v := e.SignUp("")
		if err := e.DB.Tx(ctx, func(tx purse.Tx) error { return e.App.Accounts.CheckPaymentPassword(ctx, tx, v.ID, v.PaymentPassword) }); err != nil {
			t.Fatalf("other account: %v", err)
		}
	})
}

// A payment password compared outside the transaction (ProvePaymentPassword) counts as if compared
// inside it, and a comparison made against a password changed since is made again against the new
// one: the old PIN's proof must not pass.
func TestPaymentPasswordProofFollowsTheCurrentPassword(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		ctx := context.Background()
		prove := func(pin string) *account.PaymentPasswordProof {
			t.Helper()
			var rec *purse.AccountRecord
			if err := e.DB.Read(ctx, func(tx purse.Tx) (err error) { rec, err = tx.Account(ctx, u.ID); return err }); err != nil {
				t.Fatal(err)
			}
			p, err := e.App.Accounts.ProvePaymentPassword(ctx, rec, pin)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		check := func(p *account.PaymentPasswordProof) purse.Code {
			t.Helper()
			return purse.ErrorCode(e.DB.Tx(ctx, func(tx purse.Tx) error {
				return e.App.Accounts.CheckPaymentPasswordProof(ctx, tx, p)
			}))
		}
		if c := check(prove("246802")); c != account.CodePaymentPasswordWrong {
			t.Fatalf("wrong PIN's proof: %s", c)
		}
		good := prove(u.PaymentPassword)
		if c := check(good); c != "" {
			t.Fatalf("right PIN's proof: %s", c)
		}
		const next = "135792"
		if err := e.App.Accounts.ChangePaymentPassword(ctx, u.ID, u.PaymentPassword, next); err != nil {
			t.Fatal(err)
		}
		if c := check(good); c != account.CodePaymentPasswordWrong {
			t.Fatalf("the old PIN's proof after the change: %s", c)
		}
		if c := check(prove(next)); c != "" {
			t.Fatalf("the new PIN's proof: %s", c)
		}
	})
}
