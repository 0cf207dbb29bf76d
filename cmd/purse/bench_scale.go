package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/purse-wallet/purse/bench"
)

// BenchScaleCmd loads each size in bulk on a fresh store and prints p50/p99 of an eligibility
// check, a transfer, a closure step, the transactions page and the admin closure queue, measured
// in rounds that alternate the sizes, and the purge rate, with each later size's ratio to the
// first (issue 19: within 1.3 ×).
type BenchScaleCmd struct {
	DB      string `default:"" help:"Store to measure: empty for SQLite in a temporary directory, or a postgres:// URL (a fresh schema per size, dropped after)."`
	Sizes   []int  `default:"10000,3000000" help:"Bulk accounts at each size, about 10 postings each."`
	Samples int    `default:"2000" help:"Requests timed per measurement and size."`
	Clients int    `default:"4" help:"Concurrent clients of each measurement (few: latency, not the most the server does)."`
	Purge   int    `default:"10000" help:"Closed accounts purged at each size, for the purge rate (0: none)."`
	Rounds  int    `default:"5" help:"Rounds each measurement's samples are split into, visiting the sizes in turn, so that a drifting load falls on every size alike."`
	JSON    bool   `help:"Print JSON instead of tables."`
}

// Run measures.
func (c *BenchScaleCmd) Run() error {
	for _, n := range c.Sizes {
		if n < 1 || n > bench.MaxScaleAccounts {
			return fmt.Errorf("--sizes: %d is not between 1 and %d", n, bench.MaxScaleAccounts)
		}
	}
	if c.Samples < 10 || c.Samples > 100_000 || c.Clients < 1 || c.Clients > 64 || c.Purge < 0 || c.Purge > bench.MaxAccounts || c.Rounds < 1 || c.Rounds > c.Samples {
		return fmt.Errorf("--samples must be 10–100000, --clients 1–64, --purge 0–%d, --rounds 1–samples", bench.MaxAccounts)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rs, err := bench.RunScale(ctx, bench.ScaleOptions{DB: c.DB, Sizes: c.Sizes, Samples: c.Samples, Clients: c.Clients, Purge: c.Purge, Rounds: c.Rounds})
	if c.JSON {
		if perr := bench.PrintJSON(stdout(), rs); perr != nil {
			return perr
		}
	} else if len(rs) > 0 {
		if perr := bench.PrintScale(stdout(), rs); perr != nil {
			return perr
		}
	}
	return err
}
