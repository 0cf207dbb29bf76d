package purse

import (
	"context"
	"time"
)

// ClosureState is where a closure request stands. The closure package holds the transition table.
type ClosureState string

// Closure states (DESIGN.md §2). failed, cancelled, expired and closed are terminal.
const (
	ClosureStarted      ClosureState = "started"
	ClosureAgreement    ClosureState = "agreement"
	ClosureEligibility  ClosureState = "eligibility"
	ClosureRights       ClosureState = "rights"
	ClosureVerification ClosureState = "verification"
	ClosureEmailConfirm ClosureState = "email_confirmation"
	ClosureReview       ClosureState = "review"
	ClosureCoolingOff   ClosureState = "cooling_off"
	ClosureClosed       ClosureState = "closed"
	ClosureFailed       ClosureState = "failed"
	ClosureCancelled    ClosureState = "cancelled"
	ClosureExpired      ClosureState = "expired"
)

// Terminal reports whether no transition leaves the state.
func (s ClosureState) Terminal() bool {
	switch s {
	case ClosureClosed, ClosureFailed, ClosureCancelled, ClosureExpired:
		return true
	}
	return false
}

// Codes of the closure engine; the blocker codes are the checks' (AP-2, AP-8, TP-1, IM-3).
const (
	CodeClosureStateConflict   Code = "CLOSURE_STATE_CONFLICT"
	CodeClosureInProgress      Code = "CLOSURE_IN_PROGRESS"
	CodeClosureBlocked         Code = "CLOSURE_BLOCKED"
	CodeClosureReviewFailed    Code = "CLOSURE_REVIEW_FAILED"
	CodeAgreementRequired      Code = "AGREEMENT_REQUIRED"
	CodeVerificationIncomplete Code = "VERIFICATION_INCOMPLETE"
	CodeFactorNotRequired      Code = "FACTOR_NOT_REQUIRED"
	CodeOTPInvalid             Code = "OTP_INVALID"
	CodeOTPExpired             Code = "OTP_EXPIRED"
	CodeOTPRateLimited         Code = "OTP_RATE_LIMITED"
	CodeNoEmail                Code = "NO_EMAIL"
	// CodePhoneNotBound: a code would go to the wallet's bound phone, and it has none (its number
	// was released to the number's new holder, AP-9): bind one at /settings/phone first.
	CodePhoneNotBound      Code = "PHONE_NOT_BOUND"
	CodeCaptchaInvalid     Code = "CAPTCHA_INVALID"
	CodeLinkInvalid        Code = "LINK_INVALID"
	CodeCertificateInvalid Code = "CERTIFICATE_INVALID"

	CodeEnvCertificateMissing  Code = "ENV_CERTIFICATE_MISSING"
	CodeAccountNotActivated    Code = "ACCOUNT_NOT_ACTIVATED"
	CodeBalanceNotZero         Code = "BALANCE_NOT_ZERO"
	CodePointsNotZero          Code = "POINTS_NOT_ZERO"
	CodeFundNotZero            Code = "FUND_NOT_ZERO"
	CodeTransactionInProgress  Code = "TRANSACTION_IN_PROGRESS"
	CodeAutoDebitActive        Code = "AUTO_DEBIT_ACTIVE"
	CodeCreditLineOpen         Code = "CREDIT_LINE_OPEN"
	CodeAgreementNotMet        Code = "AGREEMENT_NOT_MET"
	CodeBusinessInProgress     Code = "BUSINESS_IN_PROGRESS"
	CodeAccountDisputed        Code = "ACCOUNT_DISPUTED"
	CodeMerchantContractActive Code = "MERCHANT_CONTRACT_ACTIVE"
	CodeStoredBalanceNotZero   Code = "STORED_BALANCE_NOT_ZERO"
	CodeQuickPayBound          Code = "QUICK_PAY_BOUND"
	CodeOneClickPayOn          Code = "ONE_CLICK_PAY_ON"
	CodeLinkedAccountBound     Code = "LINKED_ACCOUNT_BOUND"
	CodeCouponsUnused          Code = "COUPONS_UNUSED"
	CodeLeftoverToSweep        Code = "LEFTOVER_TO_SWEEP"
)

