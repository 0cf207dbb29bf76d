package purse

import (
	"context"
	"time"
)

// ClosureReason is why a user leaves, when they choose to say (IM-1): unused for long, moving to
// another wallet, security worries, or others. It is asked, never required, and changes nothing
// in the flow; the operator sees the counts beside the closure funnel.
type ClosureReason string

// The reasons a user can give.
const (
	ReasonUnused      ClosureReason = "unused"
	ReasonOtherWallet ClosureReason = "other_wallet"
	ReasonSecurity    ClosureReason = "security"
	ReasonPrivacy     ClosureReason = "privacy"
	ReasonOther       ClosureReason = "other"
)

// ClosureReasons lists them in the order the pages offer them.
var ClosureReasons = []ClosureReason{ReasonUnused, ReasonOtherWallet, ReasonSecurity, ReasonPrivacy, ReasonOther}

// Valid tells whether r is one of ClosureReasons.
func (r ClosureReason) Valid() bool {
	for _, k := range ClosureReasons {
		if r == k {
			return true
		}
	}
	return false
}

// ClosureReasonQueries keep and count the reasons.
type ClosureReasonQueries interface {
	// InsertClosureReason records the reason given at the start of a closure request.
	InsertClosureReason(ctx context.Context, closureID string, r ClosureReason, at time.Time) error
	// ClosureReasonCounts counts the reasons given at or after since.
	ClosureReasonCounts(ctx context.Context, since time.Time) (map[ClosureReason]int, error)
}
