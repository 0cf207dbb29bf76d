// Package apitest runs the real purse server in-process over a real store, for tests that go
// through HTTP the way a client does.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/clock"
	purshttp "github.com/purse-wallet/purse/http"
	"github.com/purse-wallet/purse/logs"
	"github.com/purse-wallet/purse/secret"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// Env is one running server with its store and clock.
type Env struct {
	T       testing.TB
	App     *app.App
	DB      *sqlstore.DB
	Clock   *clock.Fixed
	Server  *httptest.Server
	Dialect string
	// Log holds everything the server logged, for tests that check what never reaches a log.
	Log *SyncBuffer
}

// SyncBuffer is a bytes.Buffer safe for the server's concurrent writes.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestParams make argon2id cheap in tests; production uses secret.DefaultParams.
var TestParams = secret.Params{Memory: 1024, Time: 1, Threads: 1}

// MasterKey is the tests' master key.
var MasterKey = bytes.Repeat([]byte{7}, 32)

// Option adjusts the configuration before the server starts.
type Option func(*app.Config)

// Each runs fn against a server on every store (see storetest.Each).
func Each(t *testing.T, fn func(t *testing.T, e *Env), opts ...Option) {
	t.Helper()
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			fn(t, New(t, d, opts...))
		})
	}
}

// New starts a server on a fresh store of the dialect ("sqlite" or "postgres").
func New(t testing.TB, dialect string, opts ...Option) *Env {
	t.Helper()
	clk := clock.NewFixed(storetest.Epoch)
	return On(t, storetest.Open(t, dialect, clk), clk, opts...)
}

// On starts a server on an open store whose clock is clk: a second instance on a database that
// another Env serves, or a store opened in a way of the test's own.
func On(t testing.TB, db *sqlstore.DB, clk *clock.Fixed, opts ...Option) *Env {
	t.Helper()
	buf := &SyncBuffer{}
	params := TestParams
	cfg := app.Config{MasterKey: MasterKey, Clock: clk, Log: logs.New("json", buf, slog.LevelDebug),
		HasherParams: &params, HTTP: purshttp.Config{Version: "test", Demo: true},
		// No registration floor: tests register by the hundred; the timing test sets its own.
		RegistrationFloor: -1}
	for _, o := range opts {
		o(&cfg)
	}
	a, err := app.New(context.Background(), db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.HTTP)
	t.Cleanup(srv.Close)
	return &Env{T: t, App: a, DB: db, Clock: clk, Server: srv, Dialect: db.Dialect(), Log: buf}
}

// Response is what the server answered.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Problem is the part of a problem document tests look at.
type Problem struct {
	Type       string           `json:"type"`
	Status     int              `json:"status"`
	Code       string           `json:"code"`
	Detail     string           `json:"detail"`
	Errors     []map[string]any `json:"errors"`
	Blockers   []map[string]any `json:"blockers"`
	RetryAfter int              `json:"retry_after"`
}

// Call sends a request. body is JSON-encoded unless it is a string or []byte (sent as is);
// headers are name, value pairs; a "Bearer …" token can be given as ("Authorization", "Bearer t").
func (e *Env) Call(method, path string, body any, headers ...string) *Response {
	e.T.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.Server.URL+path, r)
	if err != nil {
		e.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		e.T.Fatal(err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// Auth returns the header pair for a bearer token.
func Auth(token string) []string { return []string{"Authorization", "Bearer " + token} }

// JSON decodes the body into v, failing the test when it is not JSON.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response %d is not JSON: %v\n%s", r.Status, err, r.Body)
	}
}

// Problem decodes a problem document, checking its content type.
func (r *Response) Problem(t testing.TB) Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("status %d with content type %q, want a problem: %s", r.Status, ct, r.Body)
	}
	var p Problem
	r.JSON(t, &p)
	return p
}

// Expect fails the test unless the status is want.
func (r *Response) Expect(t testing.TB, want int) *Response {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d: %s", r.Status, want, r.Body)
	}
	return r
}

// ExpectProblem fails the test unless the answer is a problem with the status and code.
func (r *Response) ExpectProblem(t testing.TB, status int, code string) Problem {
	t.Helper()
	p := r.Problem(t)
	if r.Status != status || p.Code != code {
		t.Fatalf("got %d %s, want %d %s: %s", r.Status, p.Code, status, code, r.Body)
	}
	return p
}

// User is a registered, signed-in test account.
type User struct {
	ID, Phone, Email, Password, PaymentPassword, Token string
}

// Header returns the bearer header pair of the user.
func (u *User) Header() []string { return Auth(u.Token) }

var phoneSeq struct {
	sync.Mutex
	n int
}

// NextPhone returns a fresh mainland mobile number for this test binary.
func NextPhone() string {
	phoneSeq.Lock()
	defer phoneSeq.Unlock()
	phoneSeq.n++
	return fmt.Sprintf("139%08d", phoneSeq.n)
}

// SignUp registers an account through the API (email may be ""), by SMS code as a client does,
// and signs it in.
func (e *Env) SignUp(email string) *User {
	e.T.Helper()
	u := &User{Phone: NextPhone(), Email: email, Password: "correct horse", PaymentPassword: "135790"}
	body := map[string]any{"phone": u.Phone, "password": u.Password, "payment_password": u.PaymentPassword}
	if email != "" {
		body["email"] = email
	}
	var acct struct {
		ID string `json:"id"`
	}
	e.Register(body).Expect(e.T, 201).JSON(e.T, &acct)
	u.ID = acct.ID
	var s struct {
		Token string `json:"token"`
	}
	e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).
		Expect(e.T, 201).JSON(e.T, &s)
	u.Token = s.Token
	return u
}

// Operator creates an operator with the role and returns its token.
func (e *Env) Operator(role string) string {
	e.T.Helper()
	phoneSeq.Lock()
	phoneSeq.n++
	name := fmt.Sprintf("op%d-%s", phoneSeq.n, role)
	phoneSeq.Unlock()
	_, token, err := e.App.Operators.Create(context.Background(), name, purseRole(role), "operator password 1")
	if err != nil {
		e.T.Fatal(err)
	}
	return token
}

// SignIn opens a fresh session for u, keeps its token in u and returns the bearer header pair.
func (e *Env) SignIn(u *User) []string {
	e.T.Helper()
	var s struct {
		Token string `json:"token"`
	}
	e.Call("POST", "/api/v1/sessions", map[string]any{"login": u.Phone, "password": u.Password}).
		Expect(e.T, 201).JSON(e.T, &s)
	u.Token = s.Token
	return u.Header()
}
