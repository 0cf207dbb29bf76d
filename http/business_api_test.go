package http_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/business"
)

// lastCode is the code in the newest SMS to phone.
func lastCode(t *testing.T, e *apitest.Env, phone string) string {
	t.Helper()
	msgs := messagesTo(t, e, phone)
	if len(msgs) == 0 || msgs[0].Data["Code"] == "" {
		t.Fatalf("no code sent to %s", phone)
	}
	if !strings.Contains(msgs[0].Body, msgs[0].Data["Code"]) {
		t.Fatalf("the SMS does not carry the code: %q", msgs[0].Body)
	}
	return msgs[0].Data["Code"]
}

// wrong returns a 6-digit code other than code.
func wrong(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

// me reads the account's phone.
func phoneOf(t *testing.T, e *apitest.Env, u *apitest.User) string {
	t.Helper()
	var me struct{ Phone string }
	e.Call("GET", "/api/v1/me", nil, u.Header()...).Expect(t, 200).JSON(t, &me)
	return me.Phone
}

// AP-8.7: a phone change is started, shows as business in progress, and completes with the code
// sent to the new phone; afterwards the account signs in with the new phone and the old one is free.
func TestPhoneChange(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u, other := e.SignUp(""), e.SignUp("")
		newPhone := apitest.NextPhone()
		e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": "12345"}, u.Header()...).ExpectProblem(t, 422, "INVALID_PHONE")
		e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": other.Phone}, u.Header()...).ExpectProblem(t, 409, "PHONE_TAKEN")
		e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": u.Phone}, u.Header()...).ExpectProblem(t, 409, "PHONE_TAKEN")
		if got := list(t, e, "/api/v1/business", u.Header()); len(got) != 0 {
			t.Fatalf("refused starts left %v", got)
		}
		if n := len(messagesTo(t, e, other.Phone)); n != 0 {
			t.Fatalf("a refused start sent %d messages", n)
		}

		var f struct{ ID, Kind, Status, Target string }
		e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": newPhone}, u.Header()...).Expect(t, 201).JSON(t, &f)
		if f.Kind != "phone_change" || f.Status != "pending" || f.Target != newPhone[:3]+"****"+newPhone[7:] {
			t.Fatalf("flow = %+v", f)
		}
		code := lastCode(t, e, newPhone)
		var o struct {
			Counts struct {
				PendingBusiness int `json:"pending_business"`
			}
		}
		e.Call("GET", "/api/v1/admin/accounts/"+u.ID, nil, apitest.Auth(e.Operator("agent"))...).Expect(t, 200).JSON(t, &o)
		if o.Counts.PendingBusiness != 1 {
			t.Fatalf("pending business = %d", o.Counts.PendingBusiness)
		}
		// Another account cannot see, confirm or cancel it.
		if len(list(t, e, "/api/v1/business", other.Header())) != 0 {
			t.Fatal("other sees the flow")
		}
		e.Call("POST", "/api/v1/business/"+f.ID+"/confirm", map[string]any{"code": code}, other.Header()...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("DELETE", "/api/v1/business/"+f.ID, nil, other.Header()...).ExpectProblem(t, 404, "NOT_FOUND")
		// A malformed code is refused before it spends a try.
		e.Call("POST", "/api/v1/business/"+f.ID+"/confirm", map[string]any{"code": "12ab"}, u.Header()...).ExpectProblem(t, 422, "INVALID_REQUEST")
		if got := list(t, e, "/api/v1/business", u.Header()); got[0]["attempts"] != float64(0) || got[0]["status"] != "pending" {
			t.Fatalf("after refused confirms: %v", got)
		}

		e.Call("POST", "/api/v1/business/"+f.ID+"/confirm", map[string]any{"code": code}, u.Header()...).Expect(t, 200)
		if got := phoneOf(t, e, u); got != newPhone {
			t.Fatalf("phone = %s, want %s", got, newPhone)
		}
		if s := statuses(list(t, e, "/api/v1/business", u.Header())); !slices.Equal(s, []string{"completed"}) {
			t.Fatalf("statuses = %v", s)
		}
		// The new phone signs in; the old one is free and was told of the change.
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": newPhone, "password": u.Password}).Expect(t, 201)
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).ExpectProblem(t, 401, "LOGIN_FAILED")
		if msgs := messagesTo(t, e, u.Phone); len(msgs) != 1 || msgs[0].Template != "phone_changed" {
			t.Fatalf("old phone messages = %v", msgs)
		}
		// A used code does not work twice.
		e.Call("POST", "/api/v1/business/"+f.ID+"/confirm", map[string]any{"code": code}, u.Header()...).ExpectProblem(t, 422, "OTP_EXPIRED")
		acts := auditActions(t, e, u.ID)
		if !slices.Contains(acts, "business.phone_change.start") || !slices.Contains(acts, "business.phone_change.complete") {
			t.Fatalf("audit = %v", acts)
		}
	})
}

