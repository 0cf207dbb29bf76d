package main

import (
	"context"

	"github.com/purse-wallet/purse/bench"
)

// BenchAllCmd runs every measurement of this suite on one server per run.
type BenchAllCmd struct {
	BenchFlags
	Accounts       int `default:"1000" help:"Signed-in accounts for the eligibility checks and the background load."`
	Clients        int `default:"16" help:"Concurrent eligibility clients."`
	FlowClients    int `default:"8" help:"Concurrent clients running closure flows."`
	FlowAccounts   int `default:"2000" help:"Accounts made for the flows."`
	Rounds         int `default:"5" help:"Slices the flows and argon2id take turns in, each --duration ÷ --rounds long."`
	PurgeAccounts  int `default:"100000" help:"Closed accounts to purge."`
	PurgeBatch     int `default:"0" help:"Accounts per purge transaction; 0 keeps the lifecycle default."`
	BackgroundRate int `default:"200" help:"Background requests per second during the purge."`
}

// Run measures.
func (c *BenchAllCmd) Run() error {
	return c.run(context.Background(), stdout(), bench.Options{Eligibility: true, Closure: true, Argon: true, Purge: true,
		Accounts: c.Accounts, Clients: c.Clients, FlowClients: c.FlowClients, FlowAccounts: c.FlowAccounts, Rounds: c.Rounds,
		PurgeAccounts: c.PurgeAccounts, PurgeBatch: c.PurgeBatch, BackgroundRate: c.BackgroundRate})
}
