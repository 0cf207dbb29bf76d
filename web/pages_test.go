package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/purse-wallet/purse/apitest"
)

// client is a browser-like HTTP client: a cookie jar, no automatic redirects followed silently
// past what the test wants to see, and Accept: text/html.
type client struct {
	t    testing.TB
	e    *apitest.Env
	http *http.Client
	lang string
}

func newClient(t testing.TB, e *apitest.Env) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, e: e, http: &http.Client{Jar: jar}}
}

type page struct {
	Status int
	Body   string
	Header http.Header
	URL    string
}

func (c *client) do(method, path string, form url.Values) *page {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.e.Server.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &page{Status: res.StatusCode, Body: string(b), Header: res.Header, URL: res.Request.URL.Path}
}

func (c *client) get(path string) *page { c.t.Helper(); return c.do("GET", path, nil) }

// noRedirects makes the client stop at redirects, to check where they go.
func (c *client) noRedirects() *client {
	c.http.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// token returns the CSRF token of the form on the page at path.
func (c *client) token(path string) string {
	c.t.Helper()
	m := csrfRe.FindStringSubmatch(c.get(path).Body)
	if m == nil {
		c.t.Fatalf("no CSRF token on %s", path)
	}
	return m[1]
}

// registerUser registers through the form and returns the phone; the client is signed in.
func (c *client) registerUser(name string) string {
	c.t.Helper()
	phone := apitest.NextPhone()
	c.post("/register", "/register/code", url.Values{"phone": {phone}}).expect(c.t, 200, `id="code-sent"`)
	code := c.e.LastSMSCode(phone, "registration_code")
	c.post("/register", "/register", url.Values{"phone": {phone}, "code": {code}, "password": {"correct horse"},
		"password2": {"correct horse"}, "payment_password": {"135790"}, "name": {name}}).expect(c.t, 200, name)
	return phone
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// post fills the form of the page at from with its CSRF token and posts it to action.
func (c *client) post(from, action string, form url.Values) *page {
	c.t.Helper()
	p := c.get(from)
	m := csrfRe.FindStringSubmatch(p.Body)
	if m == nil {
		c.t.Fatalf("no CSRF token on %s: %s", from, p.Body)
	}
	form = cloneForm(form) // the caller's form may be posted again, with a fresh form token
	form.Set("csrf", m[1])
	if form.Get("form_token") == "" {
		if t := formTokenOf(p.Body, action); t != "" {
			form.Set("form_token", t)
		}
	}
	return c.do("POST", action, form)
}

// formTokenOf returns the one-time token of the page's form that posts to action, "" for none.
func formTokenOf(body, action string) string {
	re := regexp.MustCompile(`action="` + regexp.QuoteMeta(action) + `"[^>]*>\s*<input type="hidden" name="csrf" value="[0-9a-f]+">\s*<input type="hidden" name="form_token" value="([0-9a-f]+)"`)
	if m := re.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

func (p *page) expect(t testing.TB, status int, contains ...string) *page {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", p.URL, p.Status, status, p.Body)
	}
	for _, s := range contains {
		if !strings.Contains(p.Body, s) {
			t.Fatalf("%s: page lacks %q\n%s", p.URL, s, p.Body)
		}
	}
	return p
}

var accountIDRe = regexp.MustCompile(`<dd class="mono">([0-9a-f-]{36})</dd>`)

// accountID reads the signed-in account's id from its home page.
func (c *client) accountID() string {
	c.t.Helper()
	m := accountIDRe.FindStringSubmatch(c.get("/").Body)
	if m == nil {
		c.t.Fatal("no account id on the home page")
	}
	return m[1]
}
