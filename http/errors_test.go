package http_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	purshttp "github.com/purse-wallet/purse/http"
)

// accountCount counts stored accounts, to prove that a refused request stored nothing.
func accountCount(t *testing.T, e *apitest.Env) int {
	t.Helper()
	n := 0
	err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		c, err := tx.CountAccounts(context.Background())
		for _, v := range c {
			n += v
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBadInputIsAClearProblemAndStoresNothing(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		good := `{"code":"123456","phone":"13912345678","password":"long enough","payment_password":"135790"}`
		cases := []struct {
			name, body, contentType string
			status                  int
			code                    string
		}{
			{"malformed JSON", `{"phone":`, "application/json", 400, "MALFORMED_JSON"},
			{"not an object", `[1,2,3]`, "application/json", 422, "INVALID_REQUEST"},
			{"unknown field", strings.Replace(good, "}", `,"admin":true}`, 1), "application/json", 422, "INVALID_REQUEST"},
			{"wrong type", `{"phone":13912345678,"password":"long enough","payment_password":"135790"}`, "application/json", 422, "INVALID_REQUEST"},
			{"missing field", `{"phone":"13912345678"}`, "application/json", 422, "INVALID_REQUEST"},
			{"invalid UTF-8", "{\"phone\":\"139\xff\xfe\",\"password\":\"long enough\",\"payment_password\":\"135790\"}", "application/json", 400, "MALFORMED_JSON"},
			{"deep nesting", strings.Repeat("[", 5000) + strings.Repeat("]", 5000), "application/json", 422, "INVALID_REQUEST"},
			{"huge body", `{"phone":"` + strings.Repeat("1", 70<<10) + `"}`, "application/json", 413, "BODY_TOO_LARGE"},
			{"form instead of JSON", "phone=1", "application/x-www-form-urlencoded", 415, "UNSUPPORTED_MEDIA_TYPE"},
			{"empty body", ``, "application/json", 422, "INVALID_REQUEST"},
			{"bad phone", strings.Replace(good, "13912345678", "12345", 1), "application/json", 422, "INVALID_PHONE"},
			{"bad e-mail", strings.Replace(good, "}", `,"email":"not-an-address"}`, 1), "application/json", 422, "INVALID_REQUEST"},
			{"short password", strings.Replace(good, "long enough", "short", 1), "application/json", 422, "PASSWORD_TOO_SHORT"},
			{"run PIN", strings.Replace(good, "135790", "123456", 1), "application/json", 422, "PAYMENT_PASSWORD_WEAK"},
			{"same-digit PIN", strings.Replace(good, "135790", "888888", 1), "application/json", 422, "PAYMENT_PASSWORD_WEAK"},
			{"letters in PIN", strings.Replace(good, "135790", "13579a", 1), "application/json", 422, "PAYMENT_PASSWORD_WEAK"},
		}
		for _, c := range cases {
			before := accountCount(t, e)
			res := e.Call("POST", "/api/v1/accounts", []byte(c.body), "Content-Type", c.contentType)
			p := res.ExpectProblem(t, c.status, c.code)
			if p.Detail == "" || p.Type == "" {
				t.Errorf("%s: problem without detail or type: %s", c.name, res.Body)
			}
			if after := accountCount(t, e); after != before {
				t.Errorf("%s: stored an account (%d → %d)", c.name, before, after)
			}
		}
	})
}

func TestAuthErrors(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.Call("GET", "/api/v1/me", nil).ExpectProblem(t, 401, "UNAUTHENTICATED")
		e.Call("GET", "/api/v1/me", nil, "Authorization", "Bearer pst_forged").ExpectProblem(t, 401, "UNAUTHENTICATED")
		e.Call("GET", "/api/v1/me", nil, "Authorization", "Basic dXNlcjpwYXNz").ExpectProblem(t, 401, "UNAUTHENTICATED")
		e.Call("GET", "/api/v1/nothing-here", nil).ExpectProblem(t, 404, "NOT_FOUND")
		res := e.Call("PUT", "/api/v1/me", nil)
		res.ExpectProblem(t, 405, "METHOD_NOT_ALLOWED")
		if res.Header.Get("Allow") != "GET" {
			t.Errorf("Allow = %q, want GET", res.Header.Get("Allow"))
		}
		// An operator token is no user session, and a user session opens no admin route.
		u := e.SignUp("")
		op := e.Operator("admin")
		e.Call("GET", "/api/v1/me", nil, apitest.Auth(op)...).ExpectProblem(t, 401, "UNAUTHENTICATED")
		e.Call("GET", "/api/v1/admin/anything", nil, u.Header()...).ExpectProblem(t, 401, "OPERATOR_UNAUTHENTICATED")
	})
}

