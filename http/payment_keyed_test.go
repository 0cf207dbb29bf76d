package http_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
)

// Issue 19 through HTTP, with group commit on as purse serve runs: an account whose payment
// password is still the argon2id verifier an older purse stored pays with it as before; a wrong PIN
// is refused and counted, the right one moves the money and leaves a keyed verifier, and the next
// payment (through the commit group, keyed) passes and a wrong one is still counted.
func TestTransferUpgradesAnArgon2idPaymentPassword(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		alice, bob := e.SignUp(""), e.SignUp("")
		topup(t, e, alice, bindCard(t, e, alice), 1_000_000)
		old, err := e.App.Hasher.Hash(ctx, alice.PaymentPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.DB.Tx(ctx, func(tx purse.Tx) error {
			rec, err := tx.AccountForUpdate(ctx, alice.ID)
			if err != nil {
				return err
			}
			rec.PaymentPasswordHash = old
			return tx.UpdateAccount(ctx, rec)
		}); err != nil {
			t.Fatal(err)
		}
		pay := func(pin string) *apitest.Response {
			return e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 100_001, "payment_password": pin},
				alice.Header()...)
		}
		pay("246802").ExpectProblem(t, 422, "PAYMENT_PASSWORD_WRONG")
		if c := credentials(t, e, alice.ID); c.PaymentPasswordHash != old || c.PayFailures != 1 {
			t.Fatalf("after a wrong PIN: failures %d, verifier changed %v", c.PayFailures, c.PaymentPasswordHash != old)
		}
		pay(alice.PaymentPassword).Expect(t, 201)
		c := credentials(t, e, alice.ID)
		if !strings.HasPrefix(c.PaymentPasswordHash, "$pin-hmac-sha256$") || c.PayFailures != 0 {
			t.Fatalf("after the right PIN: verifier %.20q…, failures %d", c.PaymentPasswordHash, c.PayFailures)
		}
		pay(alice.PaymentPassword).Expect(t, 201)
		pay("246802").ExpectProblem(t, 422, "PAYMENT_PASSWORD_WRONG")
		if n := credentials(t, e, alice.ID).PayFailures; n != 1 {
			t.Fatalf("a wrong PIN on the keyed verifier was not counted: %d", n)
		}
		if a, b := books(t, e, alice)["balance/CNY"], books(t, e, bob)["balance/CNY"]; a != 1_000_000-2*100_001 || b != 2*100_001 {
			t.Fatalf("balances %d, %d", a, b)
		}
		sound(t, e)
	}, func(c *app.Config) { c.Wallet.GroupCommit = 8 })
}

// Payment-password transfers run in the commit group with the others (issue 19): sent at once,
// each right PIN moves its money and each wrong one is refused and counted (one
// failure audited each) while the rest of its group commits.
func TestPaymentPasswordTransfersInTheCommitGroup(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		alice, bob, carol := e.SignUp(""), e.SignUp(""), e.SignUp("")
		topup(t, e, alice, bindCard(t, e, alice), 2_000_000)
		topup(t, e, carol, bindCard(t, e, carol), 2_000_000)
		type try struct {
			from *apitest.User
			pin  string
		}
		var tries []try
		for i := range 12 {
			switch {
			case i%4 == 3:
				tries = append(tries, try{alice, "246802"})
			case i%2 == 0:
				tries = append(tries, try{alice, alice.PaymentPassword})
			default:
				tries = append(tries, try{carol, carol.PaymentPassword})
			}
		}
		res := make([]*apitest.Response, len(tries))
		var wg sync.WaitGroup
		for i, tr := range tries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res[i] = e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 100_001,
					"payment_password": tr.pin}, tr.from.Header()...)
			}()
		}
		wg.Wait()
		moved := map[string]int64{}
		for i, r := range res {
			if tries[i].pin == "246802" {
				r.ExpectProblem(t, 422, "PAYMENT_PASSWORD_WRONG")
				continue
			}
			r.Expect(t, 201)
			moved[tries[i].from.ID] += 100_001
		}
		if a, c := books(t, e, alice)["balance/CNY"], books(t, e, carol)["balance/CNY"]; a != 2_000_000-moved[alice.ID] || c != 2_000_000-moved[carol.ID] {
			t.Fatalf("balances %d, %d after moving %v", a, c, moved)
		}
		var failed int
		if err := e.DB.SQL().QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action = 'payment_password.failed'`).Scan(&failed); err != nil {
			t.Fatal(err)
		}
		if failed != 3 {
			t.Fatalf("%d failures audited, want 3", failed)
		}
		sound(t, e)
	}, func(c *app.Config) { c.Wallet.GroupCommit = 8 })
}
