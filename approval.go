package purse

import (
	"context"
	"time"
)

// ApprovalState is where a four-eyes request stands (issue 13): pending until a second operator
// approves or rejects it, or until it expires.
type ApprovalState string

// The states of an approval. Only pending moves, and only once.
const (
	ApprovalPending  ApprovalState = "pending"
	ApprovalApproved ApprovalState = "approved"
	ApprovalRejected ApprovalState = "rejected"
	ApprovalExpired  ApprovalState = "expired"
)

// Approval is a value action held for a second operator (maker-checker): who asked (Maker), what
// (Kind, Params, the account and the amount in minor units), why, and, once decided, who decided
// (Checker), the rejection's reason (Note) and what the approved action produced (Result, e.g.
// the ledger transaction).
type Approval struct {
	ID        string            `json:"id"`
	Kind      string            `json:"kind"`
	AccountID string            `json:"account_id,omitempty"`
	Amount    int64             `json:"amount"`
	Params    map[string]string `json:"params,omitempty"`
	Reason    string            `json:"reason,omitempty"`
	Maker     string            `json:"maker"`
	Checker   string            `json:"checker,omitempty"`
	State     ApprovalState     `json:"state"`
	Note      string            `json:"note,omitempty"`
	Result    string            `json:"result,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	ExpiresAt time.Time         `json:"expires_at"`
	DecidedAt time.Time         `json:"decided_at,omitzero"`
}

// ApprovalQueries store four-eyes requests.
type ApprovalQueries interface {
	InsertApproval(ctx context.Context, a *Approval) error
	// ApprovalForUpdate returns the approval and locks its row until the transaction ends, or
	// ErrNotFound.
	ApprovalForUpdate(ctx context.Context, id string) (*Approval, error)
	// Approvals lists approvals in the state, oldest first, at most limit.
	Approvals(ctx context.Context, state ApprovalState, limit int) ([]*Approval, error)
	// DecideApproval stores a pending approval's decision (State, Checker, Note, Result,
	// DecidedAt); ErrNotFound when it is no longer pending.
	DecideApproval(ctx context.Context, a *Approval) error
}

// Codes of the four-eyes rule.
const (
	// CodeApprovalPending is not a failure: the action was stored for a second operator (202).
	CodeApprovalPending Code = "APPROVAL_PENDING"
	CodeApprovalSelf    Code = "APPROVAL_SELF"
	CodeApprovalDecided Code = "APPROVAL_DECIDED"
	CodeApprovalExpired Code = "APPROVAL_EXPIRED"
)
