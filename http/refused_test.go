package http_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/sqlstore/postgres"
	"github.com/purse-wallet/purse/storetest"
)

// A sign-in while PostgreSQL turns connections away (all of max_connections taken: purse instances
// and every other client share them) answers 503 UNAVAILABLE with a Retry-After, as load should,
// and never 500; once the server accepts again, the same sign-in opens a session. This is how
// crashtest's TestTwoInstancesOnePostgres once failed under load. The account is registered on
// another instance, so that the one under test has no idle connection to fall back on.
func TestSignInWhilePostgresRefusesConnections(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	server := storetest.RefusingPostgres(t, url)
	clk := clock.NewFixed(storetest.Epoch)
	open := func(url string) *sqlstore.DB {
		db, err := postgres.Open(context.Background(), url, clk)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	u := apitest.On(t, open(url), clk).SignUp("")
	e := apitest.On(t, open(server.URL), clk)
	signIn := map[string]any{"login": u.Phone, "password": u.Password}

	server.Refuse(1 << 30)
	res := e.Call("POST", "/api/v1/sessions", signIn)
	p := res.ExpectProblem(t, 503, "UNAVAILABLE")
	if res.Header.Get("Retry-After") == "" || p.RetryAfter < 1 {
		t.Errorf("refused: no Retry-After: %v %s", res.Header, res.Body)
	}

	server.Refuse(0)
	e.Call("POST", "/api/v1/sessions", signIn).Expect(t, 201)
}
