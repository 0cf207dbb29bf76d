package http_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/audit"
)

// Operator management (issue 13), on both stores: an admin changes roles and disables and
// enables operators; each change holds from the operator's next request (a disabled operator's
// token is refused at once, a promoted one may act at once); the last enabled admin can be
// neither demoted nor disabled; agents and reviewers manage nobody; each change is audited.
// Before this change none of these routes existed: a role could not change, and nobody could be
// disabled.
func TestOperatorManagement(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		idOfToken := func(tok string) string {
			o, err := e.App.Operators.Authenticate(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			return o.ID
		}
		a, b, c := e.Operator("admin"), e.Operator("admin"), e.Operator("agent")
		aID, bID, cID := idOfToken(a), idOfToken(b), idOfToken(c)
		admin, other, agent := apitest.Auth(a), apitest.Auth(b), apitest.Auth(c)
		reviewer := apitest.Auth(e.Operator("reviewer"))
		base := "/api/v1/admin/operators/"

		for _, who := range [][]string{agent, reviewer} {
			e.Call("GET", "/api/v1/admin/operators", nil, who...).ExpectProblem(t, 403, "ROLE_REQUIRED")
			e.Call("POST", base+bID+"/disable", nil, who...).ExpectProblem(t, 403, "ROLE_REQUIRED")
			e.Call("PUT", base+cID+"/role", map[string]any{"role": "admin"}, who...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		}
		e.Call("PUT", base+cID+"/role", map[string]any{"role": "owner"}, admin...).Expect(t, 422)
		e.Call("POST", base+purse.NewID()+"/disable", nil, admin...).ExpectProblem(t, 404, "NOT_FOUND")

		// A role change holds from the next request.
		approve := "/api/v1/admin/approvals/" + purse.NewID() + "/approve"
		e.Call("POST", approve, nil, agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		var got purse.Operator
		e.Call("PUT", base+cID+"/role", map[string]any{"role": "admin"}, admin...).Expect(t, 200).JSON(t, &got)
		if got.Role != purse.RoleAdmin || got.ID != cID {
			t.Fatalf("promoted = %+v", got)
		}
		e.Call("POST", approve, nil, agent...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("PUT", base+cID+"/role", map[string]any{"role": "agent"}, admin...).Expect(t, 200)
		e.Call("POST", approve, nil, agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")

		// Disabled: the token is refused at once, and what they asked for that still waits for a
		// second operator is withdrawn (it rested on their authority); enabled again, the token works.
		u := e.SignUp("")
		e.Call("PUT", base+cID+"/role", map[string]any{"role": "admin"}, admin...).Expect(t, 200)
		var asked purse.Approval
		e.Call("POST", "/api/v1/admin/points/grants", map[string]any{"account_id": u.ID, "amount": 900_000}, agent...).
			Expect(t, 202).JSON(t, &asked)
		e.Call("PUT", base+cID+"/role", map[string]any{"role": "agent"}, admin...).Expect(t, 200)
		e.Call("POST", base+cID+"/disable", nil, admin...).Expect(t, 200).JSON(t, &got)
		e.Call("POST", "/api/v1/admin/approvals/"+asked.ID+"/approve", nil, other...).ExpectProblem(t, 409, "APPROVAL_DECIDED")
		var rejected []purse.Approval
		e.Call("GET", "/api/v1/admin/approvals?state=rejected", nil, admin...).Expect(t, 200).JSON(t, &rejected)
		if len(rejected) != 1 || rejected[0].ID != asked.ID || rejected[0].Checker != "operator:"+aID {
			t.Fatalf("the disabled operator's request: %+v", rejected)
		}
		if got.DisabledAt.IsZero() {
			t.Fatalf("disabled = %+v", got)
		}
		e.Call("GET", "/api/v1/admin/outbox", nil, agent...).ExpectProblem(t, 401, "OPERATOR_UNAUTHENTICATED")
		var list []purse.Operator
		e.Call("GET", "/api/v1/admin/operators", nil, admin...).Expect(t, 200).JSON(t, &list)
		found := false
		for _, o := range list {
			found = found || (o.ID == cID && !o.DisabledAt.IsZero())
		}
		if !found {
			t.Fatalf("the disabled operator is not listed as disabled: %+v", list)
		}
		e.Call("POST", base+cID+"/enable", nil, admin...).Expect(t, 200)
		e.Call("GET", "/api/v1/admin/outbox", nil, agent...).Expect(t, 200)

		// The last enabled admin stays (the store is this test's own: a and b are its admins).
		e.Call("PUT", base+bID+"/role", map[string]any{"role": "reviewer"}, admin...).Expect(t, 200)
		e.Call("PUT", base+aID+"/role", map[string]any{"role": "reviewer"}, admin...).ExpectProblem(t, 409, "LAST_ADMIN")
		e.Call("POST", base+aID+"/disable", nil, admin...).ExpectProblem(t, 409, "LAST_ADMIN")
		e.Call("GET", "/api/v1/admin/operators", nil, admin...).Expect(t, 200)
		e.Call("PUT", base+bID+"/role", map[string]any{"role": "admin"}, admin...).Expect(t, 200)
		e.Call("POST", base+aID+"/disable", nil, other...).Expect(t, 200)
		e.Call("GET", "/api/v1/admin/operators", nil, admin...).ExpectProblem(t, 401, "OPERATOR_UNAUTHENTICATED")
		e.Call("POST", base+bID+"/disable", nil, other...).ExpectProblem(t, 409, "LAST_ADMIN")

		counts := map[string]int{}
		err := e.DB.Read(ctx, func(tx purse.Tx) error {
			evs, err := tx.AuditEvents(ctx, "", purse.AuditPos{}, 1000)
			for _, ev := range evs {
				counts[ev.Action]++
			}
			return err
		})
		if err != nil || counts[audit.AdminOperatorRole] != 6 || counts[audit.AdminOperatorEnable] != 1 || counts[audit.AdminOperatorDisable] < 2 ||
			counts[audit.AdminApprovalReject] != 1 {
			t.Fatalf("audited: %v (%v)", counts, err)
		}
	})
}
