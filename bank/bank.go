// Package bank is purse's seam to the banks behind quick-pay cards (TP-1): a Gateway interface, a
// sandbox gateway for development and tests, and the card-number check.
package bank

import (
	"context"
	"time"

	"github.com/purse-wallet/purse"
)

// Gateway moves money between a bound card and the operator's bank account.
//
// Both calls are made inside the database transaction that records the movement, so an
// implementation must not block on the network there: a real gateway records the request (through
// the outbox) and answers at once, and its callback settles the movement later. The sandbox decides
// synchronously.
type Gateway interface {
	// Charge pulls amount from the card for a top-up and reports whether it settled at once.
	Charge(ctx context.Context, card *purse.Card, amount purse.Money, ref string) (settled bool, err error)
	// Payout orders amount to the card for a withdrawal requested at the time, and returns when the
	// bank will settle it.
	Payout(ctx context.Context, card *purse.Card, amount purse.Money, ref string, at time.Time) (settleAfter time.Time, err error)
}

// Sandbox is a gateway that approves every top-up at once and settles every withdrawal at the next
// midnight in Location (Asia/Shanghai by default), as mainland banks do for T+1 payouts.
type Sandbox struct {
	Location *time.Location
}

// Charge approves at once.
func (Sandbox) Charge(context.Context, *purse.Card, purse.Money, string) (bool, error) {
	return true, nil
}

// Payout settles at the next midnight.
func (s Sandbox) Payout(_ context.Context, _ *purse.Card, _ purse.Money, _ string, at time.Time) (time.Time, error) {
	return NextMidnight(at, s.loc()), nil
}

func (s Sandbox) loc() *time.Location {
	if s.Location != nil {
		return s.Location
	}
	return Shanghai()
}

// Shanghai returns Asia/Shanghai, or a fixed UTC+8 zone where no zone database is available.
func Shanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// NextMidnight returns the first 00:00 in loc strictly after t.
func NextMidnight(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc).UTC()
}

// NextWorkingDay returns 00:00 in loc of the first Monday-to-Friday day after t. Public holidays
// are not modelled.
func NextWorkingDay(t time.Time, loc *time.Location) time.Time {
	d := NextMidnight(t, loc)
	for {
		wd := d.In(loc).Weekday()
		if wd != time.Saturday && wd != time.Sunday {
			return d
		}
		d = NextMidnight(d, loc)
	}
}

// Luhn reports whether number (digits only) passes the Luhn check.
func Luhn(number string) bool {
	if len(number) < 12 || len(number) > 19 {
		return false
	}
	sum := 0
	double := false
	for i := len(number) - 1; i >= 0; i-- {
		c := number[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
