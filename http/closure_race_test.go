package http_test

import (
	"context"
	"database/sql"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/closure"
	ct "github.com/purse-wallet/purse/closuretest"
	"github.com/purse-wallet/purse/wallet"
)

// incoming sends one real transfer into the account (from sender, through the wallet) or creates
// one real auto-debit agreement on it (through the blocker service, as a merchant's operator would).
// Both lock the account's row and refuse unless its status accepts them. It reports whether it
// wrote, failing the test on any refusal other than ACCOUNT_NOT_ACTIVE.
func incoming(t *testing.T, e *apitest.Env, sender, accountID string, agreement bool) bool {
	ctx := context.Background()
	var err error
	if agreement {
		_, err = e.App.Blockers.AddAutoDebit(ctx, "operator:race", accountID, "Metro", purse.AutoDebitGeneral)
	} else {
		_, err = e.App.Wallet.Transfer(ctx, sender, wallet.TransferRequest{To: accountID, Amount: 100, Memo: "race", PaymentPassword: "135790"})
	}
	switch purse.ErrorCode(err) {
	case "":
		return true
	case purse.CodeAccountNotActive:
		return false
	}
	t.Errorf("incoming: %v", err)
	return false
}

// funded signs up an account with money to send.
func funded(t *testing.T, e *apitest.Env) *apitest.User {
	ctx := context.Background()
	u := e.SignUp("")
	if _, err := e.App.Wallet.Topup(ctx, u.ID, e.BindCard(u.ID), 10_000_000); err != nil {
		t.Fatal(err)
	}
	return u
}

func count(t *testing.T, e *apitest.Env, q string, arg string) int {
	if e.Dialect == "postgres" {
		q = regexp.MustCompile(`\?`).ReplaceAllString(q, "$$1")
	}
	var n int
	if err := e.DB.SQL().QueryRow(q, arg).Scan(&n); err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return n
}

// passwordOnly loads a preset whose every account kind verifies with the payment password alone,
// so a test reaches review without reading codes.
func passwordOnly(t *testing.T, preset string) *closure.Policy {
	t.Helper()
	p, err := closure.Load(preset)
	if err != nil {
		t.Fatal(err)
	}
	for k := range p.Verification {
		p.Verification[k] = []string{closure.FactorPaymentPassword}
	}
	return p
}

// TestSubmitRacesIncoming: 200 rounds of a closure submit racing a real incoming transfer or a
// real new agreement. After each, either the closure failed (and what raced in is why), or nothing touched
// the account after it entered closing (DESIGN.md §4.2).
func TestSubmitRacesIncoming(t *testing.T) {
	t.Parallel()
	rounds := 200
	if testing.Short() {
		rounds = 20
	}
	p := passwordOnly(t, "alipay")
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		sender := funded(t, e)
		closed, failed := 0, 0
		for i := 0; i < rounds; i++ {
			agreement := i%2 == 1
			u := e.SignUp("")
			f := toVerification(t, e, u)
			post(t, e, u, f.ID, "verification", map[string]any{"payment_password": u.PaymentPassword}, 200)
			var wg sync.WaitGroup
			gate := make(chan struct{})
			var wrote bool
			var res *apitest.Response
			wg.Add(2)
			// A varying head start for the submit, so that each side wins some rounds on both stores.
			delay := time.Duration(i%8) * 400 * time.Microsecond
			go func() { defer wg.Done(); <-gate; time.Sleep(delay); wrote = incoming(t, e, sender.ID, u.ID, agreement) }()
			go func() {
				defer wg.Done()
				<-gate
				res = e.Call("POST", "/api/v1/closures/"+f.ID+"/submit", nil, u.Header()...)
			}()
			close(gate)
			wg.Wait()
			postings := count(t, e, `SELECT COUNT(*) FROM ledger_postings WHERE owner = ?`, u.ID)
			debits := count(t, e, `SELECT COUNT(*) FROM auto_debits WHERE account_id = ? AND status = 'active'`, u.ID)
			switch res.Status {
			case 200:
				closed++
				if wrote || postings != 0 || debits != 0 {
					t.Fatalf("round %d: closed, yet wrote=%v postings=%d agreements=%d", i, wrote, postings, debits)
				}
				if st := ct.AccountStatus(t, e, u.ID); st != purse.StatusClosed {
					t.Fatalf("round %d: account %s", i, st)
				}
			case 409:
				failed++
				want := "BALANCE_NOT_ZERO"
				if agreement {
					want = "AUTO_DEBIT_ACTIVE"
				}
				pr := res.Problem(t)
				if pr.Code != "CLOSURE_REVIEW_FAILED" || !wrote || len(pr.Blockers) != 1 || pr.Blockers[0]["code"] != want {
					t.Fatalf("round %d: failed with %s %v, wrote=%v", i, pr.Code, pr.Blockers, wrote)
				}
				if st := ct.AccountStatus(t, e, u.ID); st != purse.StatusActive {
					t.Fatalf("round %d: account %s after a failed review", i, st)
				}
			default:
				t.Fatalf("round %d: submit %d %s", i, res.Status, res.Body)
			}
		}
		t.Logf("%s: %d rounds, %d closed, %d failed by what raced in", e.Dialect, rounds, closed, failed)
	}, func(c *app.Config) { c.Policy = p })
}