// Wrong codes count, the fifth ends the flow, and nothing of the account changes.
func TestPhoneChangeWrongCodes(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		newPhone := apitest.NextPhone()
		id := idOf(t, e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": newPhone}, u.Header()...).Expect(t, 201))
		code := lastCode(t, e, newPhone)
		for i := 1; i < business.MaxAttempts; i++ {
			p := e.Call("POST", "/api/v1/business/"+id+"/confirm", map[string]any{"code": wrong(code)}, append(u.Header(), "Accept-Language", "en")...).ExpectProblem(t, 422, "OTP_INVALID")
			if want := fmt.Sprintf("%d tries left", business.MaxAttempts-i); !strings.Contains(p.Detail, want) {
				t.Fatalf("detail %q lacks %q", p.Detail, want)
			}
			if got := list(t, e, "/api/v1/business", u.Header()); got[0]["attempts"] != float64(i) || got[0]["status"] != "pending" {
				t.Fatalf("after %d wrong codes: %v", i, got)
			}
		}
		e.Call("POST", "/api/v1/business/"+id+"/confirm", map[string]any{"code": wrong(code)}, u.Header()...).ExpectProblem(t, 422, "OTP_EXPIRED")
		// Even the right code is refused now.
		e.Call("POST", "/api/v1/business/"+id+"/confirm", map[string]any{"code": code}, u.Header()...).ExpectProblem(t, 422, "OTP_EXPIRED")
		if got := phoneOf(t, e, u); got != u.Phone {
			t.Fatalf("phone changed to %s", got)
		}
		if s := statuses(list(t, e, "/api/v1/business", u.Header())); !slices.Equal(s, []string{"expired"}) {
			t.Fatalf("statuses = %v", s)
		}
	})
}

// An expired code is refused; a resend (after the cool-down) gives a working one; the flow itself
// expires after a day and stops counting as business in progress.
func TestPhoneChangeExpiryAndResend(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		newPhone := apitest.NextPhone()
		id := idOf(t, e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": newPhone}, u.Header()...).Expect(t, 201))
		first := lastCode(t, e, newPhone)
		p := e.Call("POST", "/api/v1/business/"+id+"/code", nil, u.Header()...).ExpectProblem(t, 429, "OTP_RATE_LIMITED")
		if p.RetryAfter <= 0 {
			t.Fatalf("no Retry-After: %+v", p)
		}
		if n := len(messagesTo(t, e, newPhone)); n != 1 {
			t.Fatalf("a refused resend sent: %d messages", n)
		}
		e.Clock.Advance(business.CodeLifetime)
		e.Call("POST", "/api/v1/business/"+id+"/confirm", map[string]any{"code": first}, u.Header()...).ExpectProblem(t, 422, "OTP_EXPIRED")
		if got := phoneOf(t, e, u); got != u.Phone {
			t.Fatal("an expired code changed the phone")
		}
		if got := list(t, e, "/api/v1/business", u.Header()); got[0]["status"] != "pending" || got[0]["attempts"] != float64(0) {
			t.Fatalf("after an expired code: %v", got)
		}
		e.Call("POST", "/api/v1/business/"+id+"/code", nil, u.Header()...).Expect(t, 200)
		second := lastCode(t, e, newPhone)
		if first != second {
			e.Call("POST", "/api/v1/business/"+id+"/confirm", map[string]any{"code": first}, u.Header()...).ExpectProblem(t, 422, "OTP_INVALID")
		}
		e.Clock.Advance(business.FlowLifetime)
		e.Call("POST", "/api/v1/business/"+id+"/confirm", map[string]any{"code": second}, u.Header()...).ExpectProblem(t, 422, "OTP_EXPIRED")
		if s := statuses(list(t, e, "/api/v1/business", u.Header())); !slices.Equal(s, []string{"expired"}) {
			t.Fatalf("statuses = %v", s)
		}
		if got := phoneOf(t, e, u); got != u.Phone {
			t.Fatal("an expired flow changed the phone")
		}
	})
}

