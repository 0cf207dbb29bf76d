package calendar

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Rule is a legal deadline: N working days ("15wd", China's PIPL practice and the default),
// N calendar days ("30d") or N calendar months ("1mo", GDPR Art. 12(3)).
type Rule struct {
	N    int
	Unit Unit
}

// Unit is what a Rule counts.
type Unit string

// Units a rule may count.
const (
	WorkingDays  Unit = "wd"
	CalendarDays Unit = "d"
	Months       Unit = "mo"
)

// ParseRule reads "15wd", "30d" or "1mo".
func ParseRule(s string) (Rule, error) {
	s = strings.TrimSpace(s)
	for _, u := range []Unit{WorkingDays, Months, CalendarDays} {
		if n, ok := strings.CutSuffix(s, string(u)); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v < 1 || (u == Months && v > 3) || (u != Months && v > 90) {
				break
			}
			return Rule{N: v, Unit: u}, nil
		}
	}
	return Rule{}, fmt.Errorf("deadline %q: want <n>wd (working days, 1-90), <n>d (calendar days, 1-90) or <n>mo (months, 1-3)", s)
}

func (r Rule) String() string { return strconv.Itoa(r.N) + string(r.Unit) }

// Deadline is when a request received at t is due under the rule: the end of a local date.
//   - working days: the n-th working day after the day of receipt (AddWorkingDays);
//   - calendar days and months: the same date n days or months later (31 January + 1 month is
//     28 or 29 February, the month having no 31st), moved to the next working day when it is not
//     one, as EU Regulation 1182/71 Art. 3(4) counts periods (GDPR's "one month of receipt").
func (c *Calendar) Deadline(r Rule, t time.Time) time.Time {
	switch r.Unit {
	case WorkingDays:
		return c.AddWorkingDays(t, r.N)
	case Months:
		d := c.day(t)
		first := time.Date(d.Year(), d.Month()+time.Month(r.N), 1, 0, 0, 0, 0, c.loc)
		last := first.AddDate(0, 1, -1).Day()
		due := time.Date(first.Year(), first.Month(), min(d.Day(), last), 0, 0, 0, 0, c.loc)
		return c.endOf(c.NextWorking(due))
	default:
		return c.endOf(c.NextWorking(c.day(t).AddDate(0, 0, r.N)))
	}
}
