package ledger_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/ledger"
	"github.com/purse-wallet/purse/storetest"
)

// BenchmarkPostBatch measures the group committer's critical path: one transaction posting a batch
// of transfers between 64 accounts, and its durable commit. ns/op is per transfer; on SQLite this
// serial path bounds the in-process transfer rate (DESIGN.md: one writer).
//
//	go test ./ledger -run '^$' -bench PostBatch -count 5
func BenchmarkPostBatch(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		for _, size := range []int{64, 256} {
			b.Run(fmt.Sprintf("%s/batch=%d", dialect, size), func(b *testing.B) {
				if dialect == "postgres" && storetest.PostgresURL(b) == "" {
					b.Skip("PURSE_TEST_POSTGRES not set")
				}
				db := storetest.Open(b, dialect, clock.NewFixed(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)))
				ctx := context.Background()
				ids := make([]string, 64)
				for i := range ids {
					rec := &purse.AccountRecord{ID: purse.NewID(), Kind: purse.KindMobile, Status: purse.StatusActive,
						PhoneHash: purse.NewID(), Language: "en", Activated: true}
					if err := db.Tx(ctx, func(tx purse.Tx) error {
						rec.CreatedAt, rec.UpdatedAt = tx.Now(), tx.Now()
						if err := tx.InsertAccount(ctx, rec); err != nil {
							return err
						}
						return ledger.Post(ctx, tx, nil, &purse.LedgerTransaction{ID: purse.NewID(), Kind: purse.TxTopup,
							Status: purse.TxSettled, AccountID: rec.ID, Amount: 1e12, Currency: purse.CNY, CreatedAt: tx.Now()},
							[]purse.Posting{ledger.Leg(purse.OwnerBank, "", purse.CNY, -1e12), ledger.Leg(rec.ID, purse.BookMain, purse.CNY, 1e12)})
					}); err != nil {
						b.Fatal(err)
					}
					ids[i] = rec.ID
				}
				b.ResetTimer()
				for done := 0; done < b.N; done += size {
					entries := make([]ledger.Entry, min(size, b.N-done))
					for i := range entries {
						from, to := ids[(done+i)%64], ids[(done+i*7+1)%64]
						if from == to {
							to = ids[(done+i+1)%64]
						}
						entries[i] = ledger.Entry{Tx: &purse.LedgerTransaction{ID: purse.NewID(), Kind: purse.TxTransfer,
							Status: purse.TxSettled, AccountID: from, Counterparty: to, Amount: 1, Currency: purse.CNY},
							Legs: []purse.Posting{ledger.Leg(from, purse.BookMain, purse.CNY, -1), ledger.Leg(to, purse.BookMain, purse.CNY, 1)}}
					}
					if err := db.Tx(ctx, func(tx purse.Tx) error {
						errs, err := ledger.PostBatch(ctx, tx, nil, entries)
						for _, e := range errs {
							if e != nil {
								return e
							}
						}
						return err
					}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
