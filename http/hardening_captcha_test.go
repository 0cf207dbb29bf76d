package http_test

import (
	"testing"

	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// TestCaptchaIsUsedByTheFirstVerification (PW-2, issue 14): a captcha is used up by the first
// verification that presents it, passed or failed, whatever else fails in it. Before, a
// verification that failed on its SMS code never looked at the captcha, which stayed valid, and
// a captcha fetched signed out could then pass another account's closure.
func TestCaptchaIsUsedByTheFirstVerification(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		captcha := func() (id, answer string) {
			var c struct{ ID, Answer string }
			e.Call("GET", "/api/v1/captcha", nil).Expect(t, 200).JSON(t, &c) // signed out: for anyone
			if c.Answer == "" {
				t.Fatal("the test server does not show captcha answers")
			}
			return c.ID, c.Answer
		}
		a, b := e.SignUp(""), e.SignUp("")
		fa, fb := toVerification(t, e, a), toVerification(t, e, b)
		verify := func(u *apitest.User, id string, body map[string]any) *apitest.Response {
			return e.Call("POST", "/api/v1/closures/"+id+"/verification", body, u.Header()...)
		}

		// A's verification fails on a wrong SMS code; the right captcha answer it carried is spent.
		id, answer := captcha()
		e.Call("POST", "/api/v1/closures/"+fa.ID+"/codes", map[string]any{"channel": "sms"}, a.Header()...).Expect(t, 201)
		verify(a, fa.ID, map[string]any{"sms_code": wrong(ct.Code(t, e, a.Phone)), "captcha_id": id, "captcha_answer": answer}).
			ExpectProblem(t, 422, "OTP_INVALID")
		e.Call("POST", "/api/v1/closures/"+fb.ID+"/codes", map[string]any{"channel": "sms"}, b.Header()...).Expect(t, 201)
		verify(b, fb.ID, map[string]any{"sms_code": ct.Code(t, e, b.Phone), "captcha_id": id, "captcha_answer": answer}).
			ExpectProblem(t, 422, "CAPTCHA_INVALID")
		verify(a, fa.ID, map[string]any{"sms_code": ct.Code(t, e, a.Phone), "captcha_id": id, "captcha_answer": answer}).
			ExpectProblem(t, 422, "CAPTCHA_INVALID")

		// A captcha that passed A's verification does not pass B's.
		id, answer = captcha()
		if f := post(t, e, a, fa.ID, "verification", map[string]any{"sms_code": ct.Code(t, e, a.Phone), "captcha_id": id, "captcha_answer": answer}, 200); f.State != "review" {
			t.Fatalf("A after its factors: %s", f.State)
		}
		verify(b, fb.ID, map[string]any{"captcha_id": id, "captcha_answer": answer}).ExpectProblem(t, 422, "CAPTCHA_INVALID")

		// A verification refused for its state (A is past verification) still uses the captcha.
		id, answer = captcha()
		verify(a, fa.ID, map[string]any{"captcha_id": id, "captcha_answer": answer}).ExpectProblem(t, 409, "CLOSURE_STATE_CONFLICT")
		verify(b, fb.ID, map[string]any{"captcha_id": id, "captcha_answer": answer}).ExpectProblem(t, 422, "CAPTCHA_INVALID")

		// A fresh one passes B.
		id, answer = captcha()
		if f := post(t, e, b, fb.ID, "verification", map[string]any{"captcha_id": id, "captcha_answer": answer}, 200); f.State != "review" {
			t.Fatalf("B: %s", f.State)
		}
	}, ct.WithPolicy(t, "postal"))
}
