package http_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/certificate"
	ct "github.com/purse-wallet/purse/closuretest"
)

// start opens a closure flow and returns it.
func start(t *testing.T, e *apitest.Env, u *apitest.User, headers ...string) *ct.Flow {
	t.Helper()
	return ct.Decode(t, e.Call("POST", "/api/v1/closures", nil, append(u.Header(), headers...)...).Expect(t, 201))
}

// post calls a step of the flow and decodes the answer.
func post(t *testing.T, e *apitest.Env, u *apitest.User, id, step string, body any, want int) *ct.Flow {
	t.Helper()
	r := e.Call("POST", "/api/v1/closures/"+id+"/"+step, body, u.Header()...).Expect(t, want)
	return ct.Decode(t, r)
}

// toVerification takes a clean account from start to the verification step.
func toVerification(t *testing.T, e *apitest.Env, u *apitest.User) *ct.Flow {
	t.Helper()
	f := start(t, e, u)
	if f.State != "agreement" || f.Agreement == nil || f.Agreement.Text == "" {
		t.Fatalf("start: %+v", f)
	}
	f = post(t, e, u, f.ID, "agreement", map[string]any{"accept": true}, 200)
	if f.State != "rights" || f.Rights == nil || len(f.Rights.Lost) != 5 {
		t.Fatalf("agreement: %+v", f)
	}
	f = post(t, e, u, f.ID, "rights", map[string]any{"confirm": true}, 200)
	if f.State != "verification" {
		t.Fatalf("rights: %+v", f)
	}
	return f
}

func closeJob(t *testing.T, e *apitest.Env) int {
	t.Helper()
	n, err := e.App.Closures.CloseDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func expectClosed(t *testing.T, e *apitest.Env, u *apitest.User) {
	t.Helper()
	if st := ct.AccountStatus(t, e, u.ID); st != purse.StatusClosed {
		t.Fatalf("account %s, want closed", st)
	}
	// TP-6: the old credentials say the account is closed; the old session is revoked.
	e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).ExpectProblem(t, 403, "ACCOUNT_CLOSED")
	e.Call("GET", "/api/v1/me", nil, u.Header()...).ExpectProblem(t, 401, "UNAUTHENTICATED")
	// TP-7: the phone is free for a new account at once.
	body := map[string]any{"phone": u.Phone, "password": "another password", "payment_password": "246810"}
	if u.Email != "" {
		body["email"] = u.Email
	}
	e.Register(body).Expect(t, 201)
}

