package http_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/audit"
)

func recordAudit(t *testing.T, e *apitest.Env, subjects ...string) {
	t.Helper()
	ctx := context.Background()
	for i, s := range subjects {
		if err := e.DB.Tx(ctx, func(tx purse.Tx) error {
			return audit.Record(ctx, tx, "system", "test.event", s, map[string]string{"i": fmt.Sprint(i)})
		}); err != nil {
			t.Fatal(err)
		}
	}
}

type auditPage struct {
	Events    []purse.AuditEvent `json:"events"`
	NextAfter int64              `json:"next_after"`
}

func TestAdminAudit(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		// Creating the operator is itself audited (seq 1, no subject).
		agent := apitest.Auth(e.Operator("agent"))
		recordAudit(t, e, "acct-a", "acct-b", "acct-a", "acct-a", "acct-b")

		var all auditPage
		e.Call("GET", "/api/v1/admin/audit", nil, agent...).Expect(t, 200).JSON(t, &all)
		if len(all.Events) != 6 || all.NextAfter != 0 || all.Events[0].Seq != 1 || all.Events[5].Seq != 6 {
			t.Fatalf("all events: %+v", all)
		}
		if e0 := all.Events[1]; e0.Hash != audit.Hash(&e0) || e0.Data["i"] != "0" || e0.Action != "test.event" {
			t.Fatalf("first event as served: %+v", e0)
		}

		// One subject, two pages.
		var p1, p2 auditPage
		e.Call("GET", "/api/v1/admin/audit?subject=acct-a&limit=2", nil, agent...).Expect(t, 200).JSON(t, &p1)
		if len(p1.Events) != 2 || p1.Events[0].Seq != 2 || p1.Events[1].Seq != 4 || p1.NextAfter != 4 {
			t.Fatalf("page 1: %+v", p1)
		}
		e.Call("GET", fmt.Sprintf("/api/v1/admin/audit?subject=acct-a&limit=2&after=%d", p1.NextAfter), nil, agent...).
			Expect(t, 200).JSON(t, &p2)
		if len(p2.Events) != 1 || p2.Events[0].Seq != 5 || p2.NextAfter != 0 {
			t.Fatalf("page 2: %+v", p2)
		}
		var none auditPage
		e.Call("GET", "/api/v1/admin/audit?subject=nobody", nil, agent...).Expect(t, 200).JSON(t, &none)
		if none.Events == nil || len(none.Events) != 0 {
			t.Fatalf("no events: %s", e.Call("GET", "/api/v1/admin/audit?subject=nobody", nil, agent...).Body)
		}
	})
}

func TestAdminAuditRefused(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		agent := apitest.Auth(e.Operator("agent"))
		before, err := audit.Check(context.Background(), e.DB)
		if err != nil {
			t.Fatal(err)
		}
		e.Call("GET", "/api/v1/admin/audit", nil).ExpectProblem(t, 401, "OPERATOR_UNAUTHENTICATED")
		e.Call("GET", "/api/v1/admin/audit", nil, u.Header()...).ExpectProblem(t, 401, "OPERATOR_UNAUTHENTICATED")
		e.Call("GET", "/api/v1/admin/audit?limit=0", nil, agent...).ExpectProblem(t, 422, "INVALID_REQUEST")
		e.Call("GET", "/api/v1/admin/audit?limit=501", nil, agent...).ExpectProblem(t, 422, "INVALID_REQUEST")
		e.Call("GET", "/api/v1/admin/audit?after=-1", nil, agent...).ExpectProblem(t, 422, "INVALID_REQUEST")
		// Refused reads change nothing.
		if r, err := audit.Check(context.Background(), e.DB); err != nil || r != before || r.FirstBroken != 0 {
			t.Fatalf("chain after refused reads: %+v, %v", r, err)
		}
	})
}

func TestAdminAuditVerify(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		admin := apitest.Auth(e.Operator("admin"))
		agent := apitest.Auth(e.Operator("agent"))
		recordAudit(t, e, "acct-a", "acct-b", "acct-a")
		var v struct {
			Intact      bool   `json:"intact"`
			Events      int64  `json:"events"`
			FirstBroken int64  `json:"first_broken"`
			Reason      string `json:"reason"`
			Head        string `json:"head"`
		}
		e.Call("GET", "/api/v1/admin/audit/verify", nil, admin...).Expect(t, 200).JSON(t, &v)
		head, _ := audit.Head(context.Background(), e.DB)
		if !v.Intact || v.Events != 5 || v.FirstBroken != 0 || v.Head != head.String() {
			t.Fatalf("whole chain: %+v", v)
		}
		e.Call("GET", "/api/v1/admin/audit/verify", nil, agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		if _, err := e.DB.SQL().Exec(`UPDATE audit_events SET subject = 'acct-c' WHERE seq = 4`); err != nil {
			t.Fatal(err)
		}
		e.Call("GET", "/api/v1/admin/audit/verify", nil, admin...).Expect(t, 200).JSON(t, &v)
		if v.Intact || v.FirstBroken != 4 || v.Reason == "" {
			t.Fatalf("edited chain: %+v", v)
		}
	})
}
