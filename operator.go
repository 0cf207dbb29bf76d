package purse

import (
	"context"
	"time"
)

// Role is what an operator (customer service) may do: agents read, reviewers decide closures,
// admins configure.
type Role string

// Operator roles, each including the ones before it.
const (
	RoleAgent    Role = "agent"
	RoleReviewer Role = "reviewer"
	RoleAdmin    Role = "admin"
)

// Includes reports whether a holder of r may act as need.
func (r Role) Includes(need Role) bool {
	rank := map[Role]int{RoleAgent: 1, RoleReviewer: 2, RoleAdmin: 3}
	return rank[r] >= rank[need] && rank[need] > 0
}

// Operator is a customer-service user of the admin console and API.
type Operator struct {
	ID           string    `json:"id"`
	Username     string    `json:"username"`
	Role         Role      `json:"role"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	DisabledAt   time.Time `json:"disabled_at,omitzero"` // zero while the operator may sign in
}

// OperatorToken is an API token of an operator; only its hash is stored.
type OperatorToken struct {
	TokenHash  string
	OperatorID string
	Label      string
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// OperatorQueries store operators and their tokens.
type OperatorQueries interface {
	// InsertOperator stores an operator; ErrDuplicate when the username is taken.
	InsertOperator(ctx context.Context, o *Operator) error
	OperatorByUsername(ctx context.Context, username string) (*Operator, error)
	// OperatorByID returns an operator who is not disabled, or ErrNotFound.
	OperatorByID(ctx context.Context, id string) (*Operator, error)
	InsertOperatorToken(ctx context.Context, t *OperatorToken) error
	// OperatorByToken returns the operator of an unexpired, unrevoked token hash, or ErrNotFound.
	OperatorByToken(ctx context.Context, tokenHash string, now time.Time) (*Operator, error)
	// Operators lists every operator, disabled ones too, by username.
	Operators(ctx context.Context) ([]*Operator, error)
	// OperatorForUpdate returns an operator, disabled or not, and locks its row; ErrNotFound.
	OperatorForUpdate(ctx context.Context, id string) (*Operator, error)
	// UpdateOperator stores an operator's role and DisabledAt.
	UpdateOperator(ctx context.Context, o *Operator) error
	// EnabledAdminsForUpdate returns the ids of the admins who are not disabled and locks their
	// rows, so that two admins demoting each other at once cannot leave none.
	EnabledAdminsForUpdate(ctx context.Context) ([]string, error)
}

// Codes of operator access.
const (
	CodeOperatorUnauthenticated Code = "OPERATOR_UNAUTHENTICATED"
	CodeRoleRequired            Code = "ROLE_REQUIRED"
	CodeUsernameTaken           Code = "USERNAME_TAKEN"
	// CodeLastAdmin refuses to disable or demote the last enabled admin: nobody could manage
	// operators or settings, nor approve a held admin action, any more.
	CodeLastAdmin Code = "LAST_ADMIN"
)