// TestDuplicatesAndLanguages: a taken phone or e-mail is no longer answered PHONE_TAKEN or
// EMAIL_TAKEN (issue 14, see TestRegistrationDoesNotTellWhichPhonesExist): the holder of a taken
// phone is told by SMS in the account's language, "+86" and spaces name the same number, and a
// taken e-mail is left out of the new account and its holder told by e-mail.
func TestDuplicatesAndLanguages(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("dup@example.com")
		for _, phone := range []string{u.Phone, "+86 " + u.Phone[:3] + " " + u.Phone[3:]} {
			if code := e.RegistrationCode(phone); code != "" {
				t.Fatalf("a code was sent to a taken phone %q", phone)
			}
			msgs := messagesTo(t, e, u.Phone)
			if msgs[0].Template != "registration_attempt" || !strings.Contains(msgs[0].Body, "注册") {
				t.Fatalf("the holder was not told in Chinese: %s %q", msgs[0].Template, msgs[0].Body)
			}
			e.Call("POST", "/api/v1/accounts", map[string]any{"phone": phone, "password": "long enough",
				"payment_password": "135790", "code": "123456"}).ExpectProblem(t, 422, "OTP_INVALID")
		}
		phone := apitest.NextPhone()
		var a struct{ Email string }
		e.Register(map[string]any{"phone": phone, "email": "DUP@example.com", "password": "long enough",
			"payment_password": "135790"}).Expect(t, 201).JSON(t, &a)
		if a.Email != "" {
			t.Fatalf("the new account took another's e-mail %q", a.Email)
		}
		if msgs := messagesTo(t, e, "dup@example.com"); len(msgs) == 0 || msgs[0].Template != "registration_attempt_email" {
			t.Fatalf("the e-mail's holder was not told: %v", msgs)
		}
		p := e.Call("POST", "/api/v1/accounts", map[string]any{"phone": apitest.NextPhone(), "password": "long enough",
			"payment_password": "135790", "code": "123456"}, "Accept-Language", "en-GB,en;q=0.9").ExpectProblem(t, 422, "OTP_INVALID")
		if strings.ContainsAny(p.Detail, "验证码") {
			t.Errorf("English was asked for: %q", p.Detail)
		}
	})
}

func TestSignInLocksAfterFiveWrongPasswords(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		wrong := map[string]any{"login": u.Phone, "password": "wrong password"}
		for i := 0; i < 4; i++ {
			e.Call("POST", "/api/v1/sessions", wrong).ExpectProblem(t, 401, "LOGIN_FAILED")
		}
		res := e.Call("POST", "/api/v1/sessions", wrong)
		p := res.ExpectProblem(t, 423, "LOGIN_LOCKED")
		if p.RetryAfter != 900 || res.Header.Get("Retry-After") != "900" {
			t.Errorf("locked for %d s (header %q), want 900", p.RetryAfter, res.Header.Get("Retry-After"))
		}
		// Even the right password waits out the lock: the lock is what stops guessing.
		right := map[string]any{"login": u.Phone, "password": u.Password}
		e.Call("POST", "/api/v1/sessions", right).ExpectProblem(t, 423, "LOGIN_LOCKED")
		e.Clock.Advance(15*time.Minute + time.Second)
		e.Call("POST", "/api/v1/sessions", right).Expect(t, 201)
		// An unknown login fails the same way as a wrong password: no enumeration.
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": "13700000000", "password": "whatever1"}).
			ExpectProblem(t, 401, "LOGIN_FAILED")
	})
}

