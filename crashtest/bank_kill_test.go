package crashtest

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/bank"
	"github.com/purse-wallet/purse/notify/notifytest"
	"github.com/purse-wallet/purse/storetest"
)

// TestKillBetweenBankRequestAndCallback (issue 13) runs purse as a process against the bank
// simulator on loopback and SIGKILLs it the moment the bank has taken a top-up, and again a
// withdrawal, before purse hears the answer or any callback. After each restart the movement is
// still pending in purse's store; the top-up is settled by the bank's callback, sent twice as a
// bank retries, and the withdrawal, whose callback is lost, by the reconciliation job asking the
// bank. Each settles exactly once: the balance is what the bank moved, the ledger balanced.
func TestKillBetweenBankRequestAndCallback(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the purse binary")
	}
	t.Parallel() // its proof holds at any speed: see the package comment
	t.Run("sqlite", func(t *testing.T) { killBetweenBankRequestAndCallback(t, filepath.Join(t.TempDir(), "purse.db")) })
	t.Run("postgres", func(t *testing.T) { killBetweenBankRequestAndCallback(t, storetest.PostgresURL(t)) })
}

func killBetweenBankRequestAndCallback(t *testing.T, db string) {
	ctx := context.Background()
	store := sealedStore(t, db)
	rx := notifytest.NewReceiver(t, []byte(smsSecret))
	srv := newServer(t, db, masterKey, "PURSE_SMS_WEBHOOK_SECRET="+smsSecret)
	srv.args = []string{"--sms-webhook-url", rx.URL}
	srv.start()
	sim := bankOf(t)
	w := newWallet(t, srv, store, rx, "13712340000", 300_000) // charges settle at once until now
	auth := []string{"Authorization", "Bearer " + w.token}
	balance := func() int64 {
		var out struct {
			Books []struct {
				Book, Currency string
				Amount         int64
			}
		}
		decode(t, call(t, srv.url(), "GET", "/api/v1/balances", nil, auth...), &out)
		for _, b := range out.Books {
			if b.Book == "balance" && b.Currency == "CNY" {
				return b.Amount
			}
		}
		return 0
	}
	status := func(ref string) purse.TxStatus {
		var got *purse.LedgerTransaction
		if err := store.Read(ctx, func(tx purse.Tx) (err error) {
			got, err = tx.LedgerTransaction(ctx, ref, "")
			return err
		}); err != nil {
			t.Fatalf("movement %s: %v", ref, err)
		}
		return got.Status
	}
	// killAtTheBank sends the request; the bank records it and purse dies before it answers.
	killAtTheBank := func(path string, body map[string]any) string {
		t.Helper()
		refs := make(chan string, 1)
		sim.Received = func(ref string) {
			srv.kill()
			refs <- ref
		}
		raw, _ := jsonMarshal(body)
		req, _ := http.NewRequest("POST", srv.url()+path, strings.NewReader(string(raw)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(auth[0], auth[1])
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			t.Fatalf("%s answered %d: purse was to die before the bank answered", path, res.StatusCode)
		}
		ref := <-refs
		sim.Received = nil
		if m := sim.Movement(ref); m == nil || m.Requests != 1 || m.State != bank.Pending {
			t.Fatalf("the bank holds %+v", m)
		}
		if st := status(ref); st != purse.TxPending {
			t.Fatalf("after the kill purse has %s as %s, want pending", ref, st)
		}
		return ref
	}
	if got := balance(); got != 300_000 {
		t.Fatalf("funded balance = %d", got)
	}

	// A top-up: the bank takes the charge, purse dies; restarted, the callback settles it once.
	sim.Decide = func(string, int64) bank.State { return bank.Pending }
	topup := killAtTheBank("/api/v1/topups", map[string]any{"card_id": w.card, "amount": 120_000})
	srv.start()
	if got := balance(); got != 300_000 {
		t.Fatalf("a pending top-up credited the balance: %d", got)
	}
	for i := range 2 { // the bank retries its callback: the second changes nothing
		code, body, err := sim.Callback(ctx, srv.url(), topup, bank.Settled)
		if err != nil || code >= 500 || (i == 0 && code != 200) {
			t.Fatalf("callback %d: %d %s %v", i+1, code, body, err)
		}
	}
	if st := status(topup); st != purse.TxSettled {
		t.Fatalf("top-up after its callback: %s", st)
	}
	if got := balance(); got != 420_000 {
		t.Fatalf("balance after the top-up's callbacks = %d, want 420000 (credited once)", got)
	}

	// A withdrawal: the bank takes the payout, purse dies, and the callback is lost. Restarted,
	// the reconciliation job asks the bank (its window is made due in the store instead of
	// waiting for it) and settles it once.
	out := map[string]any{"card_id": w.card, "amount": 70_000, "payment_password": "135790"}
	payout := killAtTheBank("/api/v1/withdrawals", out)
	sim.Set(payout, bank.Settled)
	if _, err := store.SQL().Exec(rebind(store, `UPDATE ledger_transactions SET settle_after = 1 WHERE id = ?`), payout); err != nil {
		t.Fatal(err)
	}
	srv.start()
	waitUntil(t, "the reconciliation to settle the withdrawal", func() bool { return status(payout) == purse.TxSettled })
	if m := sim.Movement(payout); m.Requests != 1 {
		t.Fatalf("the bank was asked to pay %d times", m.Requests)
	}
	if code, body, err := sim.Callback(ctx, srv.url(), payout, bank.Settled); err != nil || code >= 500 {
		t.Fatalf("late callback: %d %s %v", code, body, err)
	}
	if got := balance(); got != 350_000 {
		t.Fatalf("balance after the withdrawal = %d, want 350000", got)
	}
	srv.kill()
	for what, q := range map[string]string{
		"a transaction's postings do not sum to zero": `SELECT transaction_id FROM ledger_postings GROUP BY transaction_id, currency HAVING SUM(amount) <> 0`,
		"the books do not sum to zero":                `SELECT currency FROM ledger_balances GROUP BY currency HAVING SUM(amount) <> 0`,
		"a balance differs from its postings": `SELECT b.owner FROM ledger_balances b LEFT JOIN
			(SELECT owner, book, currency, SUM(amount) AS s FROM ledger_postings GROUP BY owner, book, currency) p
			ON p.owner = b.owner AND p.book = b.book AND p.currency = b.currency WHERE COALESCE(p.s, 0) <> b.amount`,
	} {
		var bad string
		switch err := store.SQL().QueryRow(q).Scan(&bad); {
		case err == nil:
			t.Errorf("%s: %s", what, bad)
		case !errors.Is(err, sql.ErrNoRows):
			t.Fatalf("%s: %v", what, err)
		}
	}
}
