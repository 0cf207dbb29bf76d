package purse

import (
	"context"
	"time"
)

// Card is a bound bank card for quick pay (TP-1). Its number is sealed with the account's data
// key; only the last four digits are kept in the clear.
type Card struct {
	ID           string    `json:"id"`
	AccountID    string    `json:"-"`
	Bank         string    `json:"bank"`
	NumberSealed []byte    `json:"-"`
	HolderSealed []byte    `json:"-"`
	Last4        string    `json:"last4"`
	Masked       string    `json:"masked"`
	Status       string    `json:"status"` // bound or unbound
	CreatedAt    time.Time `json:"created_at"`
}

// CardQueries store card bindings.
type CardQueries interface {
	InsertCard(ctx context.Context, c *Card) error
	// BoundCard returns the account's bound card, or ErrNotFound (also for another account's).
	BoundCard(ctx context.Context, id, accountID string) (*Card, error)
	// BoundCards lists the account's bound cards, oldest first.
	BoundCards(ctx context.Context, accountID string) ([]Card, error)
	// UnbindCard ends a binding; ErrNotFound when the account has no such bound card.
	UnbindCard(ctx context.Context, id, accountID string, at time.Time) error
}

// CreditLine is a 花呗-style credit line (AP-8.5). Its debt is the account's credit book.
type CreditLine struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	Limit     int64     `json:"limit"`
	Currency  Currency  `json:"currency"`
	Status    string    `json:"status"` // open or closed
	CreatedAt time.Time `json:"created_at"`
}

// CreditQueries store credit lines.
type CreditQueries interface {
	// InsertCreditLine opens a line; ErrDuplicate when the account already has an open one.
	InsertCreditLine(ctx context.Context, l *CreditLine) error
	// OpenCreditLine returns the account's open line, or ErrNotFound.
	OpenCreditLine(ctx context.Context, accountID string) (*CreditLine, error)
	CloseCreditLine(ctx context.Context, id string, at time.Time) error
}
