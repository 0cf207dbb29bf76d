package http_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/bank"
	"github.com/purse-wallet/purse/bank/banktest"
	"github.com/purse-wallet/purse/wallet"
)

// withBank starts the server with the production gateway talking to a bank simulator on loopback
// (issue 13): the simulator signs with the server's clock, as a real bank's clock agrees with it.
func withBank(sim **banktest.Bank, t *testing.T) apitest.Option {
	return func(c *app.Config) {
		s := banktest.New(t, c.Clock.Now)
		g, err := bank.NewHTTP(s.URL, banktest.Key, c.Clock)
		if err != nil {
			t.Fatal(err)
		}
		c.Gateway, c.HTTP.BankKey, *sim = g, banktest.Key, s
	}
}

// gatewayEach runs fn on both stores against a fresh simulator.
func gatewayEach(t *testing.T, fn func(t *testing.T, e *apitest.Env, sim *banktest.Bank)) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			var sim *banktest.Bank
			e := apitest.New(t, d, withBank(&sim, t))
			fn(t, e, sim)
		})
	}
}

// callback posts a raw callback signed with key at the time (nil key: unsigned).
func callback(t *testing.T, e *apitest.Env, raw []byte, key []byte, at time.Time) *apitest.Response {
	t.Helper()
	h := []string{}
	if key != nil {
		ts, sig := bank.Signature(key, at, raw)
		h = []string{bank.HeaderTimestamp, ts, bank.HeaderSignature, sig}
	}
	return e.Call("POST", "/api/v1/bank/callbacks", raw, h...)
}