// The new phone taken by someone else between start and confirm: refused, nothing changes, and the
// user can cancel the flow; a new start supersedes a pending one.
func TestPhoneChangeTakenMeanwhileAndCancel(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		newPhone := apitest.NextPhone()
		first := idOf(t, e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": apitest.NextPhone()}, u.Header()...).Expect(t, 201))
		id := idOf(t, e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": newPhone}, u.Header()...).Expect(t, 201))
		if s := statuses(list(t, e, "/api/v1/business", u.Header())); !slices.Equal(s, []string{"pending", "cancelled"}) {
			t.Fatalf("a new start did not supersede: %v", s)
		}
		e.Call("POST", "/api/v1/business/"+first+"/confirm", map[string]any{"code": "123456"}, u.Header()...).ExpectProblem(t, 422, "OTP_EXPIRED")
		code := lastCode(t, e, newPhone)
		e.Register(map[string]any{"phone": newPhone, "password": "another password", "payment_password": "135790"}).Expect(t, 201)
		e.Call("POST", "/api/v1/business/"+id+"/confirm", map[string]any{"code": code}, u.Header()...).ExpectProblem(t, 409, "PHONE_TAKEN")
		if got := phoneOf(t, e, u); got != u.Phone {
			t.Fatal("phone changed to a taken number")
		}
		var f struct{ Status string }
		e.Call("DELETE", "/api/v1/business/"+id, nil, u.Header()...).Expect(t, 200).JSON(t, &f)
		if f.Status != "cancelled" {
			t.Fatalf("cancel answered %q", f.Status)
		}
		if s := statuses(list(t, e, "/api/v1/business", u.Header())); !slices.Equal(s, []string{"cancelled", "cancelled"}) {
			t.Fatalf("statuses = %v", s)
		}
		e.Call("DELETE", "/api/v1/business/"+id, nil, u.Header()...).Expect(t, 200)
	})
}

// Password recovery: signed out, by login, with no way to tell whether the login exists; the code
// goes to the account's phone; confirming sets the password and signs every session out.
func TestPasswordRecovery(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("rec@example.com")
		unknown := apitest.NextPhone()
		var a, b map[string]any
		e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": unknown}).Expect(t, 202).JSON(t, &a)
		e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": "rec@example.com"}).Expect(t, 202).JSON(t, &b)
		if a["status"] != b["status"] || len(a) != len(b) {
			t.Fatalf("answers differ: %v vs %v", a, b)
		}
		if n := len(messagesTo(t, e, unknown)); n != 0 {
			t.Fatalf("a message went to an unknown login: %d", n)
		}
		code := lastCode(t, e, u.Phone)
		if s := statuses(list(t, e, "/api/v1/business", u.Header())); !slices.Equal(s, []string{"pending"}) {
			t.Fatalf("recovery not in progress: %v", s)
		}

		confirm := func(login, code, pw string) *apitest.Response {
			return e.Call("POST", "/api/v1/business/password-recovery/confirm", map[string]any{"login": login, "code": code, "new_password": pw})
		}
		confirm(unknown, code, "brand new password").ExpectProblem(t, 422, "OTP_INVALID")
		confirm(u.Phone, code, "short").ExpectProblem(t, 422, "PASSWORD_TOO_SHORT")
		confirm(u.Phone, wrong(code), "brand new password").ExpectProblem(t, 422, "OTP_INVALID")
		// Nothing changed: the old password and session still work.
		e.Call("GET", "/api/v1/me", nil, u.Header()...).Expect(t, 200)
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).Expect(t, 201)

		confirm(u.Phone, code, "brand new password").Expect(t, 204)
		e.Call("GET", "/api/v1/me", nil, u.Header()...).ExpectProblem(t, 401, "UNAUTHENTICATED")
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).ExpectProblem(t, 401, "LOGIN_FAILED")
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": "brand new password"}).Expect(t, 201)
		confirm(u.Phone, code, "another new password").ExpectProblem(t, 422, "OTP_INVALID")
		if msgs := messagesTo(t, e, u.Phone); msgs[0].Template != "password_recovered" {
			t.Fatalf("newest message = %s", msgs[0].Template)
		}
		for _, m := range messagesTo(t, e, u.Phone) {
			if strings.Contains(m.Body, "brand new password") {
				t.Fatal("a message carries the password")
			}
		}
	})
}

