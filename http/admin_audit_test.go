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
	NextChain int                `json:"next_chain"`
	NextAfter int64              `json:"next_after"`
}

func TestAdminAudit(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		// Creating the operator is itself audited (no subject). acct-a's events are in chain 12,
		// acct-b's and the operator's in chain 5: the log lists chain 5, then chain 12.
		agent := apitest.Auth(e.Operator("agent"))
		recordAudit(t, e, "acct-a", "acct-b", "acct-a", "acct-a", "acct-b")
		a, b := audit.ChainOf("acct-a"), audit.ChainOf("acct-b")
		if a != 12 || b != 5 || audit.ChainOf("") != 5 {
			t.Fatalf("chains %d and %d", a, b)
		}

		var all auditPage
		e.Call("GET", "/api/v1/admin/audit", nil, agent...).Expect(t, 200).JSON(t, &all)
		if len(all.Events) != 6 || all.NextAfter != 0 || all.Events[0].Chain != b || all.Events[0].Seq != 1 ||
			all.Events[2].Seq != 3 || all.Events[3].Chain != a || all.Events[5].Seq != 3 {
			t.Fatalf("all events: %+v", all)
		}
		if e0 := all.Events[3]; e0.Hash != audit.Hash(&e0) || e0.Data["i"] != "0" || e0.Action != "test.event" {
			t.Fatalf("acct-a's first event as served: %+v", e0)
		}

		// One subject, two pages.
		var p1, p2 auditPage
		e.Call("GET", "/api/v1/admin/audit?subject=acct-a&limit=2", nil, agent...).Expect(t, 200).JSON(t, &p1)
		if len(p1.Events) != 2 || p1.Events[0].Seq != 1 || p1.Events[1].Seq != 2 || p1.NextChain != a || p1.NextAfter != 2 {
			t.Fatalf("page 1: %+v", p1)
		}
		e.Call("GET", fmt.Sprintf("/api/v1/admin/audit?subject=acct-a&limit=2&chain=%d&after=%d", p1.NextChain, p1.NextAfter), nil, agent...).
			Expect(t, 200).JSON(t, &p2)
		if len(p2.Events) != 1 || p2.Events[0].Seq != 3 || p2.Events[0].Chain != a || p2.NextAfter != 0 {
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
			Intact      bool     `json:"intact"`
			Events      int64    `json:"events"`
			FirstBroken int64    `json:"first_broken"`
			Chain       int      `json:"chain"`
			Reason      string   `json:"reason"`
			Heads       []string `json:"heads"`
		}
		e.Call("GET", "/api/v1/admin/audit/verify", nil, admin...).Expect(t, 200).JSON(t, &v)
		heads, _ := audit.Heads(context.Background(), e.DB)
		if !v.Intact || v.Events != 5 || v.FirstBroken != 0 || len(v.Heads) != audit.Chains || v.Heads[12] != heads[12].String() {
			t.Fatalf("whole chains: %+v", v)
		}
		e.Call("GET", "/api/v1/admin/audit/verify", nil, agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		if _, err := e.DB.SQL().Exec(`UPDATE audit_events SET subject = 'acct-c' WHERE chain = 12 AND seq = 2`); err != nil {
			t.Fatal(err)
		}
		e.Call("GET", "/api/v1/admin/audit/verify", nil, admin...).Expect(t, 200).JSON(t, &v)
		if v.Intact || v.Chain != 12 || v.FirstBroken != 2 || v.Reason == "" {
			t.Fatalf("edited chain: %+v", v)
		}
	})
}
