package main

import (
	"context"

	"github.com/purse-wallet/purse/bench"
)

// BenchPurgeCmd measures the personal-data purge of closed accounts under a background load.
type BenchPurgeCmd struct {
	BenchFlags
	PurgeAccounts  int `default:"100000" help:"Closed accounts to purge."`
	PurgeBatch     int `default:"0" help:"Accounts per purge transaction; 0 keeps the lifecycle default."`
	BackgroundRate int `default:"200" help:"Background GET /api/v1/closure/eligibility per second during the purge."`
	Accounts       int `default:"1000" help:"Signed-in accounts the background load cycles over."`
}

// Run measures.
func (c *BenchPurgeCmd) Run() error {
	return c.run(context.Background(), stdout(), bench.Options{Purge: true, PurgeAccounts: c.PurgeAccounts,
		PurgeBatch: c.PurgeBatch, BackgroundRate: c.BackgroundRate, Accounts: c.Accounts})
}