// ClosureRequest is one persisted closure flow (DESIGN.md §2).
type ClosureRequest struct {
	ID        string
	AccountID string
	Policy    string // the policy's name
	// PolicyJSON is the policy as it was when the request started: a later policy change never
	// alters a running flow.
	PolicyJSON []byte
	State      ClosureState
	// Factors are the verification factors passed so far, by this account on this request only.
	Factors []string
	// Blockers are the reasons of the last check that found any (eligibility or failed review).
	Blockers    []Blocker
	Submitted   bool // review: the user pressed "Confirm closure" and a reviewer must decide
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ExpiresAt   time.Time // idle expiry of an unfinished flow
	Deadline    time.Time // the legal deadline (15 working days by default)
	CoolingEnds time.Time // zero unless in cooling_off
	ClosedAt    time.Time
	// Certificate is the signed closure certificate (JSON), issued when the account closed.
	Certificate []byte
	// PriorStatus is the account's status when the review moved it to closing (active or
	// restricted): restore and cancel in cooling-off give it back. Empty on requests reviewed
	// before it was kept, which were all active.
	PriorStatus AccountStatus
	Version     int // bumped by every update, against lost updates
}

// ClosureEvent is one line of a request's history.
type ClosureEvent struct {
	ClosureID string            `json:"-"`
	At        time.Time         `json:"at"`
	From      ClosureState      `json:"from"`
	To        ClosureState      `json:"to"`
	Actor     string            `json:"actor"`
	Note      string            `json:"note,omitempty"`
	Data      map[string]string `json:"-"`
}

// ClosureQueries store closure requests.
type ClosureQueries interface {
	// InsertClosure stores a new request; ErrDuplicate when the account has an open one.
	InsertClosure(ctx context.Context, c *ClosureRequest) error
	// Closure returns the account's request with id; ErrNotFound when it does not exist or belongs
	// to another account ("" accountID: any account, for operators and jobs).
	Closure(ctx context.Context, id, accountID string) (*ClosureRequest, error)
	// ClosureForUpdate is Closure with the row locked until the transaction ends.
	ClosureForUpdate(ctx context.Context, id, accountID string) (*ClosureRequest, error)
	// ClosureAndAccountForUpdate is ClosureForUpdate for the account's request (accountID is not
	// empty) with the request's account read in the same statement; with lockAccount the
	// account's row is locked too, after the request's, as AccountForUpdate would.
	ClosureAndAccountForUpdate(ctx context.Context, id, accountID string, lockAccount bool) (*ClosureRequest, *AccountRecord, error)
	// ClosureHistoryAndAccountForUpdate is ClosureAndAccountForUpdate with the request's stored
	// history (ClosureEvents) in the same statement, for a step that shows its page.
	ClosureHistoryAndAccountForUpdate(ctx context.Context, id, accountID string, lockAccount bool) (*ClosureRequest, *AccountRecord, []*ClosureEvent, error)
	// ClosureRisk returns when the account's login password last changed and when its newest
	// bound card was bound, zero for never and none: TP-5's signals besides the device.
	ClosureRisk(ctx context.Context, accountID string) (passwordChanged, cardBound time.Time, err error)
	// OpenClosure returns the account's request in one of the open states (closure.Open), locked,
	// or ErrNotFound.
	OpenClosure(ctx context.Context, accountID string, open []ClosureState) (*ClosureRequest, error)
	// UpdateClosure writes c if its Version is unchanged and bumps it; ErrNotFound otherwise.
	UpdateClosure(ctx context.Context, c *ClosureRequest) error
	// AccountClosures lists the account's requests, newest first.
	AccountClosures(ctx context.Context, accountID string, limit int) ([]*ClosureRequest, error)
	// OpenClosures lists requests in the open states (closure.Open) by legal deadline, earliest first.
	OpenClosures(ctx context.Context, open []ClosureState, limit int) ([]*ClosureRequest, error)
	// DueCoolingOff lists requests whose cooling-off ended at or before now.
	DueCoolingOff(ctx context.Context, now time.Time, limit int) ([]*ClosureRequest, error)
	// DueReminders lists cooling-off requests ending after now and at or before until whose
	// reminder has not gone out, and MarkReminded records that it has. One already past its end is
	// left to the closing job: telling its user that the end is near would be wrong, and locking it
	// here would make the closing job skip it.
	DueReminders(ctx context.Context, p DueRemindersParams) ([]*ClosureRequest, error)
	MarkReminded(ctx context.Context, id string, now time.Time) error
	// DueDeadlineWarnings lists requests in the open states whose legal deadline is at or before
	// Until and whose support warning of the stage (1: near, 2: past) has not gone out, locked (SKIP
	// LOCKED), earliest deadline first; MarkDeadlineWarned records that it has (issue 16).
	DueDeadlineWarnings(ctx context.Context, p DueDeadlineWarningsParams) ([]*ClosureRequest, error)
	MarkDeadlineWarned(ctx context.Context, id string, stage int) error
	// IdleClosures lists requests in an expiring state (closure.Expiring) whose expiry passed at or
	// before Now, locked (SKIP LOCKED), earliest expiry first.
	IdleClosures(ctx context.Context, p IdleClosuresParams) ([]*ClosureRequest, error)
	// InsertClosureEvents appends events to requests' histories, in order.
	InsertClosureEvents(ctx context.Context, es []*ClosureEvent) error
	// ClosureEvents returns a request's history, oldest first.
	ClosureEvents(ctx context.Context, closureID string) ([]*ClosureEvent, error)
	// LiveLinkedAccounts lists the account's linked accounts still linked, oldest first.
	LiveLinkedAccounts(ctx context.Context, accountID string) ([]*LinkedAccount, error)
	// EndBindings unbinds the account's cards and unlinks its linked accounts at the time, returning
	// how many of each.
	EndBindings(ctx context.Context, accountID string, now time.Time) (cards, linked int, err error)
}

