package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

func countAccounts(t *testing.T, e *apitest.Env) int {
	t.Helper()
	n := 0
	err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		m, err := tx.CountAccounts(context.Background())
		for _, c := range m {
			n += c
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	c := newClient(t, e)
	p := c.get("/signin").expect(t, 200)
	csp := p.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	for h, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
		"Cache-Control": "no-store", "Referrer-Policy": "same-origin"} {
		if got := p.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if strings.Contains(p.Body, "<script>") || strings.Contains(p.Body, " onclick=") || strings.Contains(p.Body, "style=") {
		t.Error("page has inline script, handler or style")
	}
	for _, h := range []string{"http://", "https://"} {
		if strings.Contains(p.Body, `src="`+h) || strings.Contains(p.Body, `href="`+h) {
			t.Errorf("page links a foreign resource (%s)", h)
		}
	}
	js := c.get("/static/htmx.min.js").expect(t, 200, `version:"2.0.11"`)
	if ct := js.Header.Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("htmx served as %q", ct)
	}
	c.get("/static/").expect(t, 404)
	// Session and CSRF cookies: HttpOnly, SameSite=Lax.
	for _, sc := range p.Header.Values("Set-Cookie") {
		if !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
			t.Errorf("cookie %q is not HttpOnly and SameSite=Lax", sc)
		}
	}
}

// Every form post without its CSRF token is refused and changes nothing.
func TestCSRFRequired(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		c.get("/register")
		form := url.Values{"phone": {apitest.NextPhone()}, "password": {"correct horse"},
			"password2": {"correct horse"}, "payment_password": {"135790"}}
		c.do("POST", "/register", form).expect(t, 403, "页面已过期")
		form.Set("csrf", strings.Repeat("0", 64))
		c.do("POST", "/register", form).expect(t, 403)
		if n := countAccounts(t, e); n != 0 {
			t.Fatalf("%d accounts after refused posts", n)
		}
		// A token of another browser does not fit this one's cookie.
		other := newClient(t, e)
		form.Set("csrf", other.token("/register"))
		c.do("POST", "/register", form).expect(t, 403)
		if n := countAccounts(t, e); n != 0 {
			t.Fatalf("%d accounts after a foreign token", n)
		}
	})
}

func TestRegisterErrorsKeepTheForm(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		p := c.post("/register", "/register", url.Values{"phone": {"12345"}, "password": {"correct horse"},
			"password2": {"correct horse"}, "payment_password": {"135790"}, "name": {"李雷"}})
		p.expect(t, 422, `id="e-phone"`, "请输入有效的手机号码", `value="李雷"`, `aria-invalid="true"`)
		if strings.Contains(p.Body, "correct horse") {
			t.Fatal("the password was echoed back")
		}
		c.post("/register", "/register", url.Values{"phone": {apitest.NextPhone()}, "password": {"correct horse"},
			"password2": {"other horse!"}, "payment_password": {"135790"}}).expect(t, 422, "两次输入的登录密码不一致")
		c.post("/register", "/register", url.Values{"phone": {apitest.NextPhone()}, "password": {"correct horse"},
			"password2": {"correct horse"}, "payment_password": {"123456"}}).expect(t, 422, `id="e-payment_password"`)
		if n := countAccounts(t, e); n != 0 {
			t.Fatalf("%d accounts after refused registrations", n)
		}
	})
}

func TestPagesNeedSignIn(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	c := newClient(t, e).noRedirects()
	for _, path := range []string{"/", "/settings", "/service", "/service/self", "/closure?from=settings"} {
		p := c.get(path)
		if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/signin?next="+url.QueryEscape(path) {
			t.Errorf("%s: %d to %q", path, p.Status, p.Header.Get("Location"))
		}
	}
	c.get("/help").expect(t, 200, "注销后还能恢复账户吗")
}

// Sign-in answers: wrong password, the lock with its end (issue 2), a closed account with the way
// to register anew (TP-6, TP-7), and no open redirect through next.
func TestSignInAnswers(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		u := e.SignUp("")
		c := newClient(t, e).noRedirects()
		signIn := func(password, next string) *page {
			return c.post("/signin", "/signin", url.Values{"login": {u.Phone}, "password": {password}, "next": {next}})
		}
		signIn("wrong password", "").expect(t, 401, "账号或密码错误", `value="`+u.Phone+`"`)
		p := signIn(u.Password, "//evil.example/")
		if p.Status != 303 || p.Header.Get("Location") != "/" {
			t.Fatalf("sign-in with a foreign next: %d to %q", p.Status, p.Header.Get("Location"))
		}
		c.post("/settings", "/signout", url.Values{})
		for range 4 {
			signIn("wrong password", "").expect(t, 401)
		}
		signIn("wrong password", "").expect(t, 423, "登录已锁定", "2026年3月2日 09:15")
		signIn(u.Password, "").expect(t, 423, "登录已锁定")

		e.Clock.Advance(16 * 60e9)
		e.MarkClosed(t, u.ID)
		signIn(u.Password, "").expect(t, 403, `id="account-closed"`, "该账户已注销", `href="/register"`)
	})
}

// Signing out revokes the session: the old cookie no longer opens a page.
func TestSignOutRevokes(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		c.registerUser("韩梅梅")
		base, _ := url.Parse(e.Server.URL)
		var session *http.Cookie
		for _, ck := range c.http.Jar.Cookies(base) {
			if ck.Name == "purse_session" {
				session = ck
			}
		}
		if session == nil {
			t.Fatal("no session cookie")
		}
		c.post("/settings", "/signout", url.Values{}).expect(t, 200, `action="/signin"`)
		thief := newClient(t, e).noRedirects()
		thief.http.Jar.SetCookies(base, []*http.Cookie{session})
		if p := thief.get("/"); p.Status != 303 {
			t.Fatalf("revoked session opened home: %d", p.Status)
		}
	})
}

func TestLanguageSwitchAndAcceptLanguage(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	c := newClient(t, e)
	c.lang = "en-US,en;q=0.9"
	c.get("/signin").expect(t, 200, `<html lang="en">`, "Sign in")
	c.lang = ""
	c.get("/signin").expect(t, 200, `<html lang="zh-CN">`, "登录")
	c.post("/signin", "/language", url.Values{"to": {"en"}, "back": {"/help"}}).expect(t, 200, "Help centre")
	c.get("/problems/not-found").expect(t, 200, "Page not found")
	c.post("/help", "/language", url.Values{"to": {"zh-CN"}, "back": {"https://evil.example/"}}).expect(t, 200, `<html lang="zh-CN">`, "登录")
}

// The closure start page needs the tick (TP-3); with it, the request starts and a clean account
// goes on to the "give up your rights" page (AP-4).
func TestClosureAgreement(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	c := newClient(t, e)
	c.registerUser("张三")
	c.get("/closure?from=self-service").expect(t, 200, "转出全部余额", "注销协议", `name="from" value="self-service"`)
	c.post("/closure", "/closure", url.Values{"from": {"settings"}}).expect(t, 422, "请先勾选同意注销协议")
	c.post("/closure", "/closure", url.Values{"accept": {"yes"}}).expect(t, 200, "个人信息", "/rights")
}
