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
	// Rate is the open-loop pace in requests per second; 0 for closed loop (Clients workers, each
	// sending its next request when the last answered, which measures the most the server does).
	Rate int `json:"rate,omitempty"`
	// CPUus is this process's CPU time per answered check (server, store driver and load
	// generator), DBCPUus the local PostgreSQL server's (0 on SQLite), in microseconds: on two
	// cores, what one check costs bounds how many fit in a second.
	CPUus   float64 `json:"cpu_us_per_check"`
	DBCPUus float64 `json:"db_cpu_us_per_check,omitempty"`
}

// eligibilityUsers makes the signed-in accounts the eligibility checks and the background load
// use: one in four has a blocker, so both answers are measured.
func (s *Server) eligibilityUsers(ctx context.Context, n int) ([]User, error) {
	return s.makeAccounts(ctx, n, spec{prefix: "150", session: true, blockerEvery: 4})
}

// MeasureEligibility sends GET /api/v1/closure/eligibility for dur, cycling over the users: from
// clients closed-loop workers, or at rate requests per second (open loop, over as many as clients
// connections), whose latencies are those of a server at that load rather than at its limit.
// Closed loop at the limit, every request also waits for the ones queued before it, so its p99
// grows with the clients: with 16 on PostgreSQL it says more about the queue than the server.
func (s *Server) MeasureEligibility(users []User, clients, rate int, dur time.Duration) Eligibility {
	url := s.URL + "/api/v1/closure/eligibility"
	if rate > 0 {
		// Open loop, the first requests open the connections (HTTP and the database's) and
		// prepare their statements; a second of the same load first, uncounted, as the ledger
		// bench's --warmup, so that they do not set the p99 alone.
		getter(url, users, clients, rate, time.Second, nil)
	}
	cpu0, db0 := processCPU(), s.dbCPU.read()
	l := getter(url, users, clients, rate, dur, nil)
	cpu, dbCPU := processCPU()-cpu0, s.dbCPU.read()-db0
	ok := int64(l.Requests - l.Errors)
	return Eligibility{Load: l, Accounts: len(users), Blocked: (len(users) + 3) / 4, Clients: clients, Rate: rate,
		CPUus: 1000 * cpuPer(cpu, ok), DBCPUus: 1000 * cpuPer(dbCPU, ok)}
}
