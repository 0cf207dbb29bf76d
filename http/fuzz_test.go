package http_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/purse-wallet/purse/apitest"
)

// FuzzRequestBodies sends arbitrary bodies to every body-taking account route: the answer is never a
// 5xx, and every error is a problem document with a code. The seed corpus runs as a plain test in CI;
// `go test ./http -fuzz FuzzRequestBodies` explores further.
func FuzzRequestBodies(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"phone":"13800000000","password":"long enough","payment_password":"135790"}`,
		`{"login":"13800000000","password":"x"}`, `{"phone":1e400}`, `{"phone":"\u0000"}`, "{\"phone\":\"\xff\"}",
		`{"phone":"13800000000","phone":"13800000001"}`, strings.Repeat(`{"a":`, 300), `{"amount":-1}`,
		`{"payment_password":"１２３４５６"}`, `{"email":"a@b.c","phone":"+8613800000000","password":"        ","payment_password":"000000"}`,
	} {
		for _, path := range []string{"/api/v1/accounts", "/api/v1/sessions"} {
			f.Add(path, seed)
		}
	}
	e := apitest.New(f, "sqlite")
	f.Fuzz(func(t *testing.T, path, body string) {
		if path != "/api/v1/accounts" && path != "/api/v1/sessions" {
			return
		}
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		e.App.HTTP.ServeHTTP(w, req)
		checkAnswer(t, w, body)
	})
}

// FuzzHeaders throws arbitrary Authorization, Idempotency-Key, X-Client-Version and
// Accept-Language values at the server.
func FuzzHeaders(f *testing.F) {
	f.Add("Bearer pst_x", "key-1", "1.0.0", "zh-CN")
	f.Add("Bearer", "", "", "")
	f.Add("bearer  ", strings.Repeat("k", 300), "v1..2", "en;q=abc")
	f.Add("Basic abc", "ключ", "99999999999999999999.1", "*")
	f.Add("Bearer pot_"+strings.Repeat("A", 43), "\x00", "-1", strings.Repeat("zh,", 100))
	e := apitest.New(f, "sqlite")
	if err := e.App.HTTP.SetMinClientVersion(f.Context(), "2.0"); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, auth, key, version, lang string) {
		for _, r := range []struct{ method, path, body string }{
			{"GET", "/api/v1/me", ""},
			{"POST", "/api/v1/sessions", `{"login":"13800000000","password":"long enough"}`},
			{"GET", "/api/v1/admin/audit", ""},
		} {
			req := httptest.NewRequest(r.method, r.path, strings.NewReader(r.body))
			req.Header.Set("Content-Type", "application/json")
			for k, v := range map[string]string{"Authorization": auth, "Idempotency-Key": key, "X-Client-Version": version, "Accept-Language": lang} {
				if v != "" {
					req.Header[k] = []string{v}
				}
			}
			w := httptest.NewRecorder()
			e.App.HTTP.ServeHTTP(w, req)
			checkAnswer(t, w, auth+key+version+lang)
		}
	})
}

// FuzzPaths requests arbitrary paths: unknown ones are 404/405 problems, never a panic.
func FuzzPaths(f *testing.F) {
	for _, p := range []string{"/api/v1/me", "/api/v1/../v1/me", "/api/v1/accounts/%00", "/api/v1/closures/x/submit", "/problems/%ff", "/api/"} {
		f.Add("GET", p)
		f.Add("DELETE", p)
	}
	e := apitest.New(f, "sqlite")
	f.Fuzz(func(t *testing.T, method, path string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \t\r\n#?") || len(method) == 0 || strings.ContainsAny(method, " \t\r\n/()<>@,;:\\\"[]?={}") {
			return
		}
		req, err := http.NewRequest(method, "http://purse.test"+path, nil)
		if err != nil {
			return
		}
		w := httptest.NewRecorder()
		e.App.HTTP.ServeHTTP(w, req)
		if !strings.HasPrefix(req.URL.Path, "/api/") {
			// Outside the API the pages answer, with HTML error pages; they must still never fail.
			if w.Code >= 500 {
				t.Fatalf("%s %s answered %d", method, path, w.Code)
			}
			return
		}
		checkAnswer(t, w, method+" "+path)
	})
}

func checkAnswer(t *testing.T, w *httptest.ResponseRecorder, input string) {
	t.Helper()
	if w.Code >= 500 {
		t.Fatalf("%q answered %d: %s", input, w.Code, w.Body)
	}
	if w.Code >= 400 {
		if !strings.HasPrefix(w.Header().Get("Content-Type"), "application/problem+json") || !bytes.Contains(w.Body.Bytes(), []byte(`"code":"`)) {
			t.Fatalf("%q answered %d without a problem: %s %s", input, w.Code, w.Header().Get("Content-Type"), w.Body)
		}
	}
}
