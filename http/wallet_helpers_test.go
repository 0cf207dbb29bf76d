package http_test

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// testCard passes the Luhn check.
const testCard = "6222 0212 3456 7890 128"

type txBody struct {
	ID, Kind, Status, Currency, Counterparty string
	Amount                                   int64
	SettledAt                                *string `json:"settled_at"`
	SettleAfter                              *string `json:"settle_after"`
}

func bindCard(t *testing.T, e *apitest.Env, u *apitest.User) string {
	t.Helper()
	return bindCardAs(t, e, u, "Zhang San")
}

// bindCardAs binds testCard in holder's name as the holder does: a code to the bound phone, then
// the card with that code and the payment password (issue 13).
func bindCardAs(t *testing.T, e *apitest.Env, u *apitest.User, holder string) string {
	t.Helper()
	var c struct{ ID string }
	e.Call("POST", "/api/v1/cards", map[string]any{"bank": "ICBC", "card_number": testCard, "holder_name": holder,
		"payment_password": u.PaymentPassword, "sms_code": e.CardCode(u)}, u.Header()...).Expect(t, 201).JSON(t, &c)
	return c.ID
}

func topup(t *testing.T, e *apitest.Env, u *apitest.User, card string, amount int64) txBody {
	t.Helper()
	var tx txBody
	e.Call("POST", "/api/v1/topups", map[string]any{"card_id": card, "amount": amount}, u.Header()...).
		Expect(t, 201).JSON(t, &tx)
	return tx
}

// books returns the user's books as "book/currency" → amount.
func books(t *testing.T, e *apitest.Env, u *apitest.User) map[string]int64 {
	t.Helper()
	var out struct{ Books []purse.BookBalance }
	e.Call("GET", "/api/v1/balances", nil, u.Header()...).Expect(t, 200).JSON(t, &out)
	m := map[string]int64{}
	for _, b := range out.Books {
		m[fmt.Sprintf("%s/%s", b.Book, b.Currency)] = b.Amount
	}
	return m
}

// sound checks the whole ledger: per currency every balance row and every posting sums to zero,
// every transaction's postings balance, no user book but credit is negative, and every balance
// equals the sum of its postings.
func sound(t *testing.T, e *apitest.Env) {
	t.Helper()
	ctx := context.Background()
	err := e.DB.Read(ctx, func(tx purse.Tx) error {
		b, p, err := tx.BookTotals(ctx)
		if err != nil {
			return err
		}
		for cur, n := range b {
			if n != 0 {
				t.Errorf("balances in %s sum to %d", cur, n)
			}
		}
		for cur, n := range p {
			if n != 0 {
				t.Errorf("postings in %s sum to %d", cur, n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]string{
		"unbalanced transactions": `SELECT COUNT(*) FROM (SELECT transaction_id, currency FROM ledger_postings
			GROUP BY transaction_id, currency HAVING SUM(amount) <> 0) u`,
		"negative user books": `SELECT COUNT(*) FROM ledger_balances WHERE amount < 0 AND book NOT IN ('credit','operator')`,
		"balances not their postings": `SELECT COUNT(*) FROM ledger_balances b WHERE amount <> (SELECT COALESCE(SUM(amount), 0)
			FROM ledger_postings p WHERE p.owner = b.owner AND p.book = b.book AND p.currency = b.currency)`,
	}
	for name, q := range checks {
		var n int
		if err := e.DB.SQL().QueryRow(q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n != 0 {
			t.Errorf("%s: %d", name, n)
		}
	}
}

// unchanged fails when the user's books differ from before.
func unchanged(t *testing.T, e *apitest.Env, u *apitest.User, before map[string]int64) {
	t.Helper()
	if after := books(t, e, u); !maps.Equal(before, after) {
		t.Errorf("books changed: before %v, after %v", before, after)
	}
}

func countTx(t *testing.T, e *apitest.Env) int {
	t.Helper()
	var n int
	if err := e.DB.SQL().QueryRow(`SELECT COUNT(*) FROM ledger_transactions`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func withdraw(t *testing.T, e *apitest.Env, u *apitest.User, card string, amount int64) txBody {
	t.Helper()
	var tx txBody
	e.Call("POST", "/api/v1/withdrawals", map[string]any{"card_id": card, "amount": amount, "payment_password": u.PaymentPassword},
		u.Header()...).Expect(t, 201).JSON(t, &tx)
	return tx
}
