package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/bank"
	"github.com/purse-wallet/purse/bench"
	purshttp "github.com/purse-wallet/purse/http"
	"github.com/purse-wallet/purse/logs"
	"github.com/purse-wallet/purse/secret"
	"github.com/purse-wallet/purse/wallet"
)

// BenchLedgerCmd measures transfers. On SQLite it writes bench accounts into the file it is given
// (a scratch file, never production); on PostgreSQL into a schema of its own, dropped at the end.
type BenchLedgerCmd struct {
	DB       string        `default:"purse-bench.db" env:"PURSE_BENCH_DB" help:"Scratch SQLite file, or a postgres:// URL (a schema of its own is made and dropped)."`
	Clients  []int         `default:"1,8" help:"Concurrent clients; one run per value."`
	Duration time.Duration `default:"5s" help:"Length of each run."`
	Accounts int           `default:"64" help:"Accounts the transfers move between."`
	Mode     []string      `default:"inprocess,http" enum:"inprocess,http" help:"Where to send transfers from."`
	// GroupCommit batches concurrent transfers into shared commits (see wallet.Group).
	GroupCommit int    `default:"0" help:"Most transfers per commit (0: one commit each)."`
	CPUProfile  string `help:"Write a CPU profile of the runs to this file."`
	// Rate turns each run into an open loop, for latency at a given load (say 70% of the most).
	Rate   int           `default:"0" help:"Transfers started per second whatever the answers (0: a closed loop of --clients)."`
	Warmup time.Duration `default:"1s" help:"Load sent the same way before each run and not counted (connections, prepared statements)."`
}

// Run measures.
func (c *BenchLedgerCmd) Run() error {
	ctx := context.Background()
	// On PostgreSQL every run gets a schema of its own: rows left by earlier runs made later ones
	// slower (a million transfers in the database changed the figures by half).
	db, drop, err := bench.Scratch(ctx, c.DB)
	if err != nil {
		return err
	}
	defer drop()
	store, err := app.OpenStore(ctx, db, purse.SystemClock{})
	if err != nil {
		return err
	}
	defer store.Close()
	key := make([]byte, 32)
	rand.Read(key)
	// Cheap password hashing: the bench measures transfers, not sign-ins. Live switches are cached
	// for two seconds, as `purse serve` does.
	params := secret.Params{Memory: 1024, Time: 1, Threads: 1}
	a, err := app.New(ctx, store, app.Config{MasterKey: key, Clock: purse.SystemClock{},
		Log: logs.New("json", io.Discard, slog.LevelError), HasherParams: &params,
		HTTP: purshttp.Config{Version: version, SettingsTTL: 2 * time.Second}, Wallet: wallet.Config{GroupCommit: c.GroupCommit},
		Gateway: bank.Sandbox{}, DevOutbox: true}) // a scratch store: no bank, no messages
	if err != nil {
		return err
	}
	parties, err := bench.Setup(ctx, a, c.Accounts)
	if err != nil {
		return err
	}
	if c.CPUProfile != "" {
		f, err := os.Create(c.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Printf("purse bench ledger: store %s, %d accounts, %s per run after %s of warm-up, group commit %d\n",
		store.Dialect(), c.Accounts, c.Duration, c.Warmup, c.GroupCommit)
	for _, mode := range c.Mode {
		for _, n := range c.Clients {
			r, err := bench.Ledger(ctx, a, parties, bench.Config{Clients: n, Duration: c.Duration, HTTP: mode == "http", Rate: c.Rate, Warmup: c.Warmup})
			if err != nil {
				return err
			}
			if c.Rate > 0 {
				fmt.Printf("%-9s rate=%-5d %s\n", mode, c.Rate, r)
				break // the rate, not the clients, sets the load
			}
			fmt.Printf("%-9s clients=%-3d %s\n", mode, n, r)
		}
	}
	return nil
}
