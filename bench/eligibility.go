package bench

import (
	"context"
	"time"
)

// Eligibility is the eligibility measurement.
type Eligibility struct {
	Load
	Accounts int `json:"accounts"`
	Blocked  int `json:"blocked"` // accounts with a blocker (one-click pay on)
	Clients  int `json:"clients"`
}

// eligibilityUsers makes the signed-in accounts the eligibility checks and the background load
// use: one in four has a blocker, so both answers are measured.
func (s *Server) eligibilityUsers(ctx context.Context, n int) ([]User, error) {
	return s.makeAccounts(ctx, n, spec{prefix: "150", session: true, blockerEvery: 4})
}

// MeasureEligibility sends GET /api/v1/closure/eligibility from clients closed-loop workers for
// dur, cycling over the users.
func (s *Server) MeasureEligibility(users []User, clients int, dur time.Duration) Eligibility {
	l := getter(s.URL+"/api/v1/closure/eligibility", users, clients, 0, dur, nil)
	return Eligibility{Load: l, Accounts: len(users), Blocked: (len(users) + 3) / 4, Clients: clients}
}
