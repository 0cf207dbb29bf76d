package http_test

import (
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
)

func TestCardsBindListUnbind(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u, other := e.SignUp(""), e.SignUp("")
		var c struct{ ID, Last4, Masked, Bank string }
		res := e.Call("POST", "/api/v1/cards", map[string]any{"bank": "ICBC", "card_number": testCard, "holder_name": "Zhang San",
			"payment_password": u.PaymentPassword, "sms_code": e.CardCode(u)}, u.Header()...).Expect(t, 201)
		res.JSON(t, &c)
		if c.Last4 != "0128" || c.Masked != "**** **** **** 0128" || strings.Contains(string(res.Body), "62220212") {
			t.Fatalf("card = %s", res.Body)
		}
		var stored []byte
		if err := e.DB.SQL().QueryRow(`SELECT number_sealed FROM cards WHERE id = '` + c.ID + `'`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(stored), "6222021234567890128") {
			t.Fatal("card number stored in the clear")
		}
		// A bad check digit binds nothing.
		e.Call("POST", "/api/v1/cards", map[string]any{"bank": "ICBC", "card_number": "6222021234567890127", "holder_name": "Z"},
			u.Header()...).ExpectProblem(t, 422, "CARD_NUMBER_INVALID")
		var list struct{ Cards []struct{ ID string } }
		e.Call("GET", "/api/v1/cards", nil, u.Header()...).Expect(t, 200).JSON(t, &list)
		if len(list.Cards) != 1 || list.Cards[0].ID != c.ID {
			t.Fatalf("cards = %+v", list)
		}
		// Another account can neither unbind nor use the card.
		e.Call("DELETE", "/api/v1/cards/"+c.ID, nil, other.Header()...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("POST", "/api/v1/topups", map[string]any{"card_id": c.ID, "amount": 100}, other.Header()...).
			ExpectProblem(t, 404, "NOT_FOUND")
		if len(books(t, e, other)) != 0 {
			t.Fatal("other account's books changed")
		}
		e.Call("GET", "/api/v1/cards", nil, u.Header()...).Expect(t, 200).JSON(t, &list)
		if len(list.Cards) != 1 {
			t.Fatal("another account unbound the card")
		}
		e.Call("DELETE", "/api/v1/cards/"+c.ID, nil, u.Header()...).Expect(t, 204)
		e.Call("GET", "/api/v1/cards", nil, u.Header()...).Expect(t, 200).JSON(t, &list)
		if len(list.Cards) != 0 {
			t.Fatalf("cards after unbind = %+v", list)
		}
		e.Call("POST", "/api/v1/topups", map[string]any{"card_id": c.ID, "amount": 100}, u.Header()...).
			ExpectProblem(t, 404, "NOT_FOUND")
	})
}

