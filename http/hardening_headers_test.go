package http_test

import (
	"io"
	nethttp "net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
)

// TestAPIAnswersAreNotStoredOrSniffed (issue 14): every API answer, success or problem, carries
// Cache-Control: no-store and X-Content-Type-Options: nosniff, so that balances, transactions and
// phones stay out of shared and browser caches.
func TestAPIAnswersAreNotStoredOrSniffed(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		for _, r := range []*apitest.Response{
			e.Call("GET", "/api/v1/me", nil, u.Header()...).Expect(t, 200),
			e.Call("GET", "/api/v1/me", nil).Expect(t, 401),
			e.Call("GET", "/api/v1/nothing-here", nil).Expect(t, 404),
			e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).Expect(t, 201),
		} {
			if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%d answer: Cache-Control %q, X-Content-Type-Options %q", r.Status,
					r.Header.Get("Cache-Control"), r.Header.Get("X-Content-Type-Options"))
			}
		}
	})
}

// TestBodyWithoutContentTypeIs415 (issue 14): the README promises 415 for a body that is not
// declared JSON; a body with no Content-Type at all was read as JSON.
func TestBodyWithoutContentTypeIs415(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		r := rawPost(t, e, "/api/v1/sessions", `{"login":"`+u.Phone+`","password":"`+u.Password+`"}`)
		r.ExpectProblem(t, 415, "UNSUPPORTED_MEDIA_TYPE")
	})
}

// TestMetricsAreNotPublic (issue 14): /metrics is not served on the main listener unless the
// operator set a token, and then only to that token.
func TestMetricsAreNotPublic(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		if r := e.Call("GET", "/metrics", nil); r.Status == 200 || strings.Contains(string(r.Body), "purse_http_requests_total") {
			t.Fatalf("/metrics without a token configured: %d", r.Status)
		}
	})
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.Call("GET", "/metrics", nil).ExpectProblem(t, 401, "UNAUTHENTICATED")
		e.Call("GET", "/metrics", nil, apitest.Auth("wrong")...).ExpectProblem(t, 401, "UNAUTHENTICATED")
		e.Call("GET", "/metrics", nil, apitest.Auth(metricsToken)...).Expect(t, 200)
	}, withMetricsToken)
}

// TestHTTPSBehindATrustedProxy (issue 14): behind a proxy listed in --trusted-proxies, an
// X-Forwarded-Proto of https makes the pages' cookies Secure and sends HSTS; from an untrusted
// peer the header is not believed; an https:// base URL does it for every request.
func TestHTTPSBehindATrustedProxy(t *testing.T) {
	t.Parallel()
	cookie := func(r *apitest.Response) string {
		for _, c := range r.Header.Values("Set-Cookie") {
			if strings.HasPrefix(c, "purse_csrf=") {
				return c
			}
		}
		t.Fatalf("no CSRF cookie set: %v", r.Header)
		return ""
	}
	check := func(t *testing.T, r *apitest.Response, secure bool) {
		t.Helper()
		c := cookie(r)
		if strings.Contains(c, "; Secure") != secure || (r.Header.Get("Strict-Transport-Security") != "") != secure {
			t.Fatalf("secure %v: cookie %q, HSTS %q", secure, c, r.Header.Get("Strict-Transport-Security"))
		}
	}
	loopback := func(c *app.Config) { c.HTTP.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} }
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		check(t, e.Call("GET", "/", nil, "X-Forwarded-Proto", "https"), true)
		check(t, e.Call("GET", "/", nil), false)
		check(t, e.Call("GET", "/", nil, "X-Forwarded-Proto", "http"), false)
		if e.Call("GET", "/api/v1/me", nil, "X-Forwarded-Proto", "https").Header.Get("Strict-Transport-Security") == "" {
			t.Fatal("no HSTS on the API")
		}
	}, loopback)
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		check(t, e.Call("GET", "/", nil, "X-Forwarded-Proto", "https"), false) // nobody trusted
	})
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		check(t, e.Call("GET", "/", nil), true)
	}, func(c *app.Config) { c.HTTP.HTTPS = true })
}

// rawPost posts body with no Content-Type header at all.
func rawPost(t *testing.T, e *apitest.Env, path, body string) *apitest.Response {
	t.Helper()
	req, err := nethttp.NewRequest("POST", e.Server.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := req.Header["Content-Type"]; ok {
		t.Fatal("the request carried a Content-Type")
	}
	return &apitest.Response{Status: res.StatusCode, Header: res.Header, Body: data}
}
