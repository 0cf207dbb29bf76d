package lifecycle

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is a retention period in calendar terms: "30d", "5y", "10y", or a Go duration ("720h").
// Years and days are calendar years and days, so "5y" after 29 February ends on 1 March.
type Period struct {
	Years, Days int
	Extra       time.Duration
}

// ParsePeriod reads a period written as <n>y, <n>d or a Go duration.
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "y"); ok {
		v, err := strconv.Atoi(n)
		if err != nil || v < 0 {
			return Period{}, fmt.Errorf("period %q: want <years>y, <days>d or a duration like 720h", s)
		}
		return Period{Years: v}, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		v, err := strconv.Atoi(n)
		if err != nil || v < 0 {
			return Period{}, fmt.Errorf("period %q: want <years>y, <days>d or a duration like 720h", s)
		}
		return Period{Days: v}, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return Period{}, fmt.Errorf("period %q: want <years>y, <days>d or a duration like 720h", s)
	}
	return Period{Extra: d}, nil
}

// After returns when the period that starts at t ends.
func (p Period) After(t time.Time) time.Time { return t.AddDate(p.Years, 0, p.Days).Add(p.Extra) }

// Before returns the latest start whose period has ended by now.
func (p Period) Before(now time.Time) time.Time {
	return now.AddDate(-p.Years, 0, -p.Days).Add(-p.Extra)
}

func (p Period) String() string {
	var parts []string
	if p.Years != 0 {
		parts = append(parts, fmt.Sprintf("%dy", p.Years))
	}
	if p.Days != 0 {
		parts = append(parts, fmt.Sprintf("%dd", p.Days))
	}
	if p.Extra != 0 || len(parts) == 0 {
		parts = append(parts, p.Extra.String())
	}
	return strings.Join(parts, "")
}
