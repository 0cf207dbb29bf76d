package purse

import (
	"context"
	"time"
)

// ClosureFunnel counts the closure requests of a period step by step, for the console: how many
// started, were blocked (by blocker code), passed verification, were submitted, and how they ended.
type ClosureFunnel struct {
	Since     time.Time
	Started   int
	Blocked   int          // requests whose recorded blockers hold at least one that blocks
	ByCode    map[Code]int // blocking codes among them, each counted once per request
	Verified  int
	Submitted int
	Closed    int
	Cancelled int
	Failed    int
	// ByReason counts the reasons users gave for leaving (IM-1); most give none.
	ByReason map[ClosureReason]int
}

// ClosureFunnelQueries count closure requests for the console.
type ClosureFunnelQueries interface {
	// ClosureFunnel counts the requests created at or after since. A request's blockers are the
	// last ones recorded, so one that was blocked and then cleared counts as verified, not blocked.
	ClosureFunnel(ctx context.Context, since time.Time) (*ClosureFunnel, error)
}
