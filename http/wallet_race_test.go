package http_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/wallet"
)

// DESIGN.md §4.2 under concurrency: while transfers pour into and out of an account, the closure
// engine's move to closing (the account row locked FOR UPDATE, as the engine does) serializes with
// them. Whatever postings the account has when the move commits are all it ever has.
func TestNoPostingAfterClosingUnderConcurrency(t *testing.T) {
	t.Parallel()
	closingRace(t)
}

// The same with group commit (batched posting on SQLite).
func TestNoPostingAfterClosingWithGroupCommit(t *testing.T) {
	t.Parallel()
	closingRace(t, func(c *app.Config) { c.Wallet.GroupCommit = 16 })
}

func closingRace(t *testing.T, opts ...apitest.Option) {
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		w := e.App.Wallet
		target := e.SignUp("")
		e.SmallPayments(target)
		others := make([]string, 4)
		for i := range others {
			others[i] = e.SignUp("").ID
			e.SmallPaymentsFor(others[i])
			if _, err := w.Topup(ctx, others[i], e.BindCard(others[i]), 1_000_000); err != nil {
				t.Fatal(err)
			}
		}
		postings := func(tx purse.Tx) int {
			var n int
			// Read through the transaction so the count is the one the closing move sees.
			rows, err := tx.LedgerTransactions(ctx, purse.TxFilter{AccountID: target.ID, Limit: 100000})
			if err != nil {
				t.Error(err)
			}
			n = len(rows)
			return n
		}
		var wg sync.WaitGroup
		stop := make(chan struct{})
		var once sync.Once
		halt := func() { once.Do(func() { close(stop) }); wg.Wait() }
		// Registered after the store's, so run before it closes: a t.Fatal below left the
		// transfers running into a closed database, and their "database is closed" was all that
		// CI's excerpt of a failed run showed (session 14).
		t.Cleanup(halt)
		// A group whose commit the database failed (UNAVAILABLE: a connection refused by a full
		// server, a conflict it broke) is an outage of the moment, not this test's subject: what
		// is checked is that no posting reaches the account once it is closing. Each is logged.
		transient := func(err error) bool {
			if purse.ErrorCode(err) == purse.CodeUnavailable {
				t.Logf("transient: %v", err)
				return true
			}
			return false
		}
		for i, id := range others {
			wg.Add(1)
			go func(i int, id string) {
				defer wg.Done()
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					var err error
					if n%2 == 0 {
						_, err = w.TransferGrouped(ctx, id, wallet.TransferRequest{To: target.ID, Amount: 2})
					} else {
						_, err = w.TransferGrouped(ctx, target.ID, wallet.TransferRequest{To: id, Amount: 1})
					}
					if c := purse.ErrorCode(err); c != "" && c != purse.CodeAccountNotActive && c != purse.CodeInsufficientFunds && !transient(err) {
						t.Errorf("transfer: %v", err)
						return
					}
				}
			}(i, id)
		}
		// Let some transfers land, then close. The deadline stops the wait should the transfers
		// have stopped (each goroutine gives up at its first unexpected error).
		for deadline := time.Now().Add(2 * time.Minute); ; {
			var n int
			if err := e.DB.Read(ctx, func(tx purse.Tx) error { n = postings(tx); return nil }); err != nil && !transient(err) {
				t.Fatal(err)
			}
			if n >= 20 {
				break
			}
			if time.Now().After(deadline) {
				halt()
				t.Fatalf("%d movements after two minutes of transfers, want 20", n)
			}
			time.Sleep(5 * time.Millisecond)
		}
		var atClosing int
		for try := 0; ; try++ {
			err := e.DB.Tx(ctx, func(tx purse.Tx) error {
				rec, err := tx.AccountForUpdate(ctx, target.ID)
				if err != nil {
					return err
				}
				atClosing = postings(tx)
				rec.Status = purse.StatusClosing
				return tx.UpdateAccount(ctx, rec)
			})
			if err == nil {
				break
			}
			if try == 10 || !transient(err) {
				t.Fatalf("the move to closing: %v", err)
			}
		}
		// Keep trying for a while after the move, then stop.
		for i, failed := 0, 0; i < 50; i++ {
			_, err := w.TransferGrouped(ctx, others[0], wallet.TransferRequest{To: target.ID, Amount: 1})
			if transient(err) && failed < 10 {
				failed, i = failed+1, i-1
				continue
			}
			if c := purse.ErrorCode(err); c != purse.CodeAccountNotActive {
				t.Fatalf("transfer into a closing account: %v (code %q)", err, c)
			}
		}
		halt()
		var after int
		if err := e.DB.Read(ctx, func(tx purse.Tx) error { after = postings(tx); return nil }); err != nil {
			t.Fatal(err)
		}
		if after != atClosing {
			t.Fatalf("%d movements when the account entered closing, %d after", atClosing, after)
		}
		sound(t, e)
	}, opts...)
}
