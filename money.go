package purse

import (
	"fmt"
	"math"
)

// Currency is an ISO 4217 code. Non-money books use pseudo-currencies: points are "PTS", stored
// value (宝点) is "STV", fund units are held in CNY.
type Currency string

// Currencies purse knows.
const (
	CNY    Currency = "CNY"
	Points Currency = "PTS"
	Stored Currency = "STV"
)

// Money is an amount in minor units (fen for CNY) with its currency. Never a float.
type Money struct {
	Amount   int64    `json:"amount"`
	Currency Currency `json:"currency"`
}

// Add returns m+o, refusing a currency mismatch and int64 overflow.
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, fmt.Errorf("add %s to %s: currency mismatch", o.Currency, m.Currency)
	}
	if (o.Amount > 0 && m.Amount > math.MaxInt64-o.Amount) || (o.Amount < 0 && m.Amount < math.MinInt64-o.Amount) {
		return Money{}, fmt.Errorf("add %d to %d: overflow", o.Amount, m.Amount)
	}
	return Money{Amount: m.Amount + o.Amount, Currency: m.Currency}, nil
}

// String formats m for logs and PDFs: "CNY 12.50"; points and stored value have no minor unit.
func (m Money) String() string {
	if m.Currency != CNY {
		return fmt.Sprintf("%d %s", m.Amount, m.Currency)
	}
	sign := ""
	a := m.Amount
	if a < 0 {
		sign = "-"
		if a == math.MinInt64 {
			return "CNY -92233720368547758.08"
		}
		a = -a
	}
	return fmt.Sprintf("CNY %s%d.%02d", sign, a/100, a%100)
}
