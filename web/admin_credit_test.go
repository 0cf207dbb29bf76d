package web_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// An agent opens a credit line from the console's account page; the user then draws on it from
// theirs. A form without its CSRF token and a bad limit are refused, and the page then shows the
// line and what is left to draw.
func TestConsoleOpensCreditLine(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c, acct, _ := walletUser(t, e, "借款人")
		if _, _, err := e.App.Operators.Create(context.Background(), "admin1", purse.RoleAdmin, "operator password 1"); err != nil {
			t.Fatal(err)
		}
		// A credit line is value created: an admin's (issue 13); an agent's is refused below.
		if _, _, err := e.App.Operators.Create(context.Background(), "agent1", purse.RoleAgent, "operator password 1"); err != nil {
			t.Fatal(err)
		}
		ag := newClient(t, e)
		ag.post("/admin/signin", "/admin/signin", url.Values{"username": {"agent1"}, "password": {"operator password 1"}}).expect(t, 200)
		ag.post("/admin/accounts/"+acct, "/admin/accounts/"+acct+"/credit-line", url.Values{"limit": {"500"}}).expect(t, 403)
		op := newClient(t, e)
		op.post("/admin/signin", "/admin/signin", url.Values{"username": {"admin1"}, "password": {"operator password 1"}}).expect(t, 200)
		page := "/admin/accounts/" + acct
		op.get(page).expect(t, 200, `id="open-credit"`)
		op.do("POST", page+"/credit-line", url.Values{"limit": {"500"}}).expect(t, 403)
		op.post(page, page+"/credit-line", url.Values{"limit": {"5.001"}}).expect(t, 422, `id="e-limit"`)
		op.post(page, page+"/credit-line", url.Values{"limit": {"500"}}).expect(t, 200, `id="saved"`, "信用额度已开通", "¥500.00")
		if _, err := e.App.Wallet.OpenCreditLine(context.Background(), "system:test", acct, 100); purse.ErrorCode(err) != purse.CodeCreditLineExists {
			t.Fatalf("second line: %v", err)
		}
		c.post("/services/credit", "/services/credit/draw", url.Values{"amount": {"100"}}).expect(t, 200, "支用成功", "¥400.00")
		op.get(page).expect(t, 200, `id="credit-available"`, "¥400.00")
	})
}
