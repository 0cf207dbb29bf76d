package logs

import "testing"

// The fast path must never let through what the patterns mask.
func TestScrub(t *testing.T) {
	for in, want := range map[string]string{
		"GET /api/v1/me":                      "GET /api/v1/me",
		"login 13800000000 failed":            "login [phone] failed",
		"call +8613800000000":                 "call [phone]",
		"to alice@example.com":                "to [email]",
		"bearer pst_abcdefghijklmnopqrstuvwx": "bearer [token]",
		"order 1234567 here":                  "order 1234567 here",
		"ids 2026_11":                         "ids 2026_11",
	} {
		if got := Scrub(in); got != want {
			t.Errorf("Scrub(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkScrubRoute(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Scrub("GET /api/v1/closure/eligibility")
	}
}
