package main

import (
	"context"

	"github.com/purse-wallet/purse/bench"
)

// BenchPaymentsCmd compares, in one run, transfers without a secret check and with the payment
// password, and with --flows a closure flow's CPU against a transfer's, and on PostgreSQL
// pgbench's TPC-B on the same server (issue 19).
type BenchPaymentsCmd struct {
	BenchFlags
	Clients      int  `default:"16" help:"Concurrent clients (closed loop) for the transfers and pgbench."`
	Accounts     int  `default:"64" help:"Accounts the transfers move between."`
	Rounds       int  `default:"5" help:"Slices the kinds of operation take turns in, each --duration ÷ --rounds long."`
	Flows        bool `default:"true" negatable:"" help:"Run complete closure flows among the transfers and compare their CPU."`
	FlowClients  int  `default:"8" help:"Concurrent clients running closure flows."`
	FlowAccounts int  `default:"2000" help:"Accounts made for the flows: the most flows a run can do."`
	PGBench      bool `default:"true" negatable:"" help:"On PostgreSQL, run pgbench's TPC-B (when installed) among the transfers."`
	PGBenchScale int  `default:"0" help:"pgbench's TPC-B scale; 0 is one branch per client (at least 10), a fair scale for the clients."`
	Instances    int  `default:"1" enum:"1,2" help:"2 (PostgreSQL): also send the transfers, and top-ups, to two purse instances on the same database, against one."`
}

// Run measures.
func (c *BenchPaymentsCmd) Run() error {
	return c.run(context.Background(), stdout(), bench.Options{Payments: true, Closure: c.Flows, PGBench: c.PGBench,
		Clients: c.Clients, TransferAccounts: c.Accounts, Rounds: c.Rounds, FlowClients: c.FlowClients, FlowAccounts: c.FlowAccounts, PGBenchScale: c.PGBenchScale, Instances: c.Instances})
}
