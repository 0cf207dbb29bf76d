package purse

import (
	"context"
	"time"
)

// PendingRegistration is a registration waiting for the code sent to its phone (issue 14): an
// account is made only by whoever holds the phone, and the answer to the request that starts it
// is the same whether the phone is free or taken.
type PendingRegistration struct {
	ID        string
	PhoneHash string // the phone's keyed hash: no number in clear
	CodeHash  string // keyed hash of the code; for a taken phone, of a code that was never sent
	MessageID string // the SMS sent (the code or the holder's notice)
	Attempts  int
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// RegistrationQueries store pending registrations.
type RegistrationQueries interface {
	// InsertRegistration stores a new pending registration.
	InsertRegistration(ctx context.Context, r *PendingRegistration) error
	// LatestRegistration returns the newest registration of the phone hash; ErrNotFound when none.
	LatestRegistration(ctx context.Context, phoneHash string) (*PendingRegistration, error)
	// UpdateRegistration saves the attempts and the use of a registration.
	UpdateRegistration(ctx context.Context, r *PendingRegistration) error
	// FinishRegistration deletes the phone hash's registrations once one made its account, and
	// scrubs the used code's SMS from the outbox (recipient, body and code), as the purge would.
	FinishRegistration(ctx context.Context, r *PendingRegistration) error
	// DeleteRegistrations removes registrations made before the time, returning how many.
	DeleteRegistrations(ctx context.Context, before time.Time) (int, error)
}
