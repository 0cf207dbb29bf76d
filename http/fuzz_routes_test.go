package http_test

import (
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// route is one API operation as the fuzzers call it.
type route struct {
	method, path string
	auth         string // "bearer", "operator" or ""
}

// apiRoutes lists every operation of the served OpenAPI document, so that a route added later (the
// ledger's, the closure engine's) is fuzzed without touching this file. Sign-out is left out: it
// would end the session the fuzzer signs in with.
func apiRoutes(doc *huma.OpenAPI) []route {
	var out []route
	for path, item := range doc.Paths {
		for method, op := range map[string]*huma.Operation{"GET": item.Get, "POST": item.Post, "PUT": item.Put,
			"PATCH": item.Patch, "DELETE": item.Delete} {
			if op == nil || path == "/api/v1/sessions/current" {
				continue
			}
			r := route{method: method, path: path}
			for _, req := range op.Security {
				for name := range req {
					r.auth = name
				}
			}
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path+out[i].method < out[j].path+out[j].method })
	return out
}

// FuzzRouteBodies sends arbitrary bodies to every API operation, signed in as the operation needs
// (a user's session or an admin operator's token), with path parameters that name the user, an
// item that exists, a valid id of nothing, or garbage. Whatever the body, the answer is never a
// 5xx and every error is a problem document with a code (DESIGN.md §5).
func FuzzRouteBodies(f *testing.F) {
	e := apitest.New(f, "sqlite")
	e.App.Business.RecoveryFloor = 0
	u := e.SignUp("fuzz@example.com")
	admin := apitest.Auth(e.Operator("admin"))
	var item struct{ ID string }
	e.Call("POST", "/api/v1/admin/accounts/"+u.ID+"/auto-debits", map[string]any{"merchant": "Metro", "kind": "general"}, admin...).
		Expect(f, 201).JSON(f, &item)
	routes := apiRoutes(e.App.HTTP.OpenAPI())
	if len(routes) < 20 {
		f.Fatalf("only %d routes in the document", len(routes))
	}
	ids := []string{u.ID, item.ID, purse.NewID(), "x", "%00", strings.Repeat("9", 36)}
	for i := range routes {
		for _, body := range []string{``, `{}`, `null`, `[]`, `{"new_phone":"13800000000"}`, `{"code":"123456"}`,
			`{"amount":1e400,"title":"t","expires_at":"2030-01-01T00:00:00Z"}`, `{"amount":-9223372036854775809}`,
			`{"enabled":true}`, `{"kind":"merchant"}`, `{"login":"13800000000","code":"000000","new_password":"long enough"}`,
			strings.Repeat(`{"a":`, 200), "{\"title\":\"\xff\"}", `{"platform":"shop","external_id":"e"}`,
			`{"ends_at":"9999-99-99T00:00:00Z","title":"t"}`, `{"reason":"r","restricts":true}`} {
			f.Add(uint16(i), uint8(i), body)
		}
	}
	f.Fuzz(func(t *testing.T, which uint16, idChoice uint8, body string) {
		r := routes[int(which)%len(routes)]
		id := ids[int(idChoice)%len(ids)]
		path := r.path
		for _, p := range []string{"{id}", "{item}"} {
			path = strings.ReplaceAll(path, p, id)
		}
		path = strings.ReplaceAll(path, "{name}", "shop")
		path = strings.ReplaceAll(path, "{slug}", "not-found")
		req := httptest.NewRequest(r.method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		switch r.auth {
		case "bearer":
			req.Header.Set("Authorization", "Bearer "+u.Token)
		case "operator":
			req.Header.Set(admin[0], admin[1])
		}
		w := httptest.NewRecorder()
		e.App.HTTP.ServeHTTP(w, req)
		checkAnswer(t, w, r.method+" "+path+" "+body)
	})
}

// FuzzBearerToken throws arbitrary Authorization values at a user route and an operator route.
// Never a 5xx, always a problem on refusal, and only the real token, in the one accepted form
// (scheme "Bearer" in any case, one space, surrounding blanks ignored), ever opens either route.
func FuzzBearerToken(f *testing.F) {
	e := apitest.New(f, "sqlite")
	u := e.SignUp("")
	op := e.Operator("agent")
	for _, s := range []string{"Bearer " + u.Token, "bearer " + u.Token, "Bearer " + op, "BEARER  " + op + " ",
		"Bearer", "Bearer ", "Basic " + u.Token, u.Token, "Bearer " + u.Token + "x", "Bearer " + u.Token[:len(u.Token)-1],
		"Bearer pst_", "Bearer pot_", "Bearer \x00", "Bearer " + strings.Repeat("A", 5000), "Bearer " + u.Token + " " + op,
		"Bearer\t" + u.Token, "Bearer " + strings.ToUpper(u.Token)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		for _, c := range []struct{ path, token string }{{"/api/v1/me", u.Token}, {"/api/v1/admin/accounts/" + u.ID, op}} {
			req := httptest.NewRequest("GET", c.path, nil)
			req.Header["Authorization"] = []string{header}
			w := httptest.NewRecorder()
			e.App.HTTP.ServeHTTP(w, req)
			checkAnswer(t, w, header)
			if w.Code < 400 {
				scheme, value, _ := strings.Cut(header, " ")
				if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(value) != c.token {
					t.Fatalf("%q opened %s: %d", header, c.path, w.Code)
				}
			}
		}
	})
}
