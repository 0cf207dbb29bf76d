package http_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/approval"
	"github.com/purse-wallet/purse/audit"
)

// fourEyes is a test's cast: two admins (the maker and the checker), a reviewer and an agent.
type fourEyes struct {
	maker, checker, reviewer, agent []string
	makerID, checkerID              string
}

func newFourEyes(t *testing.T, e *apitest.Env) fourEyes {
	t.Helper()
	id := func(token string) string {
		o, err := e.App.Operators.Authenticate(context.Background(), token)
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	m, c := e.Operator("admin"), e.Operator("admin")
	return fourEyes{maker: apitest.Auth(m), checker: apitest.Auth(c), reviewer: apitest.Auth(e.Operator("reviewer")),
		agent: apitest.Auth(e.Operator("agent")), makerID: id(m), checkerID: id(c)}
}

// held asks for a value action that must answer 202 with a pending approval, and returns it.
func held(t *testing.T, r *apitest.Response) purse.Approval {
	t.Helper()
	var a purse.Approval
	r.Expect(t, 202).JSON(t, &a)
	if a.ID == "" || a.State != purse.ApprovalPending || !a.ExpiresAt.After(a.CreatedAt) {
		t.Fatalf("held answer = %+v", a)
	}
	return a
}

// Four eyes on value (issue 13): a grant at or below the threshold moves at once; above it the
// API answers 202 with the approval and nothing moves; the maker cannot approve it, nor can an
// agent or a reviewer; a second admin's approval moves the value exactly once, a second approval
// is refused, and both operators are in the audit chain. Before this change the 200,000-point grant
// answered 201 and one admin alone created the value.
func TestFourEyesOnGrants(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ops := newFourEyes(t, e)
		u := e.SignUp("")
		grant := func(amount int64) *apitest.Response {
			return e.Call("POST", "/api/v1/admin/points/grants", map[string]any{"account_id": u.ID, "amount": amount, "memo": "goodwill"}, ops.maker...)
		}
		grant(approval.DefaultThreshold).Expect(t, 201) // at the threshold: no second operator
		a := held(t, grant(approval.DefaultThreshold+1))
		if a.Kind != approval.KindPointsGrant || a.Amount != approval.DefaultThreshold+1 || a.Maker != "operator:"+ops.makerID || a.AccountID != u.ID {
			t.Fatalf("approval = %+v", a)
		}
		want := approval.DefaultThreshold
		if b := books(t, e, u); b["points/PTS"] != want {
			t.Fatalf("held grant moved value: %v", b)
		}
		var queue []purse.Approval
		e.Call("GET", "/api/v1/admin/approvals", nil, ops.agent...).Expect(t, 200).JSON(t, &queue)
		if len(queue) != 1 || queue[0].ID != a.ID {
			t.Fatalf("queue = %+v", queue)
		}

		path := "/api/v1/admin/approvals/" + a.ID
		e.Call("POST", path+"/approve", nil, ops.maker...).ExpectProblem(t, 403, "APPROVAL_SELF")
		e.Call("POST", path+"/approve", nil, ops.agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		e.Call("POST", path+"/approve", nil, ops.reviewer...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		e.Call("POST", path+"/reject", map[string]any{"reason": "no"}, ops.agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		if b := books(t, e, u); b["points/PTS"] != want {
			t.Fatalf("refused approvals moved value: %v", b)
		}
		// The service refuses the maker too, whoever calls it.
		if _, err := e.App.Approvals.Approve(context.Background(), "operator:"+ops.makerID, a.ID); purse.ErrorCode(err) != purse.CodeApprovalSelf {
			t.Fatalf("the maker approved in the service: %v", err)
		}

		var done purse.Approval
		e.Call("POST", path+"/approve", nil, ops.checker...).Expect(t, 200).JSON(t, &done)
		if done.State != purse.ApprovalApproved || done.Checker != "operator:"+ops.checkerID || done.Result == "" {
			t.Fatalf("approved = %+v", done)
		}
		want += a.Amount
		e.Call("POST", path+"/approve", nil, ops.checker...).ExpectProblem(t, 409, "APPROVAL_DECIDED")
		e.Call("POST", path+"/approve", nil, apitest.Auth(e.Operator("admin"))...).ExpectProblem(t, 409, "APPROVAL_DECIDED")
		e.Call("POST", path+"/reject", map[string]any{"reason": "late"}, ops.checker...).ExpectProblem(t, 409, "APPROVAL_DECIDED")
		if b := books(t, e, u); b["points/PTS"] != want {
			t.Fatalf("after approval points = %v, want %d once", b, want)
		}

		// Rejected: nothing moves, and it cannot be approved afterwards.
		r := held(t, e.Call("POST", "/api/v1/admin/stored/grants", map[string]any{"account_id": u.ID, "amount": 150_000}, ops.maker...))
		e.Call("POST", "/api/v1/admin/approvals/"+r.ID+"/reject", map[string]any{}, ops.checker...).Expect(t, 422)
		e.Call("POST", "/api/v1/admin/approvals/"+r.ID+"/reject", map[string]any{"reason": "   "}, ops.checker...).ExpectProblem(t, 422, "INVALID_REQUEST")
		var rej purse.Approval
		e.Call("POST", "/api/v1/admin/approvals/"+r.ID+"/reject", map[string]any{"reason": "no ticket for this"}, ops.checker...).
			Expect(t, 200).JSON(t, &rej)
		if rej.State != purse.ApprovalRejected || rej.Note != "no ticket for this" {
			t.Fatalf("rejected = %+v", rej)
		}
		e.Call("POST", "/api/v1/admin/approvals/"+r.ID+"/approve", nil, ops.checker...).ExpectProblem(t, 409, "APPROVAL_DECIDED")
		if b := books(t, e, u); b["stored/STV"] != 0 || b["points/PTS"] != want {
			t.Fatalf("rejected grant moved value: %v", b)
		}
		e.Call("GET", "/api/v1/admin/approvals", nil, ops.agent...).Expect(t, 200).JSON(t, &queue)
		if len(queue) != 0 {
			t.Fatalf("queue after decisions = %+v", queue)
		}

		// Both operators are in the audit chain.
		var asked, approved bool
		err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
			evs, err := tx.AuditEvents(context.Background(), u.ID, purse.AuditPos{}, 1000)
			for _, ev := range evs {
				switch {
				case ev.Action == audit.AdminApprovalRequest && ev.Data["approval"] == a.ID:
					asked = ev.Actor == "operator:"+ops.makerID
				case ev.Action == audit.AdminApprovalApprove && ev.Data["approval"] == a.ID:
					approved = ev.Actor == "operator:"+ops.checkerID && ev.Data["maker"] == "operator:"+ops.makerID
				}
			}
			return err
		})
		if err != nil || !asked || !approved {
			t.Fatalf("audit: asked %v approved %v (%v)", asked, approved, err)
		}
		sound(t, e)
	})
}

