package http_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/closure"
	ct "github.com/purse-wallet/purse/closuretest"
)

// TestOneTimeCodeErrors: GE-1 through HTTP: a bad code (with tries left), an expired code, a
// code out of tries, a resend too soon (Retry-After), the daily cap; and a code sent to one account
// never passes for another.
func TestOneTimeCodeErrors(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		f := toVerification(t, e, u)
		codes := "/api/v1/closures/" + f.ID + "/codes"
		verify := "/api/v1/closures/" + f.ID + "/verification"
		e.Call("POST", verify, map[string]any{"sms_code": "123456"}, u.Header()...).ExpectProblem(t, 422, "OTP_INVALID") // none sent
		e.Call("POST", codes, map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		// Resend too soon.
		r := e.Call("POST", codes, map[string]any{"channel": "sms"}, u.Header()...)
		r.ExpectProblem(t, 429, "OTP_RATE_LIMITED")
		if r.Header.Get("Retry-After") != "60" {
			t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
		}
		code := ct.Code(t, e, u.Phone)
		bad := "000000"
		if code == bad {
			bad = "999999"
		}
		p := e.Call("POST", verify, map[string]any{"sms_code": bad}, u.Header()...).ExpectProblem(t, 422, "OTP_INVALID")
		if !bytes.Contains([]byte(p.Detail), []byte("重新获取")) {
			t.Fatalf("GE-1: no offer to resend: %s", p.Detail)
		}
		// Expired after five minutes.
		e.Clock.Advance(5 * time.Minute)
		e.Call("POST", verify, map[string]any{"sms_code": code}, u.Header()...).ExpectProblem(t, 422, "OTP_EXPIRED")
		// A new code, and five wrong tries use it up: the right code then fails too.
		e.Call("POST", codes, map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		code = ct.Code(t, e, u.Phone)
		for i := 0; i < 5; i++ {
			e.Call("POST", verify, map[string]any{"sms_code": bad}, u.Header()...).ExpectProblem(t, 422, "OTP_INVALID")
		}
		e.Call("POST", verify, map[string]any{"sms_code": code}, u.Header()...).ExpectProblem(t, 422, "OTP_EXPIRED")
		// Another account's code never counts here, and its request is not found.
		v := e.SignUp("")
		g := toVerification(t, e, v)
		e.Call("POST", "/api/v1/closures/"+g.ID+"/codes", map[string]any{"channel": "sms"}, v.Header()...).Expect(t, 201)
		e.Clock.Advance(61 * time.Second)
		e.Call("POST", codes, map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		e.Call("POST", verify, map[string]any{"sms_code": ct.Code(t, e, v.Phone)}, u.Header()...).ExpectProblem(t, 422, "OTP_INVALID")
		e.Call("GET", "/api/v1/closures/"+g.ID, nil, u.Header()...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("POST", "/api/v1/closures/"+g.ID+"/cancel", nil, u.Header()...).ExpectProblem(t, 404, "NOT_FOUND")
		f = ct.Decode(t, e.Call("GET", "/api/v1/closures/"+f.ID, nil, u.Header()...).Expect(t, 200))
		if len(f.Factors.Passed) != 0 {
			t.Fatalf("a factor passed by mistake: %v", f.Factors.Passed)
		}
		// The daily cap: ten codes per account per day.
		for i := 0; i < 7; i++ { // 3 sent so far
			e.Clock.Advance(61 * time.Second)
			e.Call("POST", codes, map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		}
		e.Clock.Advance(61 * time.Second)
		r = e.Call("POST", codes, map[string]any{"channel": "sms"}, u.Header()...)
		r.ExpectProblem(t, 429, "OTP_RATE_LIMITED")
		if r.Header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After on the daily cap")
		}
		// E-mail codes are not asked of this account.
		e.Call("POST", codes, map[string]any{"channel": "email"}, u.Header()...).ExpectProblem(t, 422, "FACTOR_NOT_REQUIRED")
	}, ct.WithPolicy(t, "postal"))
}

// TestIdempotentRetry: GE-1 network retry: the same request with the same Idempotency-Key has one
// effect and one answer (DESIGN.md §4.4).
func TestIdempotentRetry(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		h := append(u.Header(), "Idempotency-Key", "start-1")
		a := e.Call("POST", "/api/v1/closures", nil, h...).Expect(t, 201)
		b := e.Call("POST", "/api/v1/closures", nil, h...).Expect(t, 201)
		if !bytes.Equal(a.Body, b.Body) {
			t.Fatalf("replay differs:\n%s\n%s", a.Body, b.Body)
		}
		f := ct.Decode(t, a)
		// One effect: a new key finds the request already open.
		e.Call("POST", "/api/v1/closures", nil, append(u.Header(), "Idempotency-Key", "start-2")...).ExpectProblem(t, 409, "CLOSURE_IN_PROGRESS")
		h = append(u.Header(), "Idempotency-Key", "agree-1")
		e.Call("POST", "/api/v1/closures/"+f.ID+"/agreement", map[string]any{"accept": true}, h...).Expect(t, 200)
		e.Call("POST", "/api/v1/closures/"+f.ID+"/agreement", map[string]any{"accept": true}, h...).Expect(t, 200)
		g := ct.Decode(t, e.Call("GET", "/api/v1/closures/"+f.ID, nil, u.Header()...).Expect(t, 200))
		n := 0
		for _, ev := range g.History {
			if ev["to"] == "eligibility" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("agreement took effect %d times", n)
		}
	})
}

