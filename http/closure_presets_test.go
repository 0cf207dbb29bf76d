package http_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

func lastTemplate(t *testing.T, e *apitest.Env, to string) *purse.Message {
	t.Helper()
	ms := ct.Messages(t, e, to)
	if len(ms) == 0 {
		t.Fatalf("nothing sent to %s", to)
	}
	return ms[0]
}

// TestTenpayFlow: TP-2..TP-7: agreement tick, payment password (a wrong one first), SMS code,
// closed at once, the old login says closed, the phone registers anew.
func TestTenpayFlow(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := demoUser(t, e, "13800000000") // the clean demo account
		f := start(t, e, u)                // TP-2: the entrance
		if f.Policy != "tenpay" || f.Agreement == nil || !strings.Contains(f.Agreement.Text, "余额") {
			t.Fatalf("TP-3 agreement page: %+v", f)
		}
		f = post(t, e, u, f.ID, "agreement", map[string]any{"accept": true}, 200)
		f = post(t, e, u, f.ID, "rights", map[string]any{"confirm": true}, 200)
		if !slices.Equal(f.Factors.Required, []string{"payment_password", "sms_code"}) {
			t.Fatalf("factors %v", f.Factors.Required)
		}
		// TP-4: a wrong payment password counts and leaves the factor unpassed.
		p := e.Call("POST", "/api/v1/closures/"+f.ID+"/verification", map[string]any{"payment_password": "000001"}, u.Header()...).
			ExpectProblem(t, 422, "PAYMENT_PASSWORD_WRONG")
		if !strings.Contains(p.Detail, "4") {
			t.Fatalf("remaining tries not shown: %s", p.Detail)
		}
		f = ct.Decode(t, e.Call("GET", "/api/v1/closures/"+f.ID, nil, u.Header()...).Expect(t, 200))
		if len(f.Factors.Passed) != 0 || f.State != "verification" {
			t.Fatalf("after a wrong password: %+v", f)
		}
		f = post(t, e, u, f.ID, "verification", map[string]any{"payment_password": u.PaymentPassword}, 200)
		if !slices.Equal(f.Factors.Passed, []string{"payment_password"}) || f.State != "verification" {
			t.Fatalf("TP-4: %+v", f)
		}
		// TP-5: the SMS code.
		e.Call("POST", "/api/v1/closures/"+f.ID+"/codes", map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		f = post(t, e, u, f.ID, "verification", map[string]any{"sms_code": ct.Code(t, e, u.Phone)}, 200)
		if f.State != "review" {
			t.Fatalf("TP-5: %+v", f)
		}
		// TP-6: success, closed at once.
		f = post(t, e, u, f.ID, "submit", nil, 200)
		if f.State != "closed" {
			t.Fatalf("TP-6: %+v", f)
		}
		if m := lastTemplate(t, e, u.Phone); m.Template != "closure_closed" || m.Channel != purse.ChannelSMS {
			t.Fatalf("result notice %s by %s", m.Template, m.Channel)
		}
		expectClosed(t, e, u) // TP-6, TP-7
	}, ct.WithPolicy(t, "tenpay"))
}

// TestPostalFlow: PW-1..PW-4: SMS code and graphic captcha (a wrong answer first), the warning,
// closed within minutes and notified.
func TestPostalFlow(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := demoUser(t, e, "13800000000") // the clean demo account
		f := toVerification(t, e, u)       // PW-1, PW-3's warning is the agreement text
		if !slices.Equal(f.Factors.Required, []string{"sms_code", "captcha"}) {
			t.Fatalf("factors %v", f.Factors.Required)
		}
		var cap struct{ ID, Image, Answer string }
		e.Call("GET", "/api/v1/captcha", nil, u.Header()...).Expect(t, 200).JSON(t, &cap)
		if cap.ID == "" || !strings.HasPrefix(cap.Image, "iVBORw0KGgo") || len(cap.Answer) != 6 {
			t.Fatalf("captcha %+v", cap.ID)
		}
		wrong := "000000"
		if cap.Answer == wrong {
			wrong = "111111"
		}
		e.Call("POST", "/api/v1/closures/"+f.ID+"/verification", map[string]any{"captcha_id": cap.ID, "captcha_answer": wrong}, u.Header()...).
			ExpectProblem(t, 422, "CAPTCHA_INVALID")
		// Single use: the right answer no longer works on the same captcha.
		e.Call("POST", "/api/v1/closures/"+f.ID+"/verification", map[string]any{"captcha_id": cap.ID, "captcha_answer": cap.Answer}, u.Header()...).
			ExpectProblem(t, 422, "CAPTCHA_INVALID")
		// Another account's captcha never counts for this one.
		other := e.SignUp("")
		var foreign struct{ ID, Answer string }
		e.Call("GET", "/api/v1/captcha", nil, other.Header()...).Expect(t, 200).JSON(t, &foreign)
		e.Call("POST", "/api/v1/closures/"+f.ID+"/verification", map[string]any{"captcha_id": foreign.ID, "captcha_answer": foreign.Answer}, u.Header()...).
			ExpectProblem(t, 422, "CAPTCHA_INVALID")
		e.Call("GET", "/api/v1/captcha", nil, u.Header()...).Expect(t, 200).JSON(t, &cap)
		e.Call("POST", "/api/v1/closures/"+f.ID+"/codes", map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		f = post(t, e, u, f.ID, "verification", map[string]any{"captcha_id": cap.ID, "captcha_answer": cap.Answer,
			"sms_code": ct.Code(t, e, u.Phone)}, 200)
		if f.State != "review" {
			t.Fatalf("PW-2: %+v", f)
		}
		f = post(t, e, u, f.ID, "submit", nil, 200)
		if f.State != "closed" {
			t.Fatalf("PW-4: %+v", f)
		}
		if m := lastTemplate(t, e, u.Phone); m.Template != "closure_closed" {
			t.Fatalf("PW-4 notice: %s", m.Template)
		}
		expectClosed(t, e, u)
	}, ct.WithPolicy(t, "postal"))
}

