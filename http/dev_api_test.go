package http_test

import (
	"testing"
	"time"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
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
	}, func(c *app.Config) { c.HTTP.Demo = false })
}