// TestClientGates: GE-1 old client and maintenance reach the closure routes too.
func TestClientGates(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		e.Call("POST", "/api/v1/closures", nil, append(u.Header(), "X-Client-Version", "1.0.0")...).ExpectProblem(t, 426, "APP_VERSION_OUTDATED")
		e.Call("POST", "/api/v1/closures", nil, append(u.Header(), "X-Client-Version", "2.1.0")...).Expect(t, 201)
	}, func(c *app.Config) { c.HTTP.MinClientVersion = "2.0.0" })
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		r := e.Call("GET", "/api/v1/closure/eligibility", nil)
		r.ExpectProblem(t, 503, "MAINTENANCE")
		if r.Header.Get("Retry-After") == "" {
			t.Fatal("no Retry-After")
		}
	}, func(c *app.Config) { c.HTTP.Maintenance = "upgrading the ledger" })
}

// TestExpiry: an idle flow expires on resume, and an expired flow takes no step.
func TestExpiry(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		f := start(t, e, u)
		e.Clock.Advance(2*time.Hour + time.Second) // tenpay: two hours
		e.Call("POST", "/api/v1/closures/"+f.ID+"/agreement", map[string]any{"accept": true}, u.Header()...).ExpectProblem(t, 409, "CLOSURE_STATE_CONFLICT")
		f = ct.Decode(t, e.Call("GET", "/api/v1/closures/"+f.ID, nil, u.Header()...).Expect(t, 200))
		if f.State != "expired" {
			t.Fatalf("state %s", f.State)
		}
		// The list shows the user's own requests, newest first.
		var list struct {
			Closures []struct{ ID, State string } `json:"closures"`
		}
		e.Call("GET", "/api/v1/closures", nil, u.Header()...).Expect(t, 200).JSON(t, &list)
		if len(list.Closures) != 1 || list.Closures[0].ID != f.ID || list.Closures[0].State != "expired" {
			t.Fatalf("list %+v", list)
		}
		other := e.SignUp("")
		e.Call("GET", "/api/v1/closures", nil, other.Header()...).Expect(t, 200).JSON(t, &list)
		if len(list.Closures) != 0 {
			t.Fatalf("another account's requests listed: %+v", list)
		}
		// A new request can start; left idle, the job expires it without anyone coming back.
		g := start(t, e, u)
		e.Clock.Advance(2*time.Hour + time.Second)
		n, err := e.App.Closures.ExpireIdle(t.Context())
		if err != nil || n != 1 {
			t.Fatalf("expire job: %d %v", n, err)
		}
		if n, _ := e.App.Closures.ExpireIdle(t.Context()); n != 0 {
			t.Fatalf("expire job not idempotent: %d", n)
		}
		g = ct.Decode(t, e.Call("GET", "/api/v1/closures/"+g.ID, nil, u.Header()...).Expect(t, 200))
		if g.State != "expired" {
			t.Fatalf("idle request %s", g.State)
		}
		// A conflict carries the state and the next step as members, not only in the message.
		var pr struct {
			Extra map[string]string `json:"extra"`
		}
		e.Call("POST", "/api/v1/closures/"+g.ID+"/submit", nil, u.Header()...).JSON(t, &pr)
		if pr.Extra["state"] != "expired" || pr.Extra["next"] == "" {
			t.Fatalf("conflict extra %v", pr.Extra)
		}
	}, ct.WithPolicy(t, "tenpay"))
}