func TestTopupWithdrawTransferSettle(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		alice, bob, eve := e.SignUp(""), e.SignUp(""), e.SignUp("")
		e.SmallPayments(alice)
		e.SmallPayments(bob)
		card := bindCard(t, e, alice)
		top := topup(t, e, alice, card, 10000)
		if top.Kind != "topup" || top.Status != "settled" || top.Amount != 10000 || top.Currency != "CNY" {
			t.Fatalf("topup = %+v", top)
		}
		var tr txBody
		e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 2500, "memo": "lunch"},
			alice.Header()...).Expect(t, 201).JSON(t, &tr)
		if tr.Kind != "transfer" || tr.Counterparty != bob.ID {
			t.Fatalf("transfer = %+v", tr)
		}
		// By account id too.
		e.Call("POST", "/api/v1/transfers", map[string]any{"to": alice.ID, "amount": 500}, bob.Header()...).Expect(t, 201)
		var wd txBody
		e.Call("POST", "/api/v1/withdrawals", map[string]any{"card_id": card, "amount": 1000, "payment_password": alice.PaymentPassword}, alice.Header()...).
			Expect(t, 201).JSON(t, &wd)
		if wd.Status != "pending" || wd.SettleAfter == nil || wd.SettledAt != nil {
			t.Fatalf("withdrawal = %+v", wd)
		}
		if got := books(t, e, alice)["balance/CNY"]; got != 10000-2500+500-1000 {
			t.Fatalf("alice balance = %d", got)
		}
		if got := books(t, e, bob)["balance/CNY"]; got != 2000 {
			t.Fatalf("bob balance = %d", got)
		}
		// The recipient sees the transfer; a third account does not.
		e.Call("GET", "/api/v1/transactions/"+tr.ID, nil, bob.Header()...).Expect(t, 200)
		e.Call("GET", "/api/v1/transactions/"+tr.ID, nil, eve.Header()...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("GET", "/api/v1/transactions/not-an-id", nil, eve.Header()...).ExpectProblem(t, 404, "NOT_FOUND")

		// The operator settles the withdrawal now; settling again is refused.
		op := e.Operator("admin")
		var settled txBody
		e.Call("POST", "/api/v1/admin/withdrawals/"+wd.ID+"/settle", nil, apitest.Auth(op)...).Expect(t, 200).JSON(t, &settled)
		if settled.Status != "settled" || settled.SettledAt == nil {
			t.Fatalf("settled = %+v", settled)
		}
		e.Call("POST", "/api/v1/admin/withdrawals/"+wd.ID+"/settle", nil, apitest.Auth(op)...).
			ExpectProblem(t, 409, "TRANSACTION_NOT_PENDING")
		e.Call("POST", "/api/v1/admin/withdrawals/"+tr.ID+"/settle", nil, apitest.Auth(op)...).ExpectProblem(t, 404, "NOT_FOUND")
		// A user token is no operator token.
		e.Call("POST", "/api/v1/admin/withdrawals/"+wd.ID+"/settle", nil, alice.Header()...).
			ExpectProblem(t, 401, "OPERATOR_UNAUTHENTICATED")
		var audits int
		if err := e.DB.SQL().QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action = 'withdrawal.settle'`).Scan(&audits); err != nil {
			t.Fatal(err)
		}
		if audits != 1 {
			t.Fatalf("audit events = %d", audits)
		}
		sound(t, e)
	})
}

func TestWithdrawalSettlesByJobAtMidnight(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		card := bindCard(t, e, u)
		topup(t, e, u, card, 5000)
		var wd txBody
		e.Call("POST", "/api/v1/withdrawals", map[string]any{"card_id": card, "amount": 5000, "payment_password": u.PaymentPassword}, u.Header()...).
			Expect(t, 201).JSON(t, &wd)
		// Epoch is 09:00 UTC = 17:00 in Shanghai; the bank settles at 00:00 Shanghai, 16:00 UTC.
		if *wd.SettleAfter != "2026-03-02T16:00:00Z" {
			t.Fatalf("settle_after = %s", *wd.SettleAfter)
		}
		ctx := t.Context()
		if n, err := e.App.Wallet.SettleDue(ctx, purse.TxWithdrawal); err != nil || n != 0 {
			t.Fatalf("settled early: %d, %v", n, err)
		}
		e.Clock.Advance(7 * 3600e9)
		if n, err := e.App.Wallet.SettleDue(ctx, purse.TxWithdrawal); err != nil || n != 1 {
			t.Fatalf("settled %d, %v", n, err)
		}
		var got txBody
		e.Call("GET", "/api/v1/transactions/"+wd.ID, nil, u.Header()...).Expect(t, 200).JSON(t, &got)
		if got.Status != "settled" || got.SettledAt == nil || *got.SettledAt != "2026-03-02T16:00:00Z" {
			t.Fatalf("after the job: %+v", got)
		}
		sound(t, e)
	})
}

func TestTransactionsPagesAndFilters(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		card := bindCard(t, e, u)
		for i := 0; i < 5; i++ {
			topup(t, e, u, card, int64(100+i))
			e.Clock.Advance(60e9)
		}
		e.Call("POST", "/api/v1/fund/subscriptions", map[string]any{"amount": 50}, u.Header()...).Expect(t, 201)
		type page struct {
			Items []txBody
			Next  string `json:"next_cursor"`
		}
		var seen []int64
		cursor := ""
		for pages := 0; ; pages++ {
			var p page
			e.Call("GET", "/api/v1/transactions?kind=topup&limit=2&cursor="+cursor, nil, u.Header()...).Expect(t, 200).JSON(t, &p)
			for _, it := range p.Items {
				seen = append(seen, it.Amount)
			}
			if p.Next == "" || pages > 5 {
				break
			}
			cursor = p.Next
		}
		if len(seen) != 5 || seen[0] != 104 || seen[4] != 100 {
			t.Fatalf("topups newest first = %v", seen)
		}
		var all page
		e.Call("GET", "/api/v1/transactions?from=2026-03-02T09:02:00Z&to=2026-03-02T09:04:00Z", nil, u.Header()...).
			Expect(t, 200).JSON(t, &all)
		if len(all.Items) != 2 {
			t.Fatalf("date range = %+v", all.Items)
		}
		e.Call("GET", "/api/v1/transactions?cursor=garbage", nil, u.Header()...).ExpectProblem(t, 422, "INVALID_REQUEST")
	})
}

func TestIdempotentTransferHasOneEffect(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		alice, bob := e.SignUp(""), e.SignUp("")
		e.SmallPayments(alice)
		topup(t, e, alice, bindCard(t, e, alice), 1000)
		body := map[string]any{"to": bob.Phone, "amount": 300}
		h := append(alice.Header(), "Idempotency-Key", "transfer-1")
		var first, second txBody
		e.Call("POST", "/api/v1/transfers", body, h...).Expect(t, 201).JSON(t, &first)
		res := e.Call("POST", "/api/v1/transfers", body, h...).Expect(t, 201)
		res.JSON(t, &second)
		if first.ID != second.ID || res.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry answered %+v (replayed %q), first %+v", second, res.Header.Get("Idempotent-Replayed"), first)
		}
		if got := books(t, e, bob)["balance/CNY"]; got != 300 {
			t.Fatalf("bob balance after retry = %d", got)
		}
		sound(t, e)
	})
}

// Above the configured amount the payment password authorizes the transfer; with group commit on
// (as `purse serve` runs SQLite) answers are the same.
func TestTransferPaymentPasswordAndGroupCommit(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		alice, bob, carol := e.SignUp(""), e.SignUp(""), e.SignUp("")
		e.SmallPayments(alice)
		e.SmallPayments(carol)
		topup(t, e, alice, bindCard(t, e, alice), 300000)
		var tr txBody
		e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 200000, "payment_password": alice.PaymentPassword},
			alice.Header()...).Expect(t, 201).JSON(t, &tr)
		e.Call("POST", "/api/v1/transfers", map[string]any{"to": bob.Phone, "amount": 500}, alice.Header()...).Expect(t, 201)
		e.Call("POST", "/api/v1/transfers", map[string]any{"to": alice.Phone, "amount": 500}, carol.Header()...).
			ExpectProblem(t, 409, "INSUFFICIENT_FUNDS")
		if a, b := books(t, e, alice)["balance/CNY"], books(t, e, bob)["balance/CNY"]; a != 99500 || b != 200500 {
			t.Fatalf("balances %d, %d", a, b)
		}
		sound(t, e)
	}, func(c *app.Config) { c.Wallet.GroupCommit = 8 })
}