// TestIMWalletFlow: IM-2: SMS code, terms, submit, then the e-mail link completes the closure;
// linked accounts and cards are unbound by it (IM-3).
func TestIMWalletFlow(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("im@example.com")
		card := ct.Card(t, e, u.ID)
		ct.Linked(t, e, u.ID, "https://social.example/hook")
		f := start(t, e, u)
		f = post(t, e, u, f.ID, "agreement", map[string]any{"accept": true}, 200)
		// AP-4: the rights page names the linked account that goes with this one.
		if f.State != "rights" || len(f.Rights.Linked) != 1 || !strings.Contains(f.Rights.Linked[0], "taobao") {
			t.Fatalf("rights page: %+v", f.Rights)
		}
		f = post(t, e, u, f.ID, "rights", map[string]any{"confirm": true}, 200)
		e.Call("POST", "/api/v1/closures/"+f.ID+"/codes", map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		f = post(t, e, u, f.ID, "verification", map[string]any{"sms_code": ct.Code(t, e, u.Phone)}, 200)
		if f.State != "email_confirmation" {
			t.Fatalf("IM-2 after the code: %+v", f)
		}
		link := lastTemplate(t, e, u.Email)
		if link.Template != "closure_link" || !strings.Contains(link.Body, "/closure/confirm?token=") {
			t.Fatalf("IM-2 e-mail: %s %s", link.Template, link.Body)
		}
		f = ct.Decode(t, e.Call("POST", "/api/v1/closures/confirm", map[string]any{"token": ct.Link(t, e, u.Email)}).Expect(t, 200))
		if f.State != "closed" {
			t.Fatalf("IM-2: the link did not complete the closure: %+v", f)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM cards WHERE id = ? AND status = 'unbound'`, card); n != 1 {
			t.Fatal("IM-3: card still bound")
		}
		if n := count(t, e, `SELECT COUNT(*) FROM linked_accounts WHERE account_id = ? AND status = 'linked'`, u.ID); n != 0 {
			t.Fatal("IM-3: linked account still linked")
		}
		if len(ct.Messages(t, e, "https://social.example/hook")) != 1 {
			t.Fatal("no webhook to the linked platform")
		}
		expectClosed(t, e, u) // IM-4
	}, ct.WithPolicy(t, "imwallet"))
}

// TestIMWalletFlowOnTheDemoAccount: the demo's e-mail account with a linked shop and a bound card
// closes by the e-mail link (IM-2), and both go with it (IM-3).
func TestIMWalletFlowOnTheDemoAccount(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := demoUser(t, e, "13800000013")
		f := start(t, e, u)
		f = post(t, e, u, f.ID, "agreement", map[string]any{"accept": true}, 200)
		if len(f.Rights.Linked) != 1 || !strings.Contains(f.Rights.Linked[0], "shop") {
			t.Fatalf("AP-4: the rights page does not name the shop: %+v", f.Rights)
		}
		f = post(t, e, u, f.ID, "rights", map[string]any{"confirm": true}, 200)
		e.Call("POST", "/api/v1/closures/"+f.ID+"/codes", map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		f = post(t, e, u, f.ID, "verification", map[string]any{"sms_code": ct.Code(t, e, u.Phone)}, 200)
		if f.State != "email_confirmation" {
			t.Fatalf("IM-2 after the code: %+v", f)
		}
		f = ct.Decode(t, e.Call("POST", "/api/v1/closures/confirm", map[string]any{"token": ct.Link(t, e, u.Email)}).Expect(t, 200))
		if f.State != "closed" {
			t.Fatalf("IM-2: %+v", f)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM cards WHERE account_id = ? AND status = 'bound'`, u.ID); n != 0 {
			t.Fatal("IM-3: the demo card is still bound")
		}
		if n := count(t, e, `SELECT COUNT(*) FROM linked_accounts WHERE account_id = ? AND status = 'linked'`, u.ID); n != 0 {
			t.Fatal("IM-3: the shop is still linked")
		}
		expectClosed(t, e, u)
	}, ct.WithPolicy(t, "imwallet"))
}

