package main

import (
	"context"

	"github.com/purse-wallet/purse/bench"
)

// BenchClosureCmd measures complete closure flows and the argon2id bound in the same run.
type BenchClosureCmd struct {
	BenchFlags
	FlowClients  int `default:"8" help:"Concurrent clients running closure flows."`
	FlowAccounts int `default:"2000" help:"Accounts made for the flows: the most flows a run can do."`
	Rounds       int `default:"5" help:"Slices the flows and argon2id take turns in, each --duration ÷ --rounds long, so that both see the same drift of the machine."`
}

// Run measures.
func (c *BenchClosureCmd) Run() error {
	return c.run(context.Background(), stdout(), bench.Options{Closure: true, Argon: true,
		FlowClients: c.FlowClients, FlowAccounts: c.FlowAccounts, Rounds: c.Rounds})
}