// TestManualReview: with manual review the request waits for a reviewer, who approves (the same
// second check, in the same transaction) or rejects; agents may not decide; every action audited.
func TestManualReview(t *testing.T) {
	t.Parallel()
	p, err := closure.Load("alipay")
	if err != nil {
		t.Fatal(err)
	}
	p.ManualReview = true
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		reviewer, agent := e.Operator("reviewer"), e.Operator("agent")
		for _, approve := range []bool{true, false} {
			u := e.SignUp("")
			f := toVerification(t, e, u)
			e.Call("POST", "/api/v1/closures/"+f.ID+"/codes", map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
			post(t, e, u, f.ID, "verification", map[string]any{"sms_code": ct.Code(t, e, u.Phone)}, 200)
			f = post(t, e, u, f.ID, "submit", nil, 200)
			if f.State != "review" || ct.AccountStatus(t, e, u.ID) != purse.StatusActive {
				t.Fatalf("submitted: %+v", f)
			}
			e.Call("POST", "/api/v1/closures/"+f.ID+"/submit", nil, u.Header()...).ExpectProblem(t, 409, "CLOSURE_STATE_CONFLICT")
			e.Call("POST", "/api/v1/admin/closures/"+f.ID+"/approve", nil, apitest.Auth(agent)...).ExpectProblem(t, 403, "ROLE_REQUIRED")
			if approve {
				f = ct.Decode(t, e.Call("POST", "/api/v1/admin/closures/"+f.ID+"/approve", nil, apitest.Auth(reviewer)...).Expect(t, 200))
				if f.State != "closed" {
					t.Fatalf("approved: %+v", f)
				}
				var cert []byte
				r := e.Call("GET", "/api/v1/admin/closures/"+f.ID+"/certificate", nil, apitest.Auth(agent)...).Expect(t, 200)
				cert = r.Body
				var key struct {
					PublicKey string `json:"public_key"`
				}
				e.Call("GET", "/api/v1/closure/public-key", nil).Expect(t, 200).JSON(t, &key)
				pub, err := certificate.ParsePublic(key.PublicKey)
				if err != nil {
					t.Fatal(err)
				}
				st, _, err := certificate.Verify(certificate.KeySet(pub), cert)
				if err != nil || st.AccountID != u.ID || st.Kept[1].Item != certificate.ItemRecords || !st.Kept[1].Until.Equal(st.ClosedAt.AddDate(5, 0, 0)) {
					t.Fatalf("certificate %v %+v", err, st)
				}
				// The same certificate, printable.
				pdf := e.Call("GET", "/api/v1/admin/closures/"+f.ID+"/certificate.pdf", nil, apitest.Auth(agent)...).Expect(t, 200)
				if pdf.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf.Body, []byte("%PDF-")) || len(pdf.Body) < 1000 {
					t.Fatalf("certificate PDF: %q, %d bytes", pdf.Header.Get("Content-Type"), len(pdf.Body))
				}
				e.Call("GET", "/api/v1/admin/closures/"+f.ID+"/certificate.pdf", nil, u.Header()...).ExpectProblem(t, 401, "OPERATOR_UNAUTHENTICATED")
				expectClosed(t, e, u)
			} else {
				f = ct.Decode(t, e.Call("POST", "/api/v1/admin/closures/"+f.ID+"/reject", map[string]any{"reason": "identity unclear"}, apitest.Auth(reviewer)...).Expect(t, 200))
				if f.State != "failed" || ct.AccountStatus(t, e, u.ID) != purse.StatusActive {
					t.Fatalf("rejected: %+v", f)
				}
			}
		}
		n := 0
		_ = e.DB.Read(t.Context(), func(tx purse.Tx) error {
			evs, err := tx.AuditEvents(t.Context(), "", purse.AuditPos{}, 1000)
			for _, ev := range evs {
				if ev.Action == "admin.closure.approve" || ev.Action == "admin.closure.reject" {
					n++
				}
			}
			return err
		})
		if n != 2 {
			t.Fatalf("%d admin decisions audited, want 2", n)
		}
	}, func(c *app.Config) { c.Policy = p })
}

// TestAdminClosureReadiness: support sees an account's blockers without a flow.
func TestAdminClosureReadiness(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		ct.Blocker(t, e, u.ID, purse.CodeCreditLineOpen)
		ct.Blocker(t, e, u.ID, purse.CodeEnvCertificateMissing) // support has no device: not a blocker here
		agent := e.Operator("agent")
		var el struct {
			Eligible bool             `json:"eligible"`
			Blockers []map[string]any `json:"blockers"`
		}
		e.Call("GET", "/api/v1/admin/accounts/"+u.ID+"/readiness", nil, apitest.Auth(agent)...).Expect(t, 200).JSON(t, &el)
		if el.Eligible || len(el.Blockers) != 1 || el.Blockers[0]["code"] != "CREDIT_LINE_OPEN" {
			t.Fatalf("readiness %+v", el)
		}
		e.Call("GET", "/api/v1/admin/accounts/"+purse.NewID()+"/readiness", nil, apitest.Auth(agent)...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("GET", "/api/v1/admin/accounts/"+u.ID+"/readiness", nil, u.Header()...).ExpectProblem(t, 401, "OPERATOR_UNAUTHENTICATED")
	})
}
