package http_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// TestDisputeDuringCoolingOff: a dispute the operator opens on an account in its closure's
// cooling-off (AP-8.8) has its effect. The account stays closing (no money, nothing new), and
// the closure does not complete while the dispute is open: at the end of cooling-off the closing
// job checks again, the request fails with ACCOUNT_DISPUTED as its reason, the user is told why,
// and the account leaves closing restricted, as any disputed account is. Keeping the account
// during cooling-off gives it back restricted too; a dispute resolved in time blocks nothing.
func TestDisputeDuringCoolingOff(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		rev := apitest.Auth(e.Operator("reviewer"))
		dispute := func(u *apitest.User, restricts bool) string {
			t.Helper()
			return idOf(t, e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/disputes",
				map[string]any{"reason": "late fraud report", "restricts": restricts}, rev...).Expect(t, 201))
		}
		endCoolingOff := func(want int) {
			t.Helper()
			e.Clock.Advance(7*24*time.Hour + time.Minute)
			n, err := e.App.Closures.CloseDue(context.Background())
			if err != nil || n != want {
				t.Fatalf("closing job: %d ended, %v; want %d", n, err, want)
			}
		}
		templates := func(u *apitest.User) []string {
			var out []string
			for _, m := range ct.Messages(t, e, u.Email) {
				out = append(out, m.Template)
			}
			return out
		}

		// A restricting dispute open at the end of cooling-off.
		u, id := ct.CoolingOff(t, e)
		item := dispute(u, true)
		if st := ct.AccountStatus(t, e, u.ID); st != purse.StatusClosing {
			t.Fatalf("account %s with its closure in cooling-off, want closing", st)
		}
		endCoolingOff(1)
		e.SignIn(u) // a week later: the user signs in again, which a failed closure leaves possible
		f := ct.Decode(t, e.Call("GET", "/api/v1/closures/"+id, nil, u.Header()...).Expect(t, 200))
		if f.State != "failed" || !slices.Equal(ct.Codes(f.Blockers), []string{string(purse.CodeAccountDisputed)}) {
			t.Fatalf("closure after its cooling-off: %s %v, want failed by ACCOUNT_DISPUTED", f.State, ct.Codes(f.Blockers))
		}
		if st := ct.AccountStatus(t, e, u.ID); st != purse.StatusRestricted {
			t.Fatalf("account %s, want restricted", st)
		}
		sent := templates(u)
		if slices.Contains(sent, "closure_closed") || !slices.Contains(sent, "closure_failed") {
			t.Fatalf("notices %v, want closure_failed and no closure_closed", sent)
		}
		failed := ct.Messages(t, e, u.Email)[0]
		reason := e.App.Catalog.Message("zh-CN", string(purse.CodeAccountDisputed), nil)
		if failed.Template != "closure_failed" || !strings.Contains(failed.Body, id) || !strings.Contains(failed.Body, reason) {
			t.Fatalf("the user was not told why: %s %q", failed.Template, failed.Body)
		}
		history := historyOf(t, e, id)
		if last := history[len(history)-1]; last.From != "cooling_off" || last.To != "failed" || last.Actor != "system" ||
			!strings.Contains(last.Note, string(purse.CodeAccountDisputed)) {
			t.Fatalf("last event %+v, want cooling_off → failed by the system, naming the blocker", last)
		}
		// The dispute is a dispute like any other: resolving it lifts the restriction.
		e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/disputes/"+item+"/resolve", nil, rev...).Expect(t, 200)
		if st := ct.AccountStatus(t, e, u.ID); st != purse.StatusActive {
			t.Fatalf("account %s after the dispute was resolved, want active", st)
		}

		// Kept during cooling-off while the dispute is open: restricted, not active.
		u, id = ct.CoolingOff(t, e)
		dispute(u, true)
		if f := post(t, e, u, id, "cancel", nil, 200); f.State != "cancelled" {
			t.Fatalf("keep: %s", f.State)
		}
		if st := ct.AccountStatus(t, e, u.ID); st != purse.StatusRestricted {
			t.Fatalf("account kept with a dispute open: %s, want restricted", st)
		}

		// A dispute that does not restrict still blocks the closure; the account comes back as it was.
		u, id = ct.CoolingOff(t, e)
		dispute(u, false)
		endCoolingOff(1)
		e.SignIn(u)
		if f := ct.Decode(t, e.Call("GET", "/api/v1/closures/"+id, nil, u.Header()...).Expect(t, 200)); f.State != "failed" {
			t.Fatalf("closure with an open dispute at its end: %s, want failed", f.State)
		}
		if st := ct.AccountStatus(t, e, u.ID); st != purse.StatusActive {
			t.Fatalf("account %s, want active", st)
		}

		// A dispute resolved within the cooling-off blocks nothing: the account closes.
		u, id = ct.CoolingOff(t, e)
		item = dispute(u, true)
		e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/disputes/"+item+"/resolve", nil, rev...).Expect(t, 200)
		endCoolingOff(1)
		if st := ct.AccountStatus(t, e, u.ID); st != purse.StatusClosed {
			t.Fatalf("account %s, want closed", st)
		}
		if h := historyOf(t, e, id); h[len(h)-1].To != "closed" {
			t.Fatalf("history ends in %s, want closed", h[len(h)-1].To)
		}
	}, ct.WithPolicy(t, "strict"))
}

// historyOf reads a closure's history from the store.
func historyOf(t *testing.T, e *apitest.Env, id string) []*purse.ClosureEvent {
	t.Helper()
	var out []*purse.ClosureEvent
	err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		var err error
		out, err = tx.ClosureEvents(context.Background(), id)
		return err
	})
	if err != nil || len(out) == 0 {
		t.Fatalf("history of %s: %v", id, err)
	}
	return out
}
