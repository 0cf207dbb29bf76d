package bench_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/bench"
	"github.com/purse-wallet/purse/wallet"
)

// BenchmarkTransfer measures in-process transfers (wallet service, real store, durable commits)
// with 1, 8 and 64 concurrent clients; "sqlite-group" with group commit. PostgreSQL runs when
// PURSE_TEST_POSTGRES is set.
func BenchmarkTransfer(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres", "sqlite-group"} {
		b.Run(name, func(b *testing.B) {
			dialect, group := strings.CutSuffix(name, "-group")
			e := apitest.New(b, dialect, func(c *app.Config) {
				if group {
					c.Wallet.GroupCommit = 64
				}
			})
			ctx := context.Background()
			parties, err := bench.Setup(ctx, e.App, 64)
			if err != nil {
				b.Fatal(err)
			}
			for _, clients := range []int{1, 8, 64} {
				b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
					var wg sync.WaitGroup
					b.ResetTimer()
					for c := 0; c < clients; c++ {
						wg.Add(1)
						go func(c int) {
							defer wg.Done()
							for i := c; i < b.N; i += clients {
								from, to := parties[i%len(parties)], parties[(i*7+1)%len(parties)]
								if from == to {
									to = parties[(i+1)%len(parties)]
								}
								if _, err := e.App.Wallet.TransferGrouped(ctx, bench.ID(from), wallet.TransferRequest{To: bench.ID(to), Amount: 1}); err != nil {
									b.Error(err)
									return
								}
							}
						}(c)
					}
					wg.Wait()
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "transfers/s")
				})
			}
		})
	}
}
