package purse

import (
	"context"
	"time"
)

// The services below can each block a closure (AP-8, TP-1, IM-3). Each has a way to be created
// (by the operator, or by the user where the user starts it) and a way to be ended, which is how a
// user removes the blocker. Ended rows are kept, with EndedAt, as the account's history.

// AutoDebitKind is the sort of auto-debit agreement (代扣, AP-8.4).
type AutoDebitKind string

// Auto-debit kinds named by AP-8.4: general, CAE, travel credit pay.
const (
	AutoDebitGeneral      AutoDebitKind = "general"
	AutoDebitCAE          AutoDebitKind = "cae"
	AutoDebitTravelCredit AutoDebitKind = "travel_credit"
)

// AutoDebit is a merchant's standing permission to debit the account (AP-8.4). Status: active,
// cancelled.
type AutoDebit struct {
	ID        string        `json:"id"`
	AccountID string        `json:"-"`
	Merchant  string        `json:"merchant"`
	Kind      AutoDebitKind `json:"kind"`
	Status    string        `json:"status"`
	CreatedAt time.Time     `json:"created_at"`
	EndedAt   time.Time     `json:"ended_at,omitzero"`
}

// Contract is a merchant contract with a term (AP-8.9). It blocks a closure while it is active and
// its term has not ended. Status: active, terminated.
type Contract struct {
	ID        string    `json:"id"`
	AccountID string    `json:"-"`
	Title     string    `json:"title"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	EndedAt   time.Time `json:"ended_at,omitzero"`
	// TerminationRequestedAt is when the merchant asked to end it early (AP-8.9), zero for never;
	// support decides, and TerminationReason is the merchant's why.
	TerminationRequestedAt time.Time `json:"termination_requested_at,omitzero"`
	TerminationReason      string    `json:"termination_reason,omitempty"`
	// InTermNow is InTerm at the time it was read; not stored.
	InTermNow bool `json:"in_term"`
}

// InTerm reports whether the contract still binds at now: active and not past its end.
func (c *Contract) InTerm(now time.Time) bool { return c.Status == "active" && now.Before(c.EndsAt) }

// LinkedAccount is an account on another platform linked to this one, e.g. a shop account (AP-4,
// IM-3). The platform's webhook is told when the wallet closes. Status: linked, unlinked.
type LinkedAccount struct {
	ID         string    `json:"id"`
	AccountID  string    `json:"-"`
	Platform   string    `json:"platform"`
	ExternalID string    `json:"external_id"`
	WebhookURL string    `json:"-"`
	Status     string    `json:"status"`
	CreatedAt  time.Time `json:"created_at"`
	EndedAt    time.Time `json:"ended_at,omitzero"`
}

// Platform is another platform accounts may be linked to, with the webhook that hears of closures.
type Platform struct {
	Name       string    `json:"name"`
	WebhookURL string    `json:"webhook_url"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Dispute is a trade dispute or restriction opened by the operator (AP-8.8). A restricting
// dispute moves the account from active to restricted until no restricting dispute is open.
// Status: open, resolved.
type Dispute struct {
	ID        string    `json:"id"`
	AccountID string    `json:"-"`
	Reason    string    `json:"reason"`
	Restricts bool      `json:"restricts"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	EndedAt   time.Time `json:"ended_at,omitzero"`
}

// FlagKind is an agreement flag's kind (AP-8.6).
type FlagKind string

// Agreement flags: the service terms are not met, or a special agreement with the operator binds.
const (
	FlagTermsNotMet      FlagKind = "terms_not_met"
	FlagSpecialAgreement FlagKind = "special_agreement"
)

// Flag is an operator's mark on an account (AP-8.6). Status: active, cleared.
type Flag struct {
	ID        string    `json:"id"`
	AccountID string    `json:"-"`
	Kind      FlagKind  `json:"kind"`
	Note      string    `json:"note"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	EndedAt   time.Time `json:"ended_at,omitzero"`
}

// Coupon is a voucher granted by the operator; an unused one is lost at closure (TP-1), so it is a
// warning, not a blocker. Status: unused, used, expired.
type Coupon struct {
	ID        string    `json:"id"`
	AccountID string    `json:"-"`
	Title     string    `json:"title"`
	Amount    int64     `json:"amount"`
	Currency  Currency  `json:"currency"`
	Status    string    `json:"status"`
	ExpiresAt time.Time `json:"expires_at"`
	CreatedAt time.Time `json:"created_at"`
}

// BusinessKind is a flow of business in progress (AP-8.7).
type BusinessKind string

// Business flows: password recovery, phone-number change and the device certificate install.
const (
	BusinessPasswordRecovery BusinessKind = "password_recovery"
	BusinessPhoneChange      BusinessKind = "phone_change"
	// BusinessCertificateInstall installs the device certificate on a device after an SMS code
	// (AP-2). It is the closure's own remedy, so it never blocks one (ByHolder stays false).
	BusinessCertificateInstall BusinessKind = "certificate_install"
)

// BusinessFlow is business in progress (AP-8.7): a one-time code was sent and waits to be entered.
// It blocks a closure while pending and unexpired. Status: pending, completed, cancelled, expired.
// The code is stored only as an HMAC; the target (the new phone) only sealed.
type BusinessFlow struct {
	ID            string       `json:"id"`
	AccountID     string       `json:"-"`
	Kind          BusinessKind `json:"kind"`
	Status        string       `json:"status"`
	TargetSealed  []byte       `json:"-"`
	TargetMasked  string       `json:"target,omitempty"` // the new phone, masked: shown, never stored (business.List opens it)
	TargetHash    string       `json:"-"`                // lookup hash of the new phone
	CodeHash      string       `json:"-"`
	Attempts      int          `json:"attempts"`
	CodeSentAt    time.Time    `json:"code_sent_at"`
	CodeExpiresAt time.Time    `json:"code_expires_at"`
	CreatedAt     time.Time    `json:"created_at"`
	ExpiresAt     time.Time    `json:"expires_at"`
	EndedAt       time.Time    `json:"ended_at,omitzero"`
	// ByHolder: the account holder started the flow signed in, or has proved holding the phone
	// since. Only such a flow is business in progress that blocks a closure (AP-8.7): anyone who
	// knows a phone number can start a password recovery (issue 14).
	ByHolder bool `json:"-"`
}

// ServiceQueries store the services that can block a closure. Get methods take the account id as
// well as the item's id and answer ErrNotFound for another account's item, so one account can never
// reach another's (DESIGN.md §4.6). End methods move an item out of its live status and answer
// ErrNotFound when it was not in it.
type ServiceQueries interface {
	InsertAutoDebit(ctx context.Context, a *AutoDebit) error
	AutoDebits(ctx context.Context, accountID string) ([]*AutoDebit, error)
	AutoDebit(ctx context.Context, accountID, id string) (*AutoDebit, error)
	EndAutoDebit(ctx context.Context, accountID, id string, now time.Time) error

	InsertContract(ctx context.Context, c *Contract) error
	Contracts(ctx context.Context, accountID string) ([]*Contract, error)
	Contract(ctx context.Context, accountID, id string) (*Contract, error)
	EndContract(ctx context.Context, accountID, id string, now time.Time) error
	// RequestContractTermination records the merchant's request to end a contract early.
	RequestContractTermination(ctx context.Context, accountID, id, reason string, at time.Time) error

	// InsertLinkedAccount stores a link; ErrDuplicate when the same platform account is linked.
	InsertLinkedAccount(ctx context.Context, l *LinkedAccount) error
	LinkedAccounts(ctx context.Context, accountID string) ([]*LinkedAccount, error)
	LinkedAccount(ctx context.Context, accountID, id string) (*LinkedAccount, error)
	EndLinkedAccount(ctx context.Context, accountID, id string, now time.Time) error
	SetPlatform(ctx context.Context, p *Platform) error
	// Platform returns the platform's settings, or ErrNotFound.
	Platform(ctx context.Context, name string) (*Platform, error)

	InsertDispute(ctx context.Context, d *Dispute) error
	Disputes(ctx context.Context, accountID string) ([]*Dispute, error)
	Dispute(ctx context.Context, accountID, id string) (*Dispute, error)
	EndDispute(ctx context.Context, accountID, id string, now time.Time) error
	// OpenRestrictingDisputes counts the account's open disputes that restrict it.
	OpenRestrictingDisputes(ctx context.Context, accountID string) (int, error)

	InsertFlag(ctx context.Context, f *Flag) error
	Flags(ctx context.Context, accountID string) ([]*Flag, error)
	Flag(ctx context.Context, accountID, id string) (*Flag, error)
	EndFlag(ctx context.Context, accountID, id string, now time.Time) error

	InsertCoupon(ctx context.Context, c *Coupon) error
	Coupons(ctx context.Context, accountID string) ([]*Coupon, error)

	// InsertBusinessFlow stores a flow; ErrDuplicate when one of its kind is already pending.
	InsertBusinessFlow(ctx context.Context, f *BusinessFlow) error
	BusinessFlows(ctx context.Context, accountID string) ([]*BusinessFlow, error)
	// BusinessFlow returns the flow and locks it until the transaction ends.
	BusinessFlow(ctx context.Context, accountID, id string) (*BusinessFlow, error)
	// PendingBusinessFlow returns the account's pending flow of the kind, or ErrNotFound.
	PendingBusinessFlow(ctx context.Context, accountID string, kind BusinessKind) (*BusinessFlow, error)
	UpdateBusinessFlow(ctx context.Context, f *BusinessFlow) error

	// AccountsByLookup lists every account, live or not, whose phone or e-mail hash is hash,
	// newest first: support's search.
	AccountsByLookup(ctx context.Context, hash string) ([]*AccountRecord, error)
}
