package http_test

import (
	"strings"
	"testing"

	"github.com/purse-wallet/purse/apitest"
)

// A request that middleware answers before the mux (here a malformed Authorization header) is
// logged under the route it was for, not as "GET (unmatched)".
func TestAccessLogNamesRoutesAnsweredEarly(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	e.Call("GET", "/api/v1/closure/eligibility", nil, "Authorization", "Basic x").Expect(t, 401)
	log := e.Log.String()
	if !strings.Contains(log, `"route":"GET /api/v1/closure/eligibility","status":401`) {
		t.Errorf("the early 401 is not logged under its route:\n%s", tail(log))
	}
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}
