package main

import (
	"context"
	"encoding/json"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/purse-wallet/purse/bench"
)

// BenchOpsCmd runs a fixed number of closure flows or transfers after the same setup and prints
// what it did as JSON: the run `purse bench instructions` counts under valgrind at two counts.
type BenchOpsCmd struct {
	DB       string        `default:"" help:"Store: empty for SQLite in a temporary directory, or a postgres:// URL (a fresh schema is made and dropped)."`
	Op       string        `default:"transfer" enum:"flow,transfer" help:"What to count: complete tenpay closure flows, or 1.00 CNY transfers in commit groups (as bench payments runs them)."`
	Clients  int           `default:"16" help:"Concurrent clients (closed loop)."`
	N        int           `default:"100" help:"Operations counted, after the warm-up."`
	Warm     int           `default:"32" help:"Operations run first and not counted."`
	Accounts int           `default:"0" help:"Flows: accounts made (at least --warm + --n; 0: exactly that). Transfers: accounts they move between (0: 64)."`
	Idle     time.Duration `default:"0s" help:"Time the server then sits without requests (the process's background, measured at --n 0)."`
	Deadline time.Duration `default:"0s" help:"How long a request may wait on the database (0: purse's default): longer for a PostgreSQL under valgrind."`
	// CPUProfile says where the counted operations' time goes by caller (go tool pprof).
	CPUProfile string `help:"Write a CPU profile of the counted operations (not the setup or warm-up) to this file."`
}

// Run runs the operations.
func (c *BenchOpsCmd) Run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o := c.options()
	if c.CPUProfile != "" {
		f, err := os.Create(c.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		o.CPUProfile = f
	}
	r, err := bench.RunOps(ctx, o)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}

func (c *BenchOpsCmd) options() bench.OpsOptions {
	o := bench.OpsOptions{DB: c.DB, Op: c.Op, Clients: c.Clients, N: c.N, Warm: c.Warm, Accounts: c.Accounts, Idle: c.Idle, StoreDeadline: c.Deadline}
	if o.Accounts <= 0 {
		o.Accounts = bench.Defaults.TransferAccounts
		if o.Op == bench.OpFlow {
			o.Accounts = o.Warm + o.N
		}
	}
	return o
}
