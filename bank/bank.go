// Package bank is purse's seam to the banks behind quick-pay cards (TP-1): a Gateway interface, the
// signed JSON-over-HTTPS gateway of production (HTTP, protocol in docs/deployment.md), a sandbox
// gateway for --demo and tests, and the card-number check.
package bank

import (
	"context"
	"time"

	"github.com/purse-wallet/purse"
)

// Gateway moves money between a bound card and the operator's bank account (TP-1, PW-5).
//
// The wallet calls it outside any database transaction, after the movement's pending row has
// committed (a network call must never hold an account's lock or SQLite's one writer), and again
// from the reconciliation job for anything still pending past its window. Every call is
// idempotent by Ref: asking twice for the same reference moves money once.
type Gateway interface {
	// Charge pulls the amount from the card for a top-up.
	Charge(ctx context.Context, r Request) (Result, error)
	// Payout sends the amount to the card for a withdrawal.
	Payout(ctx context.Context, r Request) (Result, error)
	// Status answers where the movement of the reference stands; Unknown when the bank never
	// received it.
	Status(ctx context.Context, ref string) (Result, error)
}

// Request is one movement asked of the bank.
type Request struct {
	Ref        string // the ledger transaction id: the idempotency key at the bank
	Amount     purse.Money
	Bank       string
	CardNumber string
	Holder     string
	At         time.Time // when the user asked
}

// State is where a movement stands at the bank.
type State string

// States of a movement at the bank.
const (
	Pending State = "pending" // accepted, not final; a callback or a later Status settles it
	Settled State = "settled"
	Failed  State = "failed"
	Unknown State = "unknown" // the bank has no movement of that reference
)

// Result is the bank's answer about one movement.
type Result struct {
	Ref    string `json:"reference"`
	State  State  `json:"status"`
	Amount int64  `json:"amount"` // minor units; 0 when Unknown
	// SettleAfter is, for a pending movement, when the bank expects to settle it (the
	// reconciliation job asks no earlier); zero when it does not say.
	SettleAfter time.Time `json:"settle_after,omitzero"`
	Reason      string    `json:"reason,omitempty"` // why it failed, for the operator
}

// Sandbox is a gateway for --demo and tests: it approves every top-up at once and settles every
// withdrawal at the next midnight in Location (Asia/Shanghai by default), as mainland banks do for
// T+1 payouts. No money is ever asked of a bank, so purse serve accepts it only with --demo.
type Sandbox struct {
	Location *time.Location
}

// Charge approves at once.
func (Sandbox) Charge(_ context.Context, r Request) (Result, error) {
	return Result{Ref: r.Ref, State: Settled, Amount: r.Amount.Amount}, nil
}

// Payout settles at the next midnight.
func (s Sandbox) Payout(_ context.Context, r Request) (Result, error) {
	return Result{Ref: r.Ref, State: Pending, Amount: r.Amount.Amount, SettleAfter: NextMidnight(r.At, s.loc())}, nil
}

// Status settles whatever it is asked about: the reconciliation job asks only once a movement's
// time has come (a payout's midnight, or a top-up whose answer a crash lost).
func (Sandbox) Status(_ context.Context, ref string) (Result, error) {
	return Result{Ref: ref, State: Settled}, nil
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
