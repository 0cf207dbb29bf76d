package http_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/purse-wallet/purse/app"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/closuretest"
)

// BenchmarkAuthenticated measures the whole in-process HTTP path of an authenticated request
// (middleware, session lookup, handler, encoding) without sockets, on every store, from parallel
// callers cycling over 64 signed-in accounts. "me" is the cheapest authenticated read;
// "eligibility" is the closure check that `purse bench eligibility` loads over the network.
func BenchmarkAuthenticated(b *testing.B) {
	for _, d := range []string{"sqlite", "postgres"} {
		// The live switches cached as `purse serve` caches them (tests read them on every request).
		serveLike := func(c *app.Config) { c.HTTP.SettingsTTL = 2 * time.Second }
		e := apitest.New(b, d, closuretest.WithPolicy(b, "tenpay"), serveLike)
		var tokens []string
		for range 64 {
			tokens = append(tokens, "Bearer "+e.SignUp("").Token)
		}
		for _, path := range []string{"/api/v1/me", "/api/v1/closure/eligibility"} {
			b.Run(d+path, func(b *testing.B) {
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					i := 0
					for pb.Next() {
						r := httptest.NewRequest(http.MethodGet, path, nil)
						r.Header.Set("Authorization", tokens[i%len(tokens)])
						w := httptest.NewRecorder()
						e.App.HTTP.ServeHTTP(w, r)
						if w.Code != http.StatusOK {
							b.Errorf("%s: %d %s", path, w.Code, w.Body)
							return
						}
						i++
					}
				})
			})
		}
	}
}