// TestAlipayFlow: AP-2..AP-8, with a failed second verification (AP-7) and the result by e-mail,
// else SMS (AP-5); the form differs by account kind (AP-6).
func TestAlipayFlow(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("ali@example.com")
		ct.Exec(t, e, `UPDATE accounts SET kind = 'verified' WHERE id = ?`, u.ID)
		f := toVerification(t, e, u)
		if !slices.Equal(f.Factors.Required, []string{"payment_password", "sms_code"}) {
			t.Fatalf("AP-6 verified: %v", f.Factors.Required)
		}
		e.Call("POST", "/api/v1/closures/"+f.ID+"/codes", map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		post(t, e, u, f.ID, "verification", map[string]any{"payment_password": u.PaymentPassword, "sms_code": ct.Code(t, e, u.Phone)}, 200)
		// Something changes between the first check and "Confirm closure": the second one fails.
		ct.Blocker(t, e, u.ID, purse.CodeAccountDisputed)
		p := e.Call("POST", "/api/v1/closures/"+f.ID+"/submit", nil, u.Header()...).ExpectProblem(t, 409, "CLOSURE_REVIEW_FAILED")
		if len(p.Blockers) != 1 || p.Blockers[0]["code"] != "ACCOUNT_DISPUTED" {
			t.Fatalf("AP-7 reasons %v", p.Blockers)
		}
		f = ct.Decode(t, e.Call("GET", "/api/v1/closures/"+f.ID, nil, u.Header()...).Expect(t, 200))
		if f.State != "failed" || ct.AccountStatus(t, e, u.ID) != purse.StatusActive {
			t.Fatalf("AP-7 failed page: %+v", f)
		}
		if m := lastTemplate(t, e, u.Email); m.Template != "closure_failed" || !strings.Contains(m.Body, "争议") {
			t.Fatalf("AP-5 failure by e-mail: %s %s", m.Template, m.Body)
		}
		// Resolved, a new application passes.
		ct.Exec(t, e, `UPDATE disputes SET status = 'resolved' WHERE account_id = ?`, u.ID)
		e.Clock.Advance(61e9)
		f = toVerification(t, e, u)
		e.Call("POST", "/api/v1/closures/"+f.ID+"/codes", map[string]any{"channel": "sms"}, u.Header()...).Expect(t, 201)
		post(t, e, u, f.ID, "verification", map[string]any{"payment_password": u.PaymentPassword, "sms_code": ct.Code(t, e, u.Phone)}, 200)
		f = post(t, e, u, f.ID, "submit", nil, 200)
		if f.State != "closed" {
			t.Fatalf("AP-7 success: %+v", f)
		}
		if m := lastTemplate(t, e, u.Email); m.Template != "closure_closed" || m.Channel != purse.ChannelEmail {
			t.Fatalf("AP-5 result by e-mail: %s", m.Template)
		}
		expectClosed(t, e, u)

		// AP-6: a mobile-only user without e-mail verifies by SMS alone and hears by SMS.
		m := demoUser(t, e, "13800000011") // the demo's unverified, mobile-only account
		f = toVerification(t, e, m)
		if !slices.Equal(f.Factors.Required, []string{"sms_code"}) {
			t.Fatalf("AP-6 mobile: %v", f.Factors.Required)
		}
		e.Call("POST", "/api/v1/closures/"+f.ID+"/codes", map[string]any{"channel": "sms"}, m.Header()...).Expect(t, 201)
		post(t, e, m, f.ID, "verification", map[string]any{"sms_code": ct.Code(t, e, m.Phone)}, 200)
		post(t, e, m, f.ID, "submit", nil, 200)
		if msg := lastTemplate(t, e, m.Phone); msg.Template != "closure_closed" || msg.Channel != purse.ChannelSMS {
			t.Fatalf("AP-5 result by SMS: %s", msg.Template)
		}
	}, ct.WithPolicy(t, "alipay"))
}