// Every kind of value action is held above the threshold and runs once on approval: a credit
// line, a coupon and a manual settlement of a withdrawal.
func TestFourEyesOnCreditCouponsAndSettlements(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ops := newFourEyes(t, e)
		u := e.SignUp("")
		approve := func(a purse.Approval) purse.Approval {
			var out purse.Approval
			e.Call("POST", "/api/v1/admin/approvals/"+a.ID+"/approve", nil, ops.checker...).Expect(t, 200).JSON(t, &out)
			e.Call("POST", "/api/v1/admin/approvals/"+a.ID+"/approve", nil, ops.checker...).ExpectProblem(t, 409, "APPROVAL_DECIDED")
			return out
		}

		line := held(t, e.Call("POST", "/api/v1/admin/credit-lines", map[string]any{"account_id": u.ID, "limit": 5_000_000}, ops.maker...))
		if r := e.Call("GET", "/api/v1/credit/line", nil, u.Header()...); r.Status == 200 {
			t.Fatalf("held credit line opened: %s", r.Body)
		}
		if got := approve(line); got.Result == "" {
			t.Fatalf("credit line approval = %+v", got)
		}
		var credit struct{ Limit int64 }
		e.Call("GET", "/api/v1/credit/line", nil, u.Header()...).Expect(t, 200).JSON(t, &credit)
		if credit.Limit != 5_000_000 {
			t.Fatalf("credit = %+v", credit)
		}

		coupons := "/api/v1/admin/accounts/" + u.ID + "/coupons"
		c := held(t, e.Call("POST", coupons, map[string]any{"title": "big", "amount": 200_000,
			"expires_at": e.Clock.Now().Add(48 * time.Hour).Format(time.RFC3339)}, ops.maker...))
		if n := len(list(t, e, "/api/v1/coupons", u.Header())); n != 0 {
			t.Fatalf("held coupon issued: %d", n)
		}
		approve(c)
		if n := len(list(t, e, "/api/v1/coupons", u.Header())); n != 1 {
			t.Fatalf("approved coupon issued %d times", n)
		}

		card := bindCard(t, e, u)
		topup(t, e, u, card, 300_000)
		w := withdraw(t, e, u, card, 200_000)
		s := held(t, e.Call("POST", "/api/v1/admin/withdrawals/"+w.ID+"/settle", nil, ops.maker...))
		var tx txBody
		e.Call("GET", "/api/v1/transactions/"+w.ID, nil, u.Header()...).Expect(t, 200).JSON(t, &tx)
		if tx.Status != "pending" {
			t.Fatalf("held settlement settled: %+v", tx)
		}
		approve(s)
		e.Call("GET", "/api/v1/transactions/"+w.ID, nil, u.Header()...).Expect(t, 200).JSON(t, &tx)
		if tx.Status != "settled" {
			t.Fatalf("approved settlement: %+v", tx)
		}
		sound(t, e)
	})
}

