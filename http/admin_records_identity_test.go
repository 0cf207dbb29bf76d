package http_test

import (
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// TestAdminReadsRecordsIdentity (issue 15): the identity the AML records keep after the
// personal-data purge is read through the admin API, by an admin, with a reason, and each read is
// audited with it; an agent or a reviewer is refused, a read without a reason is refused, an
// account not purged has none, and nothing is read twice without a second audit event.
func TestAdminReadsRecordsIdentity(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		phone := apitest.NextPhone()
		var a struct{ ID string }
		e.Register(map[string]any{"phone": phone, "password": "correct horse", "payment_password": "135790",
			"name": "孙记录"}).Expect(t, 201).JSON(t, &a)
		live := e.SignUp("")
		e.MarkClosed(t, a.ID)
		e.Clock.Advance(31 * 24 * time.Hour)
		e.RunJobs() // the notice goes out
		e.RunJobs() // the erasure
		var st struct{ Status string }
		admin, reviewer, agent := apitest.Auth(e.Operator("admin")), apitest.Auth(e.Operator("reviewer")), apitest.Auth(e.Operator("agent"))
		e.Call("GET", "/api/v1/admin/accounts/"+a.ID, nil, admin...).Expect(t, 200).JSON(t, &st)
		if st.Status != string(purse.StatusPurged) {
			t.Fatalf("account %s after the purge jobs, want purged", st.Status)
		}
		path := "/api/v1/admin/accounts/" + a.ID + "/records-identity"
		reason := map[string]any{"reason": "PBOC inquiry 2031-7"}
		e.Call("POST", path, reason, agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		e.Call("POST", path, reason, reviewer...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		e.Call("POST", path, map[string]any{"reason": ""}, admin...).Expect(t, 422)
		e.Call("POST", path, map[string]any{"reason": "  "}, admin...).ExpectProblem(t, 422, "INVALID_REQUEST")
		e.Call("POST", path, map[string]any{"reason": "case\n7"}, admin...).ExpectProblem(t, 422, "TEXT_CONTROL_CHARACTERS")
		var id struct {
			AccountID string `json:"account_id"`
			Name      string
			Phone     string
		}
		e.Call("POST", path, reason, admin...).Expect(t, 200).JSON(t, &id)
		if id.AccountID != a.ID || id.Name != "孙记录" || id.Phone != phone {
			t.Fatalf("records identity: %+v", id)
		}
		e.Call("POST", "/api/v1/admin/accounts/"+live.ID+"/records-identity", reason, admin...).ExpectProblem(t, 404, "NOT_FOUND")

		// One audit event, for the one read that showed something, naming the admin.
		var actors []string
		rows, err := e.DB.SQL().Query(rebind(e, `SELECT actor FROM audit_events WHERE subject = ? AND action = ?`),
			a.ID, "retention.records_identity_read")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var actor string
			if err := rows.Scan(&actor); err != nil {
				t.Fatal(err)
			}
			actors = append(actors, actor)
		}
		rows.Close()
		if len(actors) != 1 || !strings.HasPrefix(actors[0], "operator:") {
			t.Fatalf("audit of the read: %v", actors)
		}
	})
}
