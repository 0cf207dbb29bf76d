package lifecycle_test

import (
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// balances sums the postings per owner and book: what every balance is, derived from the ledger.
func balances(t *testing.T, e *apitest.Env) map[string]int64 {
	t.Helper()
	rows, err := e.DB.SQL().Query(`SELECT owner, book, currency, SUM(amount) FROM ledger_postings GROUP BY owner, book, currency`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var owner, book, cur string
		var sum int64
		if err := rows.Scan(&owner, &book, &cur, &sum); err != nil {
			t.Fatal(err)
		}
		if sum != 0 {
			out[owner+"/"+book+"/"+cur] = sum
		}
	}
	return out
}

func ledgerSum(t *testing.T, e *apitest.Env) int64 {
	return count(t, e, `SELECT COALESCE(SUM(amount), 0) FROM ledger_postings`)
}

func equal(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestPurgeRecords checks the AML records purge: after the records period the purged account's
// transactions with only expired parties are removed, those a live account still needs stay, every
// balance is what it was and the ledger still sums to zero, and once the counterparty's period
// ends too the rest goes, still balanced.
func TestPurgeRecords(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		a := register(t, e, apitest.NextPhone(), "", "甲")
		b := register(t, e, apitest.NextPhone(), "", "乙")
		bank := "operator:bank"
		transact(t, e, "topup", a, posting{a, purse.BookMain, 10000}, posting{bank, purse.BookOperator, -10000})
		transact(t, e, "topup", b, posting{b, purse.BookMain, 2000}, posting{bank, purse.BookOperator, -2000})
		transfer := transact(t, e, "transfer", a, posting{a, purse.BookMain, -3000}, posting{b, purse.BookMain, 3000})
		transact(t, e, "withdrawal", a, posting{a, purse.BookMain, -7000}, posting{bank, purse.BookOperator, 7000})
		exec(t, e, `INSERT INTO coupons (id, account_id, title, amount, currency, status, expires_at, created_at)
			VALUES (?,?,?,?,?,?,?,?)`, purse.NewID(), a, "满100减10", 1000, "CNY", "expired", 1, 1)
		want := balances(t, e)
		if ledgerSum(t, e) != 0 {
			t.Fatal("fixture ledger does not sum to zero")
		}

		e.MarkClosed(t, a)
		e.Clock.Advance(31 * day)
		run(t, e, "purge-personal") // notice by SMS
		exec(t, e, `UPDATE outbox SET status = 'sent' WHERE account_id = ?`, a)
		run(t, e, "purge-personal") // erase
		if account(t, e, a).Status != purse.StatusPurged {
			t.Fatal("account a not purged")
		}
		// Within the records period nothing goes.
		e.Clock.Advance(4 * 365 * day)
		if n := run(t, e, "purge-records"); n != 0 {
			t.Fatalf("records purge handled %d accounts inside the records period", n)
		}
		e.Clock.Advance(366 * day)
		if n := run(t, e, "purge-records"); n != 1 {
			t.Fatalf("records purge handled %d accounts, want 1", n)
		}
		if got := balances(t, e); !equal(got, want) {
			t.Errorf("balances changed by the records purge: %v, want %v", got, want)
		}
		if s := ledgerSum(t, e); s != 0 {
			t.Errorf("ledger sums to %d after the records purge", s)
		}
		// a's two transactions with the operator only are gone, carried by one; the transfer b
		// still needs stays.
		if n := count(t, e, `SELECT COUNT(*) FROM ledger_transactions WHERE account_id = ? AND memo LIKE 'retention:%'`, a); n != 1 {
			t.Errorf("%d carried transactions, want 1", n)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM ledger_transactions WHERE account_id = ?`, a); n != 2 {
			t.Errorf("%d transactions of a left, want the transfer and the carry", n)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM ledger_transactions WHERE id = ?`, transfer); n != 1 {
			t.Error("the transfer the live account still needs was removed")
		}
		if n := count(t, e, `SELECT COUNT(*) FROM coupons WHERE account_id = ?`, a); n != 0 {
			t.Errorf("%d coupons of a left", n)
		}
		if n := run(t, e, "purge-records"); n != 0 {
			t.Errorf("a second records run handled %d", n)
		}

		// b closes later; when its periods end the transfer goes too, and the ledger still sums
		// to zero with every balance kept.
		e.MarkClosed(t, b)
		e.Clock.Advance(31 * day)
		run(t, e, "purge-personal")
		exec(t, e, `UPDATE outbox SET status = 'sent' WHERE account_id = ?`, b)
		run(t, e, "purge-personal")
		e.Clock.Advance(5*365*day + 2*day)
		if n := run(t, e, "purge-records"); n != 1 {
			t.Fatalf("records purge of b handled %d", n)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM ledger_transactions WHERE id = ?`, transfer); n != 0 {
			t.Error("the transfer stayed after both parties' records periods ended")
		}
		if got := balances(t, e); !equal(got, want) {
			t.Errorf("balances changed: %v, want %v", got, want)
		}
		if s := ledgerSum(t, e); s != 0 {
			t.Errorf("ledger sums to %d", s)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM audit_events WHERE action = 'retention.records_purged'`); n != 2 {
			t.Errorf("%d records_purged audit events, want 2", n)
		}
	})
}