// A user can cancel a recovery someone started, which is the remedy when it blocks a closure.
func TestPasswordRecoveryCancelledByUser(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": u.Phone}).Expect(t, 202)
		code := lastCode(t, e, u.Phone)
		items := list(t, e, "/api/v1/business", u.Header())
		if len(items) != 1 || items[0]["kind"] != "password_recovery" {
			t.Fatalf("business = %v", items)
		}
		e.Call("POST", "/api/v1/business/"+items[0]["id"].(string)+"/confirm", map[string]any{"code": code}, u.Header()...).ExpectProblem(t, 409, "BUSINESS_KIND_MISMATCH")
		e.Call("DELETE", "/api/v1/business/"+items[0]["id"].(string), nil, u.Header()...).Expect(t, 200)
		e.Call("POST", "/api/v1/business/password-recovery/confirm", map[string]any{"login": u.Phone, "code": code, "new_password": "brand new password"}).ExpectProblem(t, 422, "OTP_INVALID")
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).Expect(t, 201)
	})
}

// The daily cap stops SMS pumping without telling the caller anything.
func TestPasswordRecoveryDailyCap(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		for i := 0; i < business.DailySends+3; i++ {
			e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": u.Phone}).Expect(t, 202)
		}
		if n := len(messagesTo(t, e, u.Phone)); n != business.DailySends {
			t.Fatalf("%d messages sent, cap %d", n, business.DailySends)
		}
	})
}

// Every refusal of a recovery code looks the same, whether the login exists or not; the tries
// still count and an expired code still fails, and nothing changes.
func TestPasswordRecoveryNoEnumeration(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		unknown := apitest.NextPhone()
		confirm := func(login, code string) apitest.Problem {
			return e.Call("POST", "/api/v1/business/password-recovery/confirm",
				map[string]any{"login": login, "code": code, "new_password": "brand new password"}).ExpectProblem(t, 422, "OTP_INVALID")
		}
		e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": u.Phone}).Expect(t, 202)
		e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": unknown}).Expect(t, 202)
		code := lastCode(t, e, u.Phone)
		if a, b := confirm(unknown, wrong(code)), confirm(u.Phone, wrong(code)); a.Detail != b.Detail {
			t.Fatalf("answers differ: %q vs %q", a.Detail, b.Detail)
		}
		for i := 2; i <= business.MaxAttempts; i++ {
			confirm(u.Phone, wrong(code))
		}
		if got := list(t, e, "/api/v1/business", u.Header()); got[0]["status"] != "expired" || got[0]["attempts"] != float64(business.MaxAttempts) {
			t.Fatalf("after %d wrong codes: %v", business.MaxAttempts, got)
		}
		confirm(u.Phone, code) // exhausted: the right code no longer works
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).Expect(t, 201)

		e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": u.Phone}).Expect(t, 202)
		code = lastCode(t, e, u.Phone)
		e.Clock.Advance(business.CodeLifetime)
		confirm(u.Phone, code) // expired
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).Expect(t, 201)
		e.Call("GET", "/api/v1/me", nil, u.Header()...).Expect(t, 200)
	})
}

// Starting a recovery takes the same floor of time for a known and an unknown login.
func TestPasswordRecoveryTimeFloor(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	u := e.SignUp("")
	for _, login := range []string{u.Phone, apitest.NextPhone()} {
		start := time.Now()
		e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": login}).Expect(t, 202)
		if d := time.Since(start); d < business.DefaultRecoveryFloor {
			t.Fatalf("%s answered in %v, under the floor %v", login, d, business.DefaultRecoveryFloor)
		}
	}
}
