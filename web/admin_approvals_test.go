package web_test

import (
	"context"
	"net/url"
	"regexp"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

var approvalIDRe = regexp.MustCompile(`<li data-id="([0-9a-f-]{36})" data-kind="credit_line.open">`)

// The console's four-eyes queue (issue 13), on both stores: an admin opens a credit line above the
// threshold; nothing opens, the admin lands on the queue, which offers them no approval of their
// own request; an agent sees the queue without buttons; a second admin approves from the page
// and the line opens once. A second approval answers APPROVAL_DECIDED on the page.
func TestConsoleFourEyesQueue(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		_, acct, _ := walletUser(t, e, "借款人")
		newOperator(t, e, "maker1", purse.RoleAdmin)
		newOperator(t, e, "checker1", purse.RoleAdmin)
		newOperator(t, e, "agent1", purse.RoleAgent)
		maker, checker, agent := newClient(t, e), newClient(t, e), newClient(t, e)
		consoleSignIn(t, maker, "maker1")
		consoleSignIn(t, checker, "checker1")
		consoleSignIn(t, agent, "agent1")

		page := "/admin/accounts/" + acct
		p := maker.post(page, page+"/credit-line", url.Values{"limit": {"50000"}}).expect(t, 200, `id="held"`, "已提交复核", `id="own-`)
		m := approvalIDRe.FindStringSubmatch(p.Body)
		if m == nil {
			t.Fatalf("no held credit line on the queue:\n%s", p.Body)
		}
		id := m[1]
		if _, _, err := e.App.Wallet.CreditLine(context.Background(), acct); purse.ErrorCode(err) != purse.CodeCreditLineMissing {
			t.Fatalf("a held credit line opened: %v", err)
		}
		if regexp.MustCompile(`id="approve-` + id).MatchString(p.Body) {
			t.Fatal("the maker is offered the approval of their own request")
		}
		a := agent.get("/admin/approvals").expect(t, 200, id, `id="cannot-decide"`)
		if regexp.MustCompile(`id="(approve|reject)-`).MatchString(a.Body) {
			t.Fatal("an agent is offered a decision")
		}
		agent.post("/admin/approvals", "/admin/approvals/"+id+"/approve", nil).expect(t, 403, "客服角色")

		checker.post("/admin/approvals", "/admin/approvals/"+id+"/approve", nil).
			expect(t, 200, `id="saved"`, "已批准", `id="approvals-empty"`)
		if l, _, err := e.App.Wallet.CreditLine(context.Background(), acct); err != nil || l.Limit != 5_000_000 {
			t.Fatalf("approved credit line: %+v %v", l, err)
		}
		checker.get("/admin/approvals?state=approved").expect(t, 200, id, "checker1")
	})
}
