package http_test

import (
	"testing"
	"time"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/bank"
)

// TestDevClock: with --demo the clock moves forward; without it the route does not exist.
func TestDevClock(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		before := e.Clock.Now()
		var out struct {
			Now time.Time `json:"now"`
		}
		e.Call("POST", "/api/v1/dev/clock", map[string]any{"advance": "168h"}).Expect(t, 200).JSON(t, &out)
		if !out.Now.Equal(before.Add(168*time.Hour)) || !e.Clock.Now().Equal(out.Now) {
			t.Fatalf("clock %s, want %s", out.Now, before.Add(168*time.Hour))
		}
		e.Call("POST", "/api/v1/dev/clock", map[string]any{"advance": "-1h"}).ExpectProblem(t, 422, "INVALID_REQUEST")
		if !e.Clock.Now().Equal(out.Now) {
			t.Fatal("a refused advance moved the clock")
		}
		var c struct{ Answer string }
		e.Call("GET", "/api/v1/captcha", nil).Expect(t, 200).JSON(t, &c)
		if len(c.Answer) != 6 {
			t.Fatal("demo captcha without its answer")
		}
	})
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		e.Call("POST", "/api/v1/dev/clock", map[string]any{"advance": "1h"}).ExpectProblem(t, 404, "NOT_FOUND")
		var c struct{ Answer string }
		e.Call("GET", "/api/v1/captcha", nil).Expect(t, 200).JSON(t, &c)
		if c.Answer != "" {
			t.Fatal("captcha answer shown outside the demo")
		}
	}, func(c *app.Config) { c.HTTP.Demo, c.Gateway = false, bank.Sandbox{} })
}

// TestClosureRoutesDocumented: every closure route is in the OpenAPI document.
func TestClosureRoutesDocumented(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	e.Call("GET", "/api/openapi.json", nil).Expect(t, 200).JSON(t, &doc)
	for path, method := range map[string]string{
		"/api/v1/closure/eligibility": "get", "/api/v1/closures": "post", "/api/v1/closures/{id}": "get",
		"/api/v1/closures/{id}/agreement": "post", "/api/v1/closures/{id}/rights": "post",
		"/api/v1/closures/{id}/codes": "post", "/api/v1/captcha": "get", "/api/v1/closures/{id}/verification": "post",
		"/api/v1/closures/confirm": "post", "/api/v1/closures/{id}/submit": "post", "/api/v1/closures/{id}/cancel": "post",
		"/api/v1/closure/public-key": "get", "/api/v1/admin/closures": "get", "/api/v1/admin/closures/{id}/approve": "post",
		"/api/v1/admin/closures/{id}/reject": "post", "/api/v1/admin/closures/{id}/restore": "post",
	} {
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("%s %s not documented", method, path)
		}
	}
}
