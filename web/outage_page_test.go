package web_test

import (
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// A page the database could not serve answers 503 with Retry-After, as the API does: a browser
// (and a proxy in front of purse) learns when to come back. Before, the page said "try again" but
// its 503 carried no Retry-After. The store's deadline of a nanosecond stands in for a database
// that does not answer.
func TestOutagePageSaysWhenToComeBack(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		c.registerUser("停机")
		e.DB.SetDeadline(time.Nanosecond)
		p := c.get("/").expect(t, 503, "UNAVAILABLE")
		e.DB.SetDeadline(0)
		if got := p.Header.Get("Retry-After"); got != "2" {
			t.Fatalf("Retry-After %q, want 2 (the store's outage answer)", got)
		}
	})
}

// The console too: an operator whose console cookie the database could not check gets the outage
// page, not the console's sign-in form.
func TestConsoleOutagePageSaysWhenToComeBack(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		newOperator(t, e, "admin1", purse.RoleAdmin)
		adm := newClient(t, e)
		consoleSignIn(t, adm, "admin1")
		e.DB.SetDeadline(time.Nanosecond)
		p := adm.get("/admin").expect(t, 503, "UNAVAILABLE")
		e.DB.SetDeadline(0)
		if got := p.Header.Get("Retry-After"); got != "2" {
			t.Fatalf("Retry-After %q, want 2", got)
		}
		adm.get("/admin").expect(t, 200)
	})
}
