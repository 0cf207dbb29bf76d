package web_test

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// TestConsoleReadsRecordsIdentity (issue 15): a purged account's page offers an admin the
// identity the AML records keep; the read needs a reason and shows the name and phone on its
// answer only, audited; an agent sees no form and is refused the post.
func TestConsoleReadsRecordsIdentity(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		phone := apitest.NextPhone()
		var a struct{ ID string }
		e.Register(map[string]any{"phone": phone, "password": "correct horse", "payment_password": "135790",
			"name": "周留存"}).Expect(t, 201).JSON(t, &a)
		e.MarkClosed(t, a.ID)
		e.Clock.Advance(31 * 24 * time.Hour)
		e.RunJobs() // the notice
		e.RunJobs() // the erasure

		newOperator(t, e, "records-admin", purse.RoleAdmin)
		admin := newClient(t, e)
		consoleSignIn(t, admin, "records-admin")
		page := "/admin/accounts/" + a.ID
		admin.get(page).expect(t, 200, `id="read-records"`, "留存身份信息")
		admin.post(page, page+"/records-identity", url.Values{"reason": {""}}).expect(t, 422)
		p := admin.post(page, page+"/records-identity", url.Values{"reason": {"PBOC inquiry 2031-7"}}).
			expect(t, 200, `id="records-identity"`, "周留存", phone)
		validHTML(t, p.Body)
		if strings.Contains(p.URL, phone) {
			t.Fatal("the identity is in the address")
		}
		if again := admin.get(page); strings.Contains(again.Body, "周留存") {
			t.Fatal("the identity is shown again without a new read")
		}

		newOperator(t, e, "records-agent", purse.RoleAgent)
		agent := newClient(t, e)
		consoleSignIn(t, agent, "records-agent")
		if p := agent.get(page).expect(t, 200); strings.Contains(p.Body, `id="read-records"`) {
			t.Fatal("an agent is offered the records identity")
		}
		if p := agent.post(page, page+"/records-identity", url.Values{"reason": {"curious"}}); p.Status != 403 ||
			strings.Contains(p.Body, "周留存") {
			t.Fatalf("an agent's read: %d", p.Status)
		}
	})
}

// validHTML runs the Nu HTML checker on one page when PURSE_VNU names it (CI does; see
// TestPagesAreValidHTML for the walk of every page).
func validHTML(t *testing.T, body string) {
	t.Helper()
	jar := os.Getenv("PURSE_VNU")
	if jar == "" || testing.Short() {
		return
	}
	f := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("java", "-jar", jar, "--errors-only", f).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("the HTML checker: %v\n%s", err, out)
	}
}