// DueRemindersParams select the cooling-off requests whose reminder is due.
type DueRemindersParams struct {
	Now, Until time.Time // the cooling-off ends after Now and at or before Until
	Limit      int
}

// DueDeadlineWarningsParams select the open requests whose deadline warning of a stage is due.
type DueDeadlineWarningsParams struct {
	Open  []ClosureState // closure.Open: the store spells no state itself
	Until time.Time      // the legal deadline is at or before it
	Stage int            // 1: near, 2: past
	Limit int
}

// IdleClosuresParams select the requests an idle user let expire. Whether a request expires
// depends on its state and on whether it was submitted for review (closure.Expires), so the
// closure package names the states for each.
type IdleClosuresParams struct {
	Expiring          []ClosureState // closure.Expiring(false)
	ExpiringSubmitted []ClosureState // closure.Expiring(true)
	Now               time.Time
	Limit             int
}

// OneTimeCode is a stored one-time code: only its keyed hash is kept.
type OneTimeCode struct {
	ID        string
	AccountID string
	Purpose   string // e.g. "closure:<id>"
	Channel   Channel
	CodeHash  string
	Attempts  int
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// Captcha is a graphic captcha's hashed answer, single use.
type Captcha struct {
	ID         string
	AccountID  string // "" when fetched before signing in
	AnswerHash string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	UsedAt     time.Time
}

// EmailLink is an e-mail confirmation link (IM-2): single use, hashed, expiring.
type EmailLink struct {
	TokenHash string
	AccountID string
	Purpose   string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// VerifyQueries store verification secrets, hashed.
type VerifyQueries interface {
	InsertCode(ctx context.Context, c *OneTimeCode) error
	// LatestCode returns the newest code of the account for the purpose and channel, or ErrNotFound.
	LatestCode(ctx context.Context, accountID, purpose string, channel Channel) (*OneTimeCode, error)
	// UpdateCode writes the attempts and used time.
	UpdateCode(ctx context.Context, c *OneTimeCode) error
	InsertCaptcha(ctx context.Context, c *Captcha) error
	// TakeCaptcha marks the captcha used and returns it as it was; ErrNotFound when unknown or used.
	TakeCaptcha(ctx context.Context, id string, now time.Time) (*Captcha, error)
	InsertLink(ctx context.Context, l *EmailLink) error
	// PurgeVerifications deletes codes, captchas and links that expired before the time, returning
	// how many rows went.
	PurgeVerifications(ctx context.Context, before time.Time) (int, error)
	// TakeLink marks the link used and returns it as it was; ErrNotFound when unknown or used.
	TakeLink(ctx context.Context, tokenHash string, now time.Time) (*EmailLink, error)
}
