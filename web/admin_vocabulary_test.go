package web_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/audit"
)

// actionsOf lists the actions operators were audited for about the subject ("" for every
// subject), oldest first.
func actionsOf(t *testing.T, e *apitest.Env, subject string) []string {
	t.Helper()
	var out []string
	for _, ev := range auditEvents(t, e, subject) {
		if strings.HasPrefix(ev.Actor, "operator:") {
			out = append(out, ev.Action)
		}
	}
	return out
}

// One admin surface (issue 20): an agent who finds and opens an account, then a closure request,
// on the console leaves the same audit actions as one who does so through the admin API. The
// console audited its reads as "account.search" and "account.view", the API as
// "admin.account.search" and "admin.account.view", and the API did not audit a closure's view.
func TestConsoleAndAPIAuditReadsAlike(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	newOperator(t, e, "agent1", purse.RoleAgent)
	c := newClient(t, e)
	consoleSignIn(t, c, "agent1")
	token := apitest.Auth(e.Operator("agent"))

	viaConsole, viaAPI := e.SignUp("console.read@example.com"), e.SignUp("api.read@example.com")
	for _, u := range []*apitest.User{viaConsole, viaAPI} {
		e.Call("POST", "/api/v1/closures", nil, u.Header()...).Expect(t, 201)
	}
	closureOf := func(u *apitest.User) string {
		var list struct {
			Closures []struct{ ID string } `json:"closures"`
		}
		e.Call("GET", "/api/v1/closures", nil, u.Header()...).Expect(t, 200).JSON(t, &list)
		return list.Closures[0].ID
	}

	c.get("/admin/accounts?q="+url.QueryEscape(viaConsole.Phone)).expect(t, 200, viaConsole.ID)
	c.get("/admin/accounts/"+viaConsole.ID).expect(t, 200, `id="trail"`)
	c.get("/admin/closures/"+closureOf(viaConsole)).expect(t, 200)

	e.Call("GET", "/api/v1/admin/accounts?phone="+url.QueryEscape(viaAPI.Phone), nil, token...).Expect(t, 200)
	e.Call("GET", "/api/v1/admin/accounts/"+viaAPI.ID, nil, token...).Expect(t, 200)
	e.Call("GET", "/api/v1/admin/closures/"+closureOf(viaAPI), nil, token...).Expect(t, 200)

	// The console's search names the one account it found, the API's may find several and names
	// none: the search is compared by its action alone.
	search := func(a string) bool { return a == audit.AdminAccountSearch }
	console, api := slices.DeleteFunc(actionsOf(t, e, viaConsole.ID), search), actionsOf(t, e, viaAPI.ID)
	if !slices.Equal(console, api) {
		t.Errorf("the console audited %v about the account, the admin API %v", console, api)
	}
	for _, want := range []string{audit.AdminAccountView, audit.AdminClosureView} {
		if !slices.Contains(console, want) {
			t.Errorf("%s not audited: %v", want, console)
		}
	}
	all := slices.DeleteFunc(actionsOf(t, e, ""), func(a string) bool { return strings.HasPrefix(a, "operator.") })
	if n := len(slices.DeleteFunc(slices.Clone(all), func(a string) bool { return !search(a) })); n != 2 {
		t.Errorf("%d searches audited as %s, want 2 (one on each surface): %v", n, audit.AdminAccountSearch, all)
	}
	for _, a := range all {
		if !slices.Contains(audit.AdminActions, a) {
			t.Errorf("%s is not in audit.AdminActions", a)
		}
	}
}
