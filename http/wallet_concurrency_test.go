package http_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/wallet"
)

// 1,000 top-ups, withdrawals and transfers from 8 goroutines over a few accounts, so that they
// collide on the same rows: no update is lost, nothing goes negative, every transaction balances
// and the ledger sums to zero per currency (DESIGN.md §4.1).
func TestConcurrentMixKeepsLedgerSound(t *testing.T) {
	t.Parallel()
	concurrentMix(t)
}

// The same with group commit on SQLite: transfers share commits, a refused one rolls back alone.
func TestConcurrentMixWithGroupCommit(t *testing.T) {
	t.Parallel()
	concurrentMix(t, func(c *app.Config) { c.Wallet.GroupCommit = 16 })
}

func concurrentMix(t *testing.T, opts ...apitest.Option) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		w := e.App.Wallet
		const accounts, workers = 5, 8
		// A quarter of the load under -short: the same races between the same workers, a minute
		// less of the short suite (CI runs the whole load).
		ops := 1000
		if testing.Short() {
			ops = 250
		}
		ids := make([]string, accounts)
		cards := make([]string, accounts)
		for i := range ids {
			ids[i] = e.SignUp("").ID
			e.SmallPaymentsFor(ids[i])
			cards[i] = e.BindCard(ids[i])
		}
		var done, refused atomic.Int64
		var in, out atomic.Int64 // money that entered and left the wallet through cards
		var wg sync.WaitGroup
		for g := 0; g < workers; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(g), 42))
				for i := g; i < ops; i += workers {
					a := r.IntN(accounts)
					amount := int64(1 + r.IntN(500))
					var err error
					switch i % 3 {
					case 0:
						_, err = w.Topup(ctx, ids[a], cards[a], amount)
						if err == nil {
							in.Add(amount)
						}
					case 1:
						_, err = w.Withdraw(ctx, ids[a], cards[a], amount, "135790")
						if err == nil {
							out.Add(amount)
						}
					default:
						b := (a + 1 + r.IntN(accounts-1)) % accounts
						_, err = w.TransferGrouped(ctx, ids[a], wallet.TransferRequest{To: ids[b], Amount: amount})
					}
					switch purse.ErrorCode(err) {
					case "":
						done.Add(1)
					case purse.CodeInsufficientFunds:
						refused.Add(1)
					default:
						t.Errorf("op %d: %v", i, err)
					}
				}
			}(g)
		}
		wg.Wait()
		if done.Load()+refused.Load() != int64(ops) {
			t.Fatalf("%d done + %d refused != %d", done.Load(), refused.Load(), ops)
		}
		if n := countTx(t, e); int64(n) != done.Load() {
			t.Fatalf("%d transactions for %d successful movements", n, done.Load())
		}
		var held int64
		for _, id := range ids {
			books, err := w.Balances(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range books {
				held += b.Amount
			}
		}
		if held != in.Load()-out.Load() {
			t.Fatalf("accounts hold %d, but %d came in and %d went out", held, in.Load(), out.Load())
		}
		sound(t, e)
		t.Logf("%d movements, %d refused for funds", done.Load(), refused.Load())
	}, opts...)
}
