package audit_test

import (
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/storetest"
)

// BenchmarkAuditAppends measures concurrent audited transactions (one event each, its own
// transaction and commit) about many accounts on PostgreSQL: "one chain" picks accounts that all
// hash to chain 10, as every account's events did before the split; "16 chains" picks accounts
// spread over the chains. The code and statements are the same; only the head each append waits
// for differs, so the ratio of the two in one run is the split's effect. Run with
// PURSE_TEST_POSTGRES and -count to alternate them:
//
//	go test -run '^$' -bench BenchmarkAuditAppends -benchtime 2000x -count 3 ./audit/
func BenchmarkAuditAppends(b *testing.B) {
	var spread, same []string
	for i := 0; len(same) < 64 || len(spread) < 64; i++ {
		s := fmt.Sprintf("acct-%d", i)
		if len(spread) < 64 {
			spread = append(spread, s)
		}
		if audit.ChainOf(s) == 10 && len(same) < 64 {
			same = append(same, s)
		}
	}
	if os.Getenv("PURSE_TEST_POSTGRES") == "" {
		b.Skip("PURSE_TEST_POSTGRES not set")
	}
	db := storetest.Open(b, "postgres", clock.NewFixed(storetest.Epoch))
	for _, c := range []struct {
		name     string
		subjects []string
	}{{"one chain", same}, {"16 chains", spread}} {
		b.Run(c.name, func(b *testing.B) {
			var n atomic.Int64
			b.SetParallelism(8) // 16 clients on two cores
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					s := c.subjects[n.Add(1)%int64(len(c.subjects))]
					if err := db.Tx(ctx, func(tx purse.Tx) error {
						return audit.Record(ctx, tx, "system", "bench.append", s, nil)
					}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