func TestClientVersionAndMaintenance(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		if err := e.App.HTTP.SetMinClientVersion(ctx, "3.2.0"); err != nil {
			t.Fatal(err)
		}
		p := e.Call("GET", "/api/v1/me", nil, "X-Client-Version", "3.1.9").ExpectProblem(t, 426, "APP_VERSION_OUTDATED")
		if !strings.Contains(p.Detail, "3.2.0") {
			t.Errorf("the minimum version is not named: %q", p.Detail)
		}
		e.Call("GET", "/api/v1/me", nil, "X-Client-Version", "garbage").ExpectProblem(t, 426, "APP_VERSION_OUTDATED")
		e.Call("GET", "/api/v1/me", nil, "X-Client-Version", "3.10").ExpectProblem(t, 401, "UNAUTHENTICATED")
		e.Call("GET", "/api/v1/me", nil).ExpectProblem(t, 401, "UNAUTHENTICATED") // no header: not judged

		until := e.Clock.Now().Add(30 * time.Minute)
		if err := e.App.HTTP.SetMaintenance(ctx, &purshttp.Maintenance{Notice: "数据库升级", Until: until}); err != nil {
			t.Fatal(err)
		}
		res := e.Call("POST", "/api/v1/accounts", map[string]any{"phone": "13912345678"})
		p = res.ExpectProblem(t, 503, "MAINTENANCE")
		if res.Header.Get("Retry-After") != "1800" || !strings.Contains(p.Detail, "数据库升级") {
			t.Errorf("maintenance answer lacks its notice or Retry-After: %q %s", res.Header.Get("Retry-After"), res.Body)
		}
		e.Call("GET", "/healthz", nil).Expect(t, 200)
		e.Call("GET", "/readyz", nil).Expect(t, 200)
		if err := e.App.HTTP.SetMaintenance(ctx, nil); err != nil {
			t.Fatal(err)
		}
		e.Call("GET", "/api/v1/me", nil).ExpectProblem(t, 401, "UNAUTHENTICATED")
	})
}

func TestReadiness(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	res := e.Call("GET", "/readyz", nil).Expect(t, 200)
	if !strings.Contains(string(res.Body), `"sqlite"`) {
		t.Errorf("readyz = %s", res.Body)
	}
	e.DB.Close()
	e.Call("GET", "/readyz", nil).ExpectProblem(t, http.StatusServiceUnavailable, "UNAVAILABLE")
}

// /readyz answers while a long job holds SQLite's one write connection (at start, the purge's
// checkpoint of a large WAL): it asked through the write pool, waited behind the job and answered
// 503 "context deadline exceeded" meanwhile (issue 17, during restarts).
func TestReadyWhileTheWriterIsBusy(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	held := make(chan struct{})
	release := make(chan struct{})
	go func() {
		_ = e.DB.Tx(context.Background(), func(purse.Tx) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	defer close(release)
	e.Call("GET", "/readyz", nil).Expect(t, 200)
}

// Work the server announced at start (demo seeding) keeps /readyz at 503 until it is done, and
// for good if it failed (issue 17).
func TestReadyAfterStartupWork(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	seeded := e.App.HTTP.Starting("demo seeding")
	failing := e.App.HTTP.Starting("warm-up")
	res := e.Call("GET", "/readyz", nil)
	if p := res.ExpectProblem(t, http.StatusServiceUnavailable, "UNAVAILABLE"); res.Header.Get("Retry-After") == "" {
		t.Errorf("unready without Retry-After: %+v", p)
	}
	seeded(nil)
	e.Call("GET", "/readyz", nil).ExpectProblem(t, http.StatusServiceUnavailable, "UNAVAILABLE")
	failing(errors.New("boom"))
	failing(nil) // a second call changes nothing
	e.Call("GET", "/readyz", nil).ExpectProblem(t, http.StatusServiceUnavailable, "UNAVAILABLE")

	e2 := apitest.New(t, "sqlite")
	done := e2.App.HTTP.Starting("demo seeding")
	e2.Call("GET", "/readyz", nil).ExpectProblem(t, http.StatusServiceUnavailable, "UNAVAILABLE")
	done(nil)
	e2.Call("GET", "/readyz", nil).Expect(t, 200)
}

func TestProblemTypesResolve(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	p := e.Call("GET", "/api/v1/me", nil).ExpectProblem(t, 401, "UNAUTHENTICATED")
	var doc struct {
		Code        string `json:"code"`
		Status      int    `json:"status"`
		Description string `json:"description"`
	}
	e.Call("GET", p.Type, nil, "Accept-Language", "en").Expect(t, 200).JSON(t, &doc)
	if doc.Code != "UNAUTHENTICATED" || doc.Status != 401 || doc.Description != "Please sign in first." {
		t.Fatalf("problem type document = %+v", doc)
	}
	e.Call("GET", "/problems/no-such-problem", nil).ExpectProblem(t, 404, "NOT_FOUND")
}