// TestStrictFlow: strict with cooling-off; the account can be kept, restored by support, and is
// closed by the job after the period (GE-4, PW-6).
func TestStrictFlow(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("strict@example.com")
		var el struct {
			Eligible bool `json:"eligible"`
		}
		e.Call("GET", "/api/v1/closure/eligibility", nil, u.Header()...).Expect(t, 200).JSON(t, &el)
		if !el.Eligible {
			t.Fatal("clean account not eligible")
		}
		f := start(t, e, u)
		ids := []string{f.ID}
		if f.Policy != "strict" || !f.Deadline.Equal(time.Date(2026, 3, 23, 23, 59, 59, 0, time.UTC)) {
			t.Fatalf("policy %s deadline %s (want the end of the 15th working day)", f.Policy, f.Deadline)
		}
		// A second start finds the first, and names it so the client can resume it.
		again := e.Call("POST", "/api/v1/closures", nil, u.Header()...)
		again.ExpectProblem(t, 409, "CLOSURE_IN_PROGRESS")
		if !strings.Contains(string(again.Body), `"id":"`+f.ID+`"`) {
			t.Fatalf("the conflict does not name the open request %s: %s", f.ID, again.Body)
		}
		// The tick is required (TP-3), and a step out of order is a conflict naming the state.
		e.Call("POST", "/api/v1/closures/"+f.ID+"/agreement", map[string]any{"accept": false}, u.Header()...).ExpectProblem(t, 422, "AGREEMENT_REQUIRED")
		p := e.Call("POST", "/api/v1/closures/"+f.ID+"/submit", nil, u.Header()...).ExpectProblem(t, 409, "CLOSURE_STATE_CONFLICT")
		if !strings.Contains(p.Detail, "agreement") {
			t.Fatalf("conflict does not name the state: %s", p.Detail)
		}
		f = post(t, e, u, f.ID, "agreement", map[string]any{"accept": true}, 200)
		f = post(t, e, u, f.ID, "rights", map[string]any{"confirm": true}, 200)
		if !slices.Equal(f.Factors.Required, []string{"payment_password", "sms_code", "email_link"}) {
			t.Fatalf("factors %v", f.Factors.Required)
		}
		e.Call("POST", "/api/v1/closures/"+f.ID+"/codes", map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		f = post(t, e, u, f.ID, "verification", map[string]any{"payment_password": u.PaymentPassword,
			"sms_code": ct.Code(t, e, u.Phone)}, 200)
		if f.State != "email_confirmation" {
			t.Fatalf("verification: %+v", f)
		}
		token := ct.Link(t, e, u.Email)
		f = ct.Decode(t, e.Call("POST", "/api/v1/closures/confirm", map[string]any{"token": token}).Expect(t, 200))
		if f.State != "review" {
			t.Fatalf("confirm: %+v", f)
		}
		// Single use.
		e.Call("POST", "/api/v1/closures/confirm", map[string]any{"token": token}).ExpectProblem(t, 422, "LINK_INVALID")
		f = post(t, e, u, f.ID, "submit", nil, 200)
		if f.State != "cooling_off" || ct.AccountStatus(t, e, u.ID) != purse.StatusClosing {
			t.Fatalf("submit: %+v", f)
		}
		// Keep my account: the user signs in during cooling-off and cancels.
		f = post(t, e, u, f.ID, "cancel", nil, 200)
		if f.State != "cancelled" || ct.AccountStatus(t, e, u.ID) != purse.StatusActive {
			t.Fatalf("keep: %+v", f)
		}
		e.Clock.Advance(8 * 24 * time.Hour)
		if n := closeJob(t, e); n != 0 {
			t.Fatalf("job closed %d after the user kept the account", n)
		}
		e.SignIn(u) // the week outlived the session

		// Again, restored by support this time.
		f = toVerification(t, e, u)
		ids = append(ids, f.ID)
		e.Call("POST", "/api/v1/closures/"+f.ID+"/codes", map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		post(t, e, u, f.ID, "verification", map[string]any{"payment_password": u.PaymentPassword, "sms_code": ct.Code(t, e, u.Phone)}, 200)
		e.Call("POST", "/api/v1/closures/confirm", map[string]any{"token": ct.Link(t, e, u.Email)}).Expect(t, 200)
		post(t, e, u, f.ID, "submit", nil, 200)
		agent := e.Operator("agent")
		reviewer := e.Operator("reviewer") // restoring is a review action (issue 13)
		var list struct {
			Closures []struct {
				ID       string `json:"id"`
				DaysLeft int    `json:"days_left"`
			} `json:"closures"`
		}
		e.Call("GET", "/api/v1/admin/closures", nil, apitest.Auth(agent)...).Expect(t, 200).JSON(t, &list)
		if len(list.Closures) != 1 || list.Closures[0].ID != f.ID || list.Closures[0].DaysLeft != 21 {
			t.Fatalf("admin list %+v", list)
		}
		restore := map[string]any{"reason": "the customer called back", "identity_check": "bound_phone_callback"}
		e.Call("POST", "/api/v1/admin/closures/"+f.ID+"/restore", map[string]any{"reason": "x"}, apitest.Auth(reviewer)...).
			ExpectProblem(t, 422, "INVALID_REQUEST") // no identity check: nothing moves
		f = ct.Decode(t, e.Call("POST", "/api/v1/admin/closures/"+f.ID+"/restore", restore, apitest.Auth(reviewer)...).Expect(t, 200))
		if f.State != "cancelled" || ct.AccountStatus(t, e, u.ID) != purse.StatusActive {
			t.Fatalf("restore: %+v", f)
		}
		e.Call("POST", "/api/v1/admin/closures/"+f.ID+"/restore", restore, apitest.Auth(reviewer)...).ExpectProblem(t, 409, "CLOSURE_STATE_CONFLICT")

		// Third time: the period passes and the job closes it.
		e.Clock.Advance(2 * time.Minute)
		f = toVerification(t, e, u)
		ids = append(ids, f.ID)
		card := ct.Card(t, e, u.ID)
		webhook := "https://taobao.example/hooks/closure"
		ct.Linked(t, e, u.ID, webhook)
		e.Call("POST", "/api/v1/closures/"+f.ID+"/codes", map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		post(t, e, u, f.ID, "verification", map[string]any{"payment_password": u.PaymentPassword, "sms_code": ct.Code(t, e, u.Phone)}, 200)
		e.Call("POST", "/api/v1/closures/confirm", map[string]any{"token": ct.Link(t, e, u.Email)}).Expect(t, 200)
		post(t, e, u, f.ID, "submit", nil, 200)
		remind := func() int {
			n, err := e.App.Closures.Remind(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := remind(); n != 0 {
			t.Fatalf("reminded %d days early", n)
		}
		e.Clock.Advance(6 * 24 * time.Hour)
		if n := remind(); n != 1 || remind() != 0 {
			t.Fatal("no reminder, or twice, a day before the end")
		}
		if m := ct.Messages(t, e, u.Email)[0]; m.Template != "closure_reminder" {
			t.Fatalf("reminder: %s", m.Template)
		}
		e.Clock.Advance(24*time.Hour - time.Second)
		if n := closeJob(t, e); n != 0 {
			t.Fatalf("closed %d before the period ended", n)
		}
		e.Clock.Advance(time.Second)
		if n := closeJob(t, e); n != 1 {
			t.Fatalf("job closed %d, want 1", n)
		}
		if n := closeJob(t, e); n != 0 {
			t.Fatalf("job not idempotent: closed %d more", n)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM cards WHERE id = ? AND status = 'unbound'`, card); n != 1 {
			t.Fatal("card still bound after closure")
		}
		hooks := ct.Messages(t, e, webhook)
		if len(hooks) != 1 || hooks[0].Channel != purse.ChannelWebhook || hooks[0].Data["event"] != "account.closed" {
			t.Fatalf("webhooks %+v", hooks)
		}
		result := ct.Messages(t, e, u.Email)
		if result[0].Template != "closure_closed" {
			t.Fatalf("last message to the user: %s", result[0].Template)
		}
		// The certificate it carries verifies against the key set the server publishes, and states
		// what this closure did: the one card unbound and the one linked account unlinked.
		keys, err := certificate.LoadKeySet(context.Background(), e.Server.URL+certificate.JWKSPath)
		if err != nil {
			t.Fatal(err)
		}
		st, _, err := certificate.Verify(keys, []byte(result[0].Data["certificate"]))
		if err != nil || st.ClosureID != f.ID || st.Policy != "strict" || st.Closed[2].Item != certificate.ItemCards ||
			st.Closed[2].Count != 1 || st.Closed[3].Count != 1 {
			t.Fatalf("certificate in the notice: %v %+v", err, st)
		}
		var cert []byte
		_ = e.DB.Read(context.Background(), func(tx purse.Tx) error {
			c, err := tx.Closure(context.Background(), f.ID, u.ID)
			if err == nil {
				cert = c.Certificate
			}
			return err
		})
		if len(cert) == 0 {
			t.Fatal("no certificate issued")
		}
		// Invariant 3: every transition of every request is in the audit chain.
		transitions, history := 0, 0
		_ = e.DB.Read(context.Background(), func(tx purse.Tx) error {
			evs, err := tx.AuditEvents(context.Background(), u.ID, purse.AuditPos{}, 1000)
			for _, ev := range evs {
				if ev.Action == "closure.transition" {
					transitions++
				}
			}
			return err
		})
		var open struct {
			Closures []struct{ ID string } `json:"closures"`
		}
		e.Call("GET", "/api/v1/admin/closures", nil, apitest.Auth(agent)...).Expect(t, 200).JSON(t, &open)
		if len(open.Closures) != 0 {
			t.Fatalf("closed requests still listed as open: %v", open.Closures)
		}
		_ = e.DB.Read(context.Background(), func(tx purse.Tx) error {
			for _, id := range ids {
				evs, err := tx.ClosureEvents(context.Background(), id)
				if err != nil {
					return err
				}
				history += len(evs) - 1 // the first line is the start, not a transition
			}
			return nil
		})
		if transitions == 0 || transitions != history {
			t.Fatalf("%d transitions audited, %d in the histories", transitions, history)
		}
		expectClosed(t, e, u)
	})
}

// A request whose cooling-off ended before the reminder job came round (the server was down, say)
// gets no "closing soon" reminder: it is left to the closing job, which closes it at once.
func TestNoReminderAfterTheEnd(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("late@example.com")
		f := toVerification(t, e, u)
		e.Call("POST", "/api/v1/closures/"+f.ID+"/codes", map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		post(t, e, u, f.ID, "verification", map[string]any{"payment_password": u.PaymentPassword, "sms_code": ct.Code(t, e, u.Phone)}, 200)
		e.Call("POST", "/api/v1/closures/confirm", map[string]any{"token": ct.Link(t, e, u.Email)}).Expect(t, 200)
		if f = post(t, e, u, f.ID, "submit", nil, 200); f.State != "cooling_off" {
			t.Fatalf("submit: %+v", f)
		}
		e.Clock.Advance(8 * 24 * time.Hour)
		if n, err := e.App.Closures.Remind(context.Background()); err != nil || n != 0 {
			t.Fatalf("reminded %d after the end (%v)", n, err)
		}
		if n := closeJob(t, e); n != 1 {
			t.Fatalf("job closed %d, want 1", n)
		}
		for _, m := range ct.Messages(t, e, u.Email) {
			if m.Template == "closure_reminder" {
				t.Fatal("a reminder went out after the end")
			}
		}
	})
}
