package http_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore/postgres"
	"github.com/purse-wallet/purse/storetest"
)

// What a client hears while PostgreSQL is away: killed, the calls answer 503 UNAVAILABLE
// problem+json with a Retry-After at once; frozen (SIGSTOP), they answer the same once the store's
// deadline passes instead of hanging; back, the same instance answers as before, without a
// restart. The fault-injection run of issue 17 saw 1,922 writes and 129 reads answer 500 during
// PostgreSQL kills, and a read wait 10.1 s on a stopped server.
func TestAPIWhilePostgresIsAway(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL cluster of its own")
	}
	p := storetest.PrivatePostgres(t)
	clk := clock.NewFixed(storetest.Epoch)
	db, err := postgres.Open(context.Background(), p.URL, clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := apitest.On(t, db, clk, func(c *app.Config) { c.StoreDeadline = 2 * time.Second })
	u := e.SignUp("")
	signIn := map[string]any{"login": u.Phone, "password": u.Password}
	calls := []struct {
		what string
		call func() *apitest.Response
		ok   int
	}{
		{"sign-in", func() *apitest.Response { return e.Call("POST", "/api/v1/sessions", signIn) }, 201},
		{"read", func() *apitest.Response { return e.Call("GET", "/api/v1/cards", nil, u.Header()...) }, 200},
		{"idempotent write", func() *apitest.Response {
			return e.Call("POST", "/api/v1/cards", map[string]any{"bank": "ICBC", "card_number": testCard,
				"holder_name": "Zhang San"}, append(u.Header(), "Idempotency-Key", fmt.Sprint(time.Now().UnixNano()))...)
		}, 0},
	}
	unavailable := func(when string) {
		t.Helper()
		for _, c := range calls {
			res := c.call()
			p := res.ExpectProblem(t, 503, "UNAVAILABLE")
			if res.Header.Get("Retry-After") == "" || p.RetryAfter < 1 {
				t.Errorf("%s %s: no Retry-After: %v %s", c.what, when, res.Header, res.Body)
			}
		}
	}
	back := func(when string) {
		t.Helper()
		for _, c := range calls {
			res := c.call()
			// The pool may hold a connection that broke with the server; its first use answers 503.
			for try := 0; try < 2 && res.Status == 503; try++ {
				res = c.call()
			}
			if res.Status >= 300 && !(c.ok == 0 && res.Status < 500) {
				t.Errorf("%s %s: %d %s", c.what, when, res.Status, res.Body)
			}
		}
	}
	back("before the outage")

	p.Kill()
	unavailable("while PostgreSQL is down")
	p.Start()
	back("after PostgreSQL restarted")

	p.Freeze()
	unavailable("while PostgreSQL is frozen")
	p.Thaw()
	back("after PostgreSQL thawed")
}