func txStatus(t *testing.T, e *apitest.Env, id string) purse.TxStatus {
	t.Helper()
	var st purse.TxStatus
	if err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		l, err := tx.LedgerTransaction(context.Background(), id, "")
		if err == nil {
			st = l.Status
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return st
}

func auditCount(t *testing.T, e *apitest.Env, action string) int {
	t.Helper()
	var n int
	q := `SELECT COUNT(*) FROM audit_events WHERE action = ?`
	if e.Dialect == "postgres" {
		q = `SELECT COUNT(*) FROM audit_events WHERE action = $1`
	}
	if err := e.DB.SQL().QueryRow(q, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBankCallbackSettlesAndRefuses: a top-up the bank accepts as pending moves nothing until its
// signed callback; a duplicated callback changes nothing; unsigned, wrongly signed, replayed,
// unknown-reference and wrong-amount callbacks are refused, audited, and change nothing.
func TestBankCallbackSettlesAndRefuses(t *testing.T) {
	gatewayEach(t, func(t *testing.T, e *apitest.Env, sim *banktest.Bank) {
		sim.Decide = func(string, int64) bank.State { return bank.Pending }
		u := e.SignUp("")
		card := bindCard(t, e, u)
		tx := topup(t, e, u, card, 5000)
		if tx.Status != "pending" || books(t, e, u)["balance/CNY"] != 0 {
			t.Fatalf("a pending charge credited: %+v, %v", tx, books(t, e, u))
		}
		if m := sim.Movement(tx.ID); m == nil || m.Amount != 5000 || m.Card != "6222021234567890128" || m.Holder != "Zhang San" {
			t.Fatalf("the bank was asked %+v", m)
		}
		body := func(ref string, st bank.State, amount int64) []byte {
			raw, _ := json.Marshal(bank.Callback{Ref: ref, State: st, Amount: amount, Currency: "CNY"})
			return raw
		}
		now := e.Clock.Now()
		refusals := []struct {
			name   string
			raw    []byte
			key    []byte
			at     time.Time
			status int
			code   string
		}{
			{"unsigned", body(tx.ID, bank.Settled, 5000), nil, now, 401, "BANK_SIGNATURE_INVALID"},
			{"signed with another key", body(tx.ID, bank.Settled, 5000), []byte("another-key-0123456789abcdef-0123456789"), now, 401, "BANK_SIGNATURE_INVALID"},
			{"replayed an hour later", body(tx.ID, bank.Settled, 5000), banktest.Key, now.Add(-time.Hour), 401, "BANK_SIGNATURE_INVALID"},
			{"unknown reference", body(purse.NewID(), bank.Settled, 5000), banktest.Key, now, 404, "NOT_FOUND"},
			{"another amount", body(tx.ID, bank.Settled, 500000), banktest.Key, now, 409, "BANK_AMOUNT_MISMATCH"},
		}
		for _, r := range refusals {
			callback(t, e, r.raw, r.key, r.at).ExpectProblem(t, r.status, r.code)
			if got := txStatus(t, e, tx.ID); got != purse.TxPending || books(t, e, u)["balance/CNY"] != 0 {
				t.Fatalf("%s: the refused callback changed the top-up (%s) or the balance", r.name, got)
			}
		}
		if n := auditCount(t, e, "bank.callback_refused"); n != len(refusals) {
			t.Fatalf("%d refusals audited, want %d", n, len(refusals))
		}

		if status, _, err := sim.Callback(context.Background(), e.Server.URL, tx.ID, bank.Settled); err != nil || status != 200 {
			t.Fatalf("the signed callback: %d %v", status, err)
		}
		if books(t, e, u)["balance/CNY"] != 5000 || txStatus(t, e, tx.ID) != purse.TxSettled {
			t.Fatalf("the signed callback did not settle: %v", books(t, e, u))
		}
		// The bank retries its callback: answered, nothing moves twice.
		if status, _, _ := sim.Callback(context.Background(), e.Server.URL, tx.ID, bank.Settled); status != 200 {
			t.Fatalf("a duplicated callback: %d", status)
		}
		// A contradicting one is refused.
		callback(t, e, body(tx.ID, bank.Failed, 5000), banktest.Key, e.Clock.Now()).ExpectProblem(t, 409, "TRANSACTION_NOT_PENDING")
		if books(t, e, u)["balance/CNY"] != 5000 {
			t.Fatalf("after the duplicate: %v", books(t, e, u))
		}
		if n := auditCount(t, e, "bank.settled"); n != 1 {
			t.Fatalf("%d settlements audited, want 1", n)
		}
		sound(t, e)
	})
}

// TestBankFailuresAndLostCallbacks: a refused charge credits nothing; a failed payout returns its
// money; a payout whose callback is lost is settled by reconciliation once its window passes.
func TestBankFailuresAndLostCallbacks(t *testing.T) {
	gatewayEach(t, func(t *testing.T, e *apitest.Env, sim *banktest.Bank) {
		u := e.SignUp("")
		card := bindCard(t, e, u)
		topup(t, e, u, card, 10000) // charges settle at once by default
		if books(t, e, u)["balance/CNY"] != 10000 {
			t.Fatalf("a settled charge did not credit: %v", books(t, e, u))
		}
		sim.Decide = func(kind string, _ int64) bank.State {
			if kind == "charge" {
				return bank.Failed
			}
			return bank.Pending
		}
		if tx := topup(t, e, u, card, 700); tx.Status != "failed" {
			t.Fatalf("a refused charge: %+v", tx)
		}
		w1 := withdraw(t, e, u, card, 3000)
		w2 := withdraw(t, e, u, card, 2000)
		if books(t, e, u)["balance/CNY"] != 5000 {
			t.Fatalf("pending payouts: %v", books(t, e, u))
		}
		// The bank fails the first and tells purse.
		if status, _, _ := sim.Callback(context.Background(), e.Server.URL, w1.ID, bank.Failed); status != 200 {
			t.Fatalf("failure callback: %d", status)
		}
		if books(t, e, u)["balance/CNY"] != 8000 || txStatus(t, e, w1.ID) != purse.TxFailed {
			t.Fatalf("a failed payout did not come back: %v", books(t, e, u))
		}
		// The bank settles the second and its callback is lost.
		sim.Set(w2.ID, bank.Settled)
		e.RunJobs()
		if txStatus(t, e, w2.ID) != purse.TxPending {
			t.Fatal("reconciled before its window")
		}
		e.Clock.Advance(wallet.DefaultReconcileAfter + time.Minute)
		e.RunJobs()
		if txStatus(t, e, w2.ID) != purse.TxSettled || books(t, e, u)["balance/CNY"] != 8000 {
			t.Fatalf("the lost callback's payout: %s, %v", txStatus(t, e, w2.ID), books(t, e, u))
		}
		sound(t, e)
	})
}

// TestBankCrashBetweenRequestAndCallback: the bank receives a charge and settles it, but its
// answer never reaches purse (a crash, a cut connection): the top-up stays pending, and
// reconciliation credits it exactly once. A request that never reached the bank (down): the
// top-up fails, nothing charged; the payout is asked again under its reference.
func TestBankCrashBetweenRequestAndCallback(t *testing.T) {
	gatewayEach(t, func(t *testing.T, e *apitest.Env, sim *banktest.Bank) {
		u := e.SignUp("")
		card := bindCard(t, e, u)
		sim.DropAnswers = true
		tx := topup(t, e, u, card, 4200)
		sim.DropAnswers = false
		if tx.Status != "pending" || books(t, e, u)["balance/CNY"] != 0 {
			t.Fatalf("an unanswered charge: %+v", tx)
		}
		if m := sim.Movement(tx.ID); m == nil || m.State != bank.Settled {
			t.Fatalf("the bank did not take the charge: %+v", m)
		}
		e.Clock.Advance(wallet.DefaultReconcileAfter + time.Minute)
		e.RunJobs()
		e.RunJobs()
		if books(t, e, u)["balance/CNY"] != 4200 || sim.Movement(tx.ID).Requests != 1 {
			t.Fatalf("reconciled: %v, asked %d times", books(t, e, u), sim.Movement(tx.ID).Requests)
		}

		sim.Down = true
		lost := topup(t, e, u, card, 100)
		out := withdraw(t, e, u, card, 1000)
		sim.Down = false
		if lost.Status != "pending" || out.Status != "pending" || sim.Movement(lost.ID) != nil || sim.Movement(out.ID) != nil {
			t.Fatalf("while the bank was down: %+v %+v", lost, out)
		}
		e.Clock.Advance(wallet.DefaultReconcileAfter + time.Minute)
		e.RunJobs()
		if txStatus(t, e, lost.ID) != purse.TxFailed || sim.Movement(lost.ID) != nil {
			t.Fatalf("a charge the bank never saw: %s", txStatus(t, e, lost.ID))
		}
		if m := sim.Movement(out.ID); m == nil || m.Amount != 1000 || txStatus(t, e, out.ID) != purse.TxPending {
			t.Fatalf("the payout was not asked again: %+v", m)
		}
		if status, _, _ := sim.Callback(context.Background(), e.Server.URL, out.ID, bank.Settled); status != 200 {
			t.Fatalf("callback: %d", status)
		}
		if books(t, e, u)["balance/CNY"] != 3200 {
			t.Fatalf("end: %v", books(t, e, u))
		}
		sound(t, e)
	})
}
