package purse

import (
	"context"
	"time"
)

// AP-9: a phone number "already taken" or a real-name certification that collides with an older
// account is solved by rebinding, not by closing.

// PhoneRelease is a request, by whoever now holds a phone number, to unbind it from the older
// account it is still bound to (a recycled number). It starts from an SMS code to the phone, so
// only the phone's holder learns anything; the older account's holder is told and may object
// until DueAt; with no objection the number is unbound then. Status: code_sent (waiting for the
// code), waiting (the code was right: the waiting period runs), released, objected, expired.
type PhoneRelease struct {
	ID            string
	PhoneHash     string // the phone's lookup hash (vault "phone"): no number in clear
	AccountID     string // the older account holding the number; "" for a free number
	Status        string
	CodeHash      string
	Attempts      int
	CodeExpiresAt time.Time
	TokenHash     string // the requester's status token, hashed
	CreatedAt     time.Time
	DueAt         time.Time // when the number is released if nobody objects
	EndedAt       time.Time
}

// RebindAppeal is an appeal to support by a user whose real-name certification collides with an
// older account (AP-9). Support approves or rejects it with a reason; the user reads where it
// stands. Status: pending, approved, rejected.
type RebindAppeal struct {
	ID             string    `json:"id"`
	AccountID      string    `json:"account_id"`
	Kind           string    `json:"kind" doc:"real_name"`
	Reason         string    `json:"reason"`
	Status         string    `json:"status" doc:"pending, approved or rejected"`
	DecidedBy      string    `json:"-"`
	DecisionReason string    `json:"decision_reason,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	DecidedAt      time.Time `json:"decided_at,omitzero"`
}

// RebindQueries store phone releases and rebind appeals.
type RebindQueries interface {
	// InsertPhoneRelease stores a new phone release.
	InsertPhoneRelease(ctx context.Context, r *PhoneRelease) error
	// LatestPhoneRelease returns the newest release of the phone hash, locked; ErrNotFound when none.
	LatestPhoneRelease(ctx context.Context, phoneHash string) (*PhoneRelease, error)
	// PhoneReleaseByToken returns the release whose status token has the hash; ErrNotFound when none.
	PhoneReleaseByToken(ctx context.Context, tokenHash string) (*PhoneRelease, error)
	// UpdatePhoneRelease saves a release's status, attempts, token, due and end times.
	UpdatePhoneRelease(ctx context.Context, r *PhoneRelease) error
	// WaitingPhoneReleases lists the releases waiting against the account, oldest first.
	WaitingPhoneReleases(ctx context.Context, accountID string) ([]*PhoneRelease, error)
	// DuePhoneReleases lists waiting releases due at or before now, locked (SKIP LOCKED), oldest first.
	DuePhoneReleases(ctx context.Context, now time.Time, limit int) ([]*PhoneRelease, error)
	// InsertAppeal stores a new appeal.
	InsertAppeal(ctx context.Context, a *RebindAppeal) error
	// AccountAppeals lists the account's appeals, newest first.
	AccountAppeals(ctx context.Context, accountID string) ([]*RebindAppeal, error)
	// PendingAppeals lists the pending appeals, oldest first.
	PendingAppeals(ctx context.Context, limit int) ([]*RebindAppeal, error)
	// AppealForUpdate returns the appeal, locked; ErrNotFound when none.
	AppealForUpdate(ctx context.Context, id string) (*RebindAppeal, error)
	// UpdateAppeal saves an appeal's decision.
	UpdateAppeal(ctx context.Context, a *RebindAppeal) error
}
