package sqlstore_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// TestMemoSealedForBothParties: a transfer's memo is in clear nowhere in the row, both parties read
// it while they live, and the purge of one (its key destroyed) leaves it to the other; once both
// keys are gone nobody reads it. A memo of no person (operator books) stays as written.
func TestMemoSealedForBothParties(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *sqlstore.DB, clk *clock.Fixed) {
		ctx := context.Background()
		v := storetest.Sealer(t)
		db.UseSealer(v)
		from, to := newAccount("memo-a", clk.Now()), newAccount("memo-b", clk.Now())
		const memo = "房租 张三 三月"
		transfer := &purse.LedgerTransaction{ID: purse.NewID(), Kind: purse.TxKind("transfer"), Status: purse.TxStatus("settled"),
			AccountID: from.ID, Counterparty: to.ID, Amount: 100, Currency: "CNY", Memo: memo, CreatedAt: clk.Now()}
		system := &purse.LedgerTransaction{ID: purse.NewID(), Kind: purse.TxKind("topup"), Status: purse.TxStatus("settled"),
			AccountID: from.ID, Counterparty: "operator:bank", Amount: 100, Currency: "CNY", CreatedAt: clk.Now()}
		must(t, db.Tx(ctx, func(tx purse.Tx) error {
			for _, a := range []*purse.AccountRecord{from, to} {
				if err := tx.InsertAccount(ctx, a); err != nil {
					return err
				}
				_, wrapped, err := v.NewDataKey(a.ID)
				if err != nil {
					return err
				}
				if err := tx.InsertDataKey(ctx, &purse.DataKey{AccountID: a.ID, Wrapped: wrapped, CreatedAt: tx.Now()}); err != nil {
					return err
				}
			}
			return tx.InsertLedgerTransactions(ctx, []*purse.LedgerTransaction{transfer, system})
		}))
		var clear string
		var sealedA, sealedB []byte
		if err := db.SQL().QueryRow(`SELECT memo, memo_sealed, memo_counter_sealed FROM ledger_transactions WHERE id = '`+
			transfer.ID+`'`).Scan(&clear, &sealedA, &sealedB); err != nil {
			t.Fatal(err)
		}
		if clear != "" || len(sealedA) == 0 || len(sealedB) == 0 || bytes.Contains(sealedA, []byte(memo)) {
			t.Fatalf("stored memo: clear %q, sealed %d and %d bytes", clear, len(sealedA), len(sealedB))
		}
		read := func(viewer string) string {
			t.Helper()
			var l *purse.LedgerTransaction
			must(t, db.Read(ctx, func(tx purse.Tx) error {
				var err error
				l, err = tx.LedgerTransaction(ctx, transfer.ID, viewer)
				return err
			}))
			return l.Memo
		}
		if a, b := read(from.ID), read(to.ID); a != memo || b != memo {
			t.Fatalf("live parties read %q and %q", a, b)
		}
		destroy := func(id string) {
			must(t, db.Tx(ctx, func(tx purse.Tx) error { return tx.DestroyDataKey(ctx, id, tx.Now().Add(time.Hour)) }))
		}
		destroy(from.ID)
		if b := read(to.ID); b != memo {
			t.Errorf("after the sender's purge the recipient reads %q", b)
		}
		destroy(to.ID)
		if b := read(to.ID); b != "" {
			t.Errorf("after both purges the memo reads %q", b)
		}
	})
}
