package main

import (
	"context"

	"github.com/purse-wallet/purse/bench"
)

// BenchEligibilityCmd measures GET /api/v1/closure/eligibility.
type BenchEligibilityCmd struct {
	BenchFlags
	Accounts int `default:"1000" help:"Signed-in accounts the checks cycle over (one in four has a blocker)."`
	Clients  int `default:"16" help:"Concurrent clients (closed loop), or connections with --rate."`
	Rate     int `default:"0" help:"Requests per second, open loop (0: closed loop, the most the server does)."`
}

// Run measures.
func (c *BenchEligibilityCmd) Run() error {
	return c.run(context.Background(), stdout(), bench.Options{Eligibility: true, Accounts: c.Accounts, Clients: c.Clients,
		EligibilityRate: c.Rate})
}
