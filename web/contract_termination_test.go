package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// AP-8.9's remedy, end to end (issue 18: 去处理 led to "此功能的页面即将上线" and a route that
// answered 404): the merchant asks to end a contract early with a reason, through the API or the
// contracts page; the request waits (asked twice is refused, the closure still blocked) until a
// reviewer, who sees it with its reason on the account's console page, ends the contract; then
// nothing of the contract stops the closure.
func TestMerchantAsksToEndAContract(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		c.registerUser("钱九商行")
		acct := c.accountID()
		ct.Exec(t, e, `UPDATE accounts SET kind = 'merchant' WHERE id = ?`, acct)
		ct.Blocker(t, e, acct, purse.CodeMerchantContractActive)

		p := c.get("/services/contracts").expect(t, 200, `name="reason"`, "申请提前解约")
		if strings.Contains(p.Body, "即将上线") {
			t.Fatal("the contracts page is a placeholder")
		}
		action := hrefAction(t, p.Body, "/services/contracts/")
		c.post("/services/contracts", action, url.Values{"reason": {""}}).expect(t, 422)
		c.post("/services/contracts", action, url.Values{"reason": {"门店已停业，不再需要收款服务"}}).
			expect(t, 200, `id="saved"`, "已于", "客服审核后会通知您")
		id := strings.TrimSuffix(strings.TrimPrefix(action, "/services/contracts/"), "/termination")

		// The request waits: asked again, refused; the closure stays blocked meanwhile.
		c.post("/services/contracts", "/services/contracts/"+id+"/termination", url.Values{"reason": {"again"}}).expect(t, 409)
		if got := eligibilityCodes(t, c); !strings.Contains(got, "MERCHANT_CONTRACT_ACTIVE") {
			t.Fatalf("a request alone ended the contract: blockers %s", got)
		}

		newOperator(t, e, "agent1", purse.RoleAgent)
		newOperator(t, e, "rev1", purse.RoleReviewer)
		agent := newClient(t, e)
		consoleSignIn(t, agent, "agent1")
		page := "/admin/accounts/" + acct
		if p := agent.get(page).expect(t, 200, "门店已停业"); strings.Contains(p.Body, `id="terminate-`+id+`"`) {
			t.Error("an agent is offered to end the contract")
		}
		rev := newClient(t, e)
		consoleSignIn(t, rev, "rev1")
		rev.post(page, page+"/contracts/"+id+"/terminate", url.Values{}).expect(t, 200, "合约已提前解约")
		if got := eligibilityCodes(t, c); strings.Contains(got, "MERCHANT_CONTRACT_ACTIVE") {
			t.Fatalf("after the reviewer ended it, blockers %s", got)
		}
		c.get("/services/contracts").expect(t, 200, "已结束")
	})
}

// hrefAction is the first form action on the page that starts with prefix.
func hrefAction(t *testing.T, body, prefix string) string {
	t.Helper()
	i := strings.Index(body, `action="`+prefix)
	if i < 0 {
		t.Fatalf("no form to %s on the page", prefix)
	}
	rest := body[i+len(`action="`):]
	return rest[:strings.Index(rest, `"`)]
}

// eligibilityCodes are the codes of the closure's blockers on the preparation page.
func eligibilityCodes(t *testing.T, c *client) string {
	t.Helper()
	p := c.get("/closure/prepare").expect(t, 200)
	var codes []string
	for _, part := range strings.Split(p.Body, `data-code="`)[1:] {
		codes = append(codes, part[:strings.Index(part, `"`)])
	}
	return strings.Join(codes, ",")
}
