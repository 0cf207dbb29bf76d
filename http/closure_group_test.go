package http_test

import (
	"sync"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	ct "github.com/purse-wallet/purse/closuretest"
)

// With group commit, concurrent flows' steps share transactions on SQLite, each in a savepoint.
// Each flow still sees only its own steps: a wrong payment password is refused and counted (its
// failure commits with the group although the step answers an error), the next wrong one sees
// that count, and the flows then close. On PostgreSQL the steps run alone; the test runs there too.
func TestConcurrentClosuresWithGroupCommit(t *testing.T) {
	t.Parallel()
	p := passwordOnly(t, "alipay")
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		if (e.Dialect == "sqlite") != (e.App.Closures.Group != nil) {
			t.Fatalf("%s: closure group %v", e.Dialect, e.App.Closures.Group != nil)
		}
		const flows = 12
		users := make([]*apitest.User, flows)
		for i := range users {
			users[i] = e.SignUp("")
		}
		var wg sync.WaitGroup
		for i, u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f := toVerification(t, e, u)
				if i%2 == 0 {
					for tries := 1; tries <= 2; tries++ {
						e.Call("POST", "/api/v1/closures/"+f.ID+"/verification", map[string]any{"payment_password": "000000"},
							u.Header()...).ExpectProblem(t, 422, "PAYMENT_PASSWORD_WRONG")
						if n := count(t, e, `SELECT pay_failures FROM accounts WHERE id = ?`, u.ID); n != tries {
							t.Errorf("flow %d: %d failures counted after %d wrong passwords", i, n, tries)
						}
					}
				}
				f = post(t, e, u, f.ID, "verification", map[string]any{"payment_password": u.PaymentPassword}, 200)
				if f = post(t, e, u, f.ID, "submit", nil, 200); f.State != "closed" {
					t.Errorf("flow %d: submit left %s", i, f.State)
				}
				if st := ct.AccountStatus(t, e, u.ID); st != purse.StatusClosed {
					t.Errorf("flow %d: account %s", i, st)
				}
			}()
		}
		wg.Wait()
	}, func(c *app.Config) { c.Policy = p; c.Wallet.GroupCommit = 16 })
}

// A step sent with an Idempotency-Key runs in its request's own transaction, not in the group:
// that transaction holds SQLite's one writer, which the group would wait for. The keyed steps
// answer (no hang), and a retry replays the first answer.
func TestKeyedClosureStepsWithGroupCommit(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		key := func(k string) []string { return append([]string{"Idempotency-Key", k}, u.Header()...) }
		first := e.Call("POST", "/api/v1/closures", nil, key("start-1")...).Expect(t, 201)
		again := e.Call("POST", "/api/v1/closures", nil, key("start-1")...).Expect(t, 201)
		if string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("the keyed start was not replayed:\n%s\n%s", first.Body, again.Body)
		}
		f := ct.Decode(t, first)
		if f = ct.Decode(t, e.Call("POST", "/api/v1/closures/"+f.ID+"/agreement", map[string]any{"accept": true},
			key("agree-1")...).Expect(t, 200)); f.State != "rights" {
			t.Fatalf("keyed agreement left %s", f.State)
		}
	}, func(c *app.Config) { c.Wallet.GroupCommit = 16 })
}
