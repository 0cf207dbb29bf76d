package http_test

import (
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/closure"
	ct "github.com/purse-wallet/purse/closuretest"
)

// incoming mimics the ledger's contract for one posting or one new agreement: in its own
// transaction, lock the account row, refuse unless the status accepts postings, then write.
// It reports whether it wrote.
func incoming(t *testing.T, e *apitest.Env, accountID string, agreement bool) bool {
	q := func(s string) string {
		if e.Dialect != "postgres" {
			return s
		}
		n := 0
		return regexp.MustCompile(`\?`).ReplaceAllStringFunc(s, func(string) string { n++; return "$" + strconv.Itoa(n) })
	}
	lock := ""
	if e.Dialect == "postgres" {
		lock = " FOR UPDATE"
	}
	tx, err := e.DB.SQL().BeginTx(context.Background(), nil)
	if err != nil {
		t.Error(err)
		return false
	}
	defer tx.Rollback()
	var status string
	if err := tx.QueryRow(q(`SELECT status FROM accounts WHERE id = ?`+lock), accountID).Scan(&status); err != nil {
		t.Error(err)
		return false
	}
	if !purse.AccountStatus(status).AcceptsPostings() {
		return false
	}
	now := e.Clock.Now().UnixMicro()
	id := purse.NewID()
	exec := func(s string, args ...any) {
		if _, err := tx.Exec(q(s), args...); err != nil {
			t.Error(err)
		}
	}
	if agreement {
		exec(`INSERT INTO auto_debits (id, account_id, merchant, kind, status, created_at) VALUES (?, ?, 'Metro', 'general', 'active', ?)`, id, accountID, now)
	} else {
		exec(`INSERT INTO ledger_transactions (id, kind, status, account_id, amount, currency, created_at, settled_at)
			VALUES (?, 'transfer', 'settled', ?, 100, 'CNY', ?, ?)`, id, accountID, now, now)
		exec(`INSERT INTO ledger_postings (transaction_id, owner, book, currency, amount, created_at) VALUES (?, ?, 'balance', 'CNY', 100, ?)`, id, accountID, now)
		exec(`INSERT INTO ledger_postings (transaction_id, owner, book, currency, amount, created_at) VALUES (?, 'operator:bank', 'operator', 'CNY', -100, ?)`, id, now)
		exec(`INSERT INTO ledger_balances (owner, book, currency, amount, updated_at) VALUES (?, 'balance', 'CNY', 100, ?)`, accountID, now)
	}
	if err := tx.Commit(); err != nil {
		t.Error(err)
		return false
	}
	return true
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

// TestSubmitRacesIncoming: 200 rounds of a closure submit racing an incoming transfer or a new
// agreement. After each, either the closure failed (and what raced in is why), or nothing touched
// the account after it entered closing (DESIGN.md §4.2).
func TestSubmitRacesIncoming(t *testing.T) {
	t.Parallel()
	rounds := 200
	if testing.Short() {
		rounds = 20
	}
	p, err := closure.Load("alipay")
	if err != nil {
		t.Fatal(err)
	}
	for k := range p.Verification {
		p.Verification[k] = []string{closure.FactorPaymentPassword}
	}
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
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
			go func() { defer wg.Done(); <-gate; time.Sleep(delay); wrote = incoming(t, e, u.ID, agreement) }()
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
