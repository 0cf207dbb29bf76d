package wallet_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/wallet"
)

// A commit group's statements do not grow with its transfers (issue 19): the accounts are locked
// and read in one statement, the senders' password-free totals read in one and added in one, the
// books read and the rows written by PostBatch's few. Before, each transfer read its sender and
// upserted its day's total alone: 9 + 2 per transfer.
func TestGroupStatementsDoNotGrowWithTheGroup(t *testing.T) {
	t.Parallel()
	setup(t, func(t *testing.T, b *bundle) {
		ids := make([]string, 8)
		for i := range ids {
			ids[i] = b.funded(t, 100_000)
		}
		count := func(n int) (int, []string) {
			var from []string
			var reqs []wallet.TransferRequest
			for i := range n {
				// The first four send to the last four: every group of four or more touches the
				// same eight accounts and books.
				from = append(from, ids[i%4])
				reqs = append(reqs, wallet.TransferRequest{To: ids[4+i%4], Amount: 10})
			}
			var mu sync.Mutex
			var qs []string
			b.DB.OnStatement(func(q string) {
				mu.Lock()
				qs = append(qs, strings.Join(strings.Fields(q), " ")[:min(len(strings.Fields(q)[0])+40, len(q))])
				mu.Unlock()
			})
			_, errs, err := wallet.GroupTransfers(b.ctx, b.svc, from, reqs)
			b.DB.OnStatement(nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, err := range errs {
				if err != nil {
					t.Fatalf("transfer %d of %d: %v", i, n, err)
				}
			}
			return len(qs), qs
		}
		count(4) // warm: the first group prepares what the others reuse
		small, _ := count(4)
		large, qs := count(32)
		t.Logf("%s: a group of 4 sent %d statements, of 32 %d:\n  %s", b.Dialect, small, large, strings.Join(qs, "\n  "))
		if large != small {
			t.Errorf("a group of 32 transfers sent %d statements, of 4 %d: want the same", large, small)
		}
		if large > 12 {
			t.Errorf("a group sent %d statements, want at most 12", large)
		}
		// On PostgreSQL every size binds the same arrays: one insert per table, where VALUES rows
		// went in power-of-two chunks (37 = 32 + 4 + 1: three inserts of transactions, three of
		// postings). SQLite keeps its chunks, prepared once each (sqlstore/arrays.go says why).
		if odd, qs := count(37); b.Dialect == "postgres" && odd != small {
			t.Errorf("a group of 37 transfers sent %d statements, of 4 %d: want the same\n  %s", odd, small, strings.Join(qs, "\n  "))
		}
	})
}

// A group checks each transfer as Transfer would, in order: the day's password-free total counts
// the group's earlier transfers and only the accepted ones are added to it, a refused transfer
// changes nothing, and the payment password is compared against the sender's locked record.
func TestGroupKeepsTheRulesOfATransfer(t *testing.T) {
	t.Parallel()
	setup(t, func(t *testing.T, b *bundle) {
		a, pin, to := b.funded(t, 10_000), b.funded(t, 500_000), b.SignUp("").ID
		poor := b.SignUp("").ID
		b.SmallPaymentsFor(poor)
		card := b.BindCard(poor)
		if _, err := b.svc.Topup(b.ctx, poor, card, 100); err != nil {
			t.Fatal(err)
		}
		from := []string{a, a, poor, a, pin, pin, a}
		reqs := []wallet.TransferRequest{
			{To: to, Amount: 400, Memo: "rent"}, // sealed under both parties' keys
			{To: to, Amount: 400},
			{To: to, Amount: 900}, // insufficient funds: its 900 is not added to poor's day
			{To: to, Amount: 400}, // over the day's 1,000
			{To: to, Amount: wallet.DefaultPasswordAbove + 1, PaymentPassword: "000000"},
			{To: to, Amount: wallet.DefaultPasswordAbove + 1, PaymentPassword: "135790"},
			{To: to, Amount: 200}, // still within the day
		}
		want := []purse.Code{"", "", purse.CodeInsufficientFunds, purse.CodePaymentPasswordNeeded, "PAYMENT_PASSWORD_WRONG", "", ""}
		out, errs, err := wallet.GroupTransfers(b.ctx, b.svc, from, reqs)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{a, to} {
			if got, err := b.svc.Transaction(b.ctx, id, out[0].ID); err != nil || got.Memo != "rent" || got.Amount != 400 {
				t.Errorf("the first transfer as %s reads it: %+v, %v", id, got, err)
			}
		}
		for i, w := range want {
			if got := purse.ErrorCode(errs[i]); got != w {
				t.Errorf("transfer %d: %v, want %s", i, errs[i], w)
			}
		}
		if got, want := b.balance(t, to), int64(1_000+wallet.DefaultPasswordAbove+1); got != want {
			t.Errorf("recipient has %d, want %d", got, want)
		}
		// The day holds 1,000 of a's and nothing of poor's: a's next password-free transfer is
		// refused, poor's (funded meanwhile) is not.
		if _, err := b.svc.Transfer(b.ctx, a, wallet.TransferRequest{To: to, Amount: 1}); purse.ErrorCode(err) != purse.CodePaymentPasswordNeeded {
			t.Errorf("a's transfer after the day's total: %v", err)
		}
		if _, err := b.svc.Topup(b.ctx, poor, card, 1_000); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.Transfer(b.ctx, poor, wallet.TransferRequest{To: to, Amount: 1_000}); err != nil {
			t.Errorf("poor's transfer within the day: %v", err)
		}
	}, func(c *app.Config) { c.Wallet.SmallDaily = 1_000 })
}
