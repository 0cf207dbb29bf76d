package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// AP-2's remedy (issue 18: nothing in the product could install a certificate or lift the
// requirement): a certificate user whose device is lost is refused at the closure's environment
// check; a reviewer, after checking the identity, lifts the requirement on the account's console
// page with a reason (an agent is not offered it, the API refuses an agent), and the user's next
// closure passes the check.
func TestSupportLiftsTheCertificateRequirement(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		c.registerUser("吴十")
		acct := c.accountID()
		ct.Exec(t, e, `UPDATE accounts SET certificate_required = ?, certificate_id = 'sha256:lost-device' WHERE id = ?`, true, acct)

		c.post("/closure", "/closure", url.Values{"accept": {"yes"}, "from": {"settings"}}).expect(t, 200, `data-code="ENV_CERTIFICATE_MISSING"`, `href="/security/certificate?closure=`)

		newOperator(t, e, "agent1", purse.RoleAgent)
		newOperator(t, e, "rev1", purse.RoleReviewer)
		agent := newClient(t, e)
		consoleSignIn(t, agent, "agent1")
		page := "/admin/accounts/" + acct
		if p := agent.get(page).expect(t, 200); strings.Contains(p.Body, `id="lift-certificate"`) {
			t.Error("an agent is offered to lift the certificate requirement")
		}
		e.Call("POST", "/api/v1/admin/accounts/"+acct+"/certificate-requirement/lift", map[string]any{"reason": "x"},
			apitest.Auth(e.Operator("agent"))...).ExpectProblem(t, 403, "ROLE_REQUIRED")

		rev := newClient(t, e)
		consoleSignIn(t, rev, "rev1")
		rev.get(page).expect(t, 200, `id="lift-certificate"`)
		rev.post(page, page+"/certificate/lift", url.Values{"reason": {""}}).expect(t, 422)
		rev.post(page, page+"/certificate/lift", url.Values{"reason": {"用户证书设备丢失，已回拨绑定手机核实本人"}}).
			expect(t, 200, "已取消数字证书要求")
		if strings.Contains(rev.get(page).Body, `id="lift-certificate"`) {
			t.Error("the form stays after the requirement is gone")
		}
		if !strings.Contains(strings.Join(auditActions(t, e), ","), "admin.certificate.lift") {
			t.Error("the lift is not in the audit chain")
		}

		// The user's next closure passes the environment check.
		p := c.post("/closure", "/closure", url.Values{"accept": {"yes"}, "from": {"settings"}})
		if strings.Contains(p.Body, "ENV_CERTIFICATE_MISSING") || !closurePath.MatchString(p.URL) {
			t.Fatalf("after the lift, the closure is still refused at %s:\n%.400s", p.URL, p.Body)
		}
	})
}
