package lifecycle

import (
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	closed := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for in, end := range map[string]time.Time{
		"30d":  time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC),
		"5y":   time.Date(2031, 3, 2, 9, 0, 0, 0, time.UTC),
		"10y":  time.Date(2036, 3, 2, 9, 0, 0, 0, time.UTC),
		"720h": time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC),
	} {
		p, err := ParsePeriod(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.After(closed); !got.Equal(end) {
			t.Errorf("%s after %v = %v, want %v", in, closed, got, end)
		}
		if got := p.Before(end); !got.Equal(closed) {
			t.Errorf("%s before %v = %v, want %v", in, end, got, closed)
		}
		if p.String() != in && !(in == "720h" && p.String() == "720h0m0s") {
			t.Errorf("%s prints as %s", in, p)
		}
	}
	for _, bad := range []string{"", "y", "-1d", "5 years", "3w", "-5h"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