// A request expires after approval.Lifetime: the expiry job marks it, a decision is then refused
// with APPROVAL_EXPIRED (it answered APPROVAL_DECIDED once the job had run), it lists as expired,
// and nothing moved. The threshold is an admin's setting: lowering it applies at once, raising it (which
// loosens the control) waits for a second admin like a value action.
func TestFourEyesExpiryAndThreshold(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ops := newFourEyes(t, e)
		u := e.SignUp("")
		a := held(t, e.Call("POST", "/api/v1/admin/points/grants", map[string]any{"account_id": u.ID, "amount": 500_000}, ops.maker...))
		b := held(t, e.Call("POST", "/api/v1/admin/stored/grants", map[string]any{"account_id": u.ID, "amount": 500_000}, ops.maker...))
		e.Clock.Advance(approval.Lifetime)
		e.RunJobs() // the expiry job marks both expired in the store
		if err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
			list, err := tx.Approvals(context.Background(), purse.ApprovalExpired, 10)
			if err == nil && len(list) != 2 {
				t.Errorf("expired in the store after the job: %+v", list)
			}
			evs, err := tx.AuditEvents(context.Background(), u.ID, purse.AuditPos{}, 1000)
			n := 0
			for _, ev := range evs {
				if ev.Action == approval.ActionExpire && ev.Actor == "system:approvals" {
					n++
				}
			}
			if n != 2 {
				t.Errorf("%d expiries audited, want 2", n)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		e.Call("POST", "/api/v1/admin/approvals/"+a.ID+"/approve", nil, ops.checker...).ExpectProblem(t, 409, "APPROVAL_EXPIRED")
		e.Call("POST", "/api/v1/admin/approvals/"+b.ID+"/reject", map[string]any{"reason": "late"}, ops.checker...).ExpectProblem(t, 409, "APPROVAL_EXPIRED")
		var queue []purse.Approval
		e.Call("GET", "/api/v1/admin/approvals?state=expired", nil, ops.agent...).Expect(t, 200).JSON(t, &queue)
		if len(queue) != 2 || queue[0].State != purse.ApprovalExpired || queue[1].State != purse.ApprovalExpired {
			t.Fatalf("expired = %+v", queue)
		}
		if b := books(t, e, u); b["points/PTS"] != 0 {
			t.Fatalf("expired grant moved value: %v", b)
		}

		var th struct{ Above int64 }
		e.Call("GET", "/api/v1/admin/settings/four-eyes", nil, ops.agent...).Expect(t, 200).JSON(t, &th)
		if th.Above != approval.DefaultThreshold {
			t.Fatalf("default threshold = %d", th.Above)
		}
		e.Call("PUT", "/api/v1/admin/settings/four-eyes", map[string]any{"above": 0}, ops.reviewer...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		e.Call("PUT", "/api/v1/admin/settings/four-eyes", map[string]any{"above": 100}, ops.maker...).Expect(t, 200)
		held(t, e.Call("POST", "/api/v1/admin/points/grants", map[string]any{"account_id": u.ID, "amount": 101}, ops.maker...))

		raise := held(t, e.Call("PUT", "/api/v1/admin/settings/four-eyes", map[string]any{"above": 1_000_000_000_000}, ops.maker...))
		e.Call("GET", "/api/v1/admin/settings/four-eyes", nil, ops.agent...).Expect(t, 200).JSON(t, &th)
		if th.Above != 100 {
			t.Fatalf("a held raise applied: %d", th.Above)
		}
		e.Call("POST", "/api/v1/admin/approvals/"+raise.ID+"/approve", nil, ops.maker...).ExpectProblem(t, 403, "APPROVAL_SELF")
		e.Call("POST", "/api/v1/admin/approvals/"+raise.ID+"/approve", nil, ops.checker...).Expect(t, 200)
		e.Call("GET", "/api/v1/admin/settings/four-eyes", nil, ops.agent...).Expect(t, 200).JSON(t, &th)
		if th.Above != 1_000_000_000_000 {
			t.Fatalf("approved raise = %d", th.Above)
		}
		e.Call("POST", "/api/v1/admin/points/grants", map[string]any{"account_id": u.ID, "amount": 500_000}, ops.maker...).Expect(t, 201)
	})
}

// Checkers racing on one request (issue 13): several admins approve the same held grant at once;
// exactly one approval executes it, the others answer APPROVAL_DECIDED, and the value moves once.
func TestFourEyesConcurrentApprovalsExecuteOnce(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ops := newFourEyes(t, e)
		u := e.SignUp("")
		a := held(t, e.Call("POST", "/api/v1/admin/points/grants", map[string]any{"account_id": u.ID, "amount": 700_000}, ops.maker...))
		checkers := [][]string{ops.checker}
		for range 4 {
			checkers = append(checkers, apitest.Auth(e.Operator("admin")))
		}
		statuses := make(chan int, len(checkers))
		var wg sync.WaitGroup
		for _, c := range checkers {
			wg.Go(func() {
				statuses <- e.Call("POST", "/api/v1/admin/approvals/"+a.ID+"/approve", nil, c...).Status
			})
		}
		wg.Wait()
		close(statuses)
		got := map[int]int{}
		for s := range statuses {
			got[s]++
		}
		if got[200] != 1 || got[409] != len(checkers)-1 {
			t.Fatalf("answers = %v, want one 200 and the rest 409", got)
		}
		if b := books(t, e, u); b["points/PTS"] != 700_000 {
			t.Fatalf("points = %v, want 700000 once", b)
		}
		sound(t, e)
	})
}
