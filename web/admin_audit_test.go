package web_test

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// The console does the whole job (issue 18): the audit log with its verification (admins), the
// closure readiness on the account page, and the closure certificate to download.
func TestConsoleAuditReadinessCertificate(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		// A closure that completed (tenpay closes at once) and an account with a balance.
		c := newClient(t, e)
		phone := c.registerUser("孙七")
		id, _ := startClosure(t, c)
		from := "/closure/" + id
		c.post(from, from+"/rights", url.Values{"confirm": {"yes"}}).expect(t, 200)
		c.post(from, from+"/code", url.Values{"channel": {"sms"}}).expect(t, 200)
		c.post(from, from+"/verify", url.Values{"payment_password": {"135790"}, "sms_code": {ct.Code(t, e, phone)}}).expect(t, 200)
		c.post(from, from+"/submit", url.Values{}).expect(t, 200, "账户已注销")
		_, acct, _ := walletUser(t, e, "周八")

		newOperator(t, e, "agent1", purse.RoleAgent)
		newOperator(t, e, "admin1", purse.RoleAdmin)
		agent := newClient(t, e)
		consoleSignIn(t, agent, "agent1")

		// Readiness on the account page: the balance stops a closure, as the user would be told.
		agent.get("/admin/accounts/"+acct).expect(t, 200, `id="account-readiness"`, `data-code="BALANCE_NOT_ZERO"`)

		// The certificate, as a PDF in the console's language and as the signed JWS.
		page := "/admin/closures/" + id
		agent.get(page).expect(t, 200, `href="/admin/closures/`+id+`/certificate"`)
		pdf := agent.get(page+"/certificate").expect(t, 200)
		if !strings.HasPrefix(pdf.Body, "%PDF-") {
			t.Fatalf("certificate: not a PDF: %.20q", pdf.Body)
		}
		jws := agent.get(page+"/certificate?format=jws").expect(t, 200)
		if strings.Count(jws.Body, ".") != 2 {
			t.Fatalf("certificate: not a compact JWS: %.60q", jws.Body)
		}

		// The audit log: an agent reads and filters it but may not walk the whole chain.
		agent.get("/admin/audit").expect(t, 200, `id="audit-events"`, `data-action="closure.start"`)
		agent.get("/admin/audit?subject="+acct).expect(t, 200, `href="/admin/accounts/`+acct+`"`)
		if p := agent.get("/admin/audit"); strings.Contains(p.Body, `id="audit-verify"`) {
			t.Error("an agent is offered the chain's verification")
		}
		admin := newClient(t, e)
		consoleSignIn(t, admin, "admin1")
		admin.post("/admin/audit", "/admin/audit/verify", url.Values{}).expect(t, 200, `id="verify-intact"`, "哈希链完整")
		agent.post("/admin/audit", "/admin/audit/verify", url.Values{}).expect(t, 403) // a valid form, the wrong role

		// An event edited in the database: the verification names where the chain breaks.
		ct.Exec(t, e, `UPDATE audit_events SET action = 'nothing.happened' WHERE seq = 2`)
		p := admin.post("/admin/audit", "/admin/audit/verify", url.Values{}).expect(t, 200, `id="verify-broken"`, "第 2 条事件处断裂")
		if bytes.Contains([]byte(p.Body), []byte(`id="verify-intact"`)) {
			t.Error("a rewritten chain verified as intact")
		}
	}, ct.WithPolicy(t, "tenpay"))
}
