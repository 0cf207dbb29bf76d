package web_test

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// movements counts the account's ledger transactions of the kind.
func movements(t *testing.T, e *apitest.Env, acct string, kind purse.TxKind) int {
	t.Helper()
	var n int
	err := e.DB.SQL().QueryRow(`SELECT COUNT(*) FROM ledger_transactions WHERE account_id = '` + acct +
		`' AND kind = '` + string(kind) + `'`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The same form posted twice (a double click, or the browser sending it again) moves money once
// and shows the first result both times, for every money-moving form.
func TestMoneyFormPostedTwiceMovesOnce(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c, acct, card := walletUser(t, e, "双击")
		ctx := context.Background()
		if _, err := e.App.Wallet.Grant(ctx, "system:test", acct, purse.BookPoints, 1000, "gift"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Wallet.Grant(ctx, "system:test", acct, purse.BookStored, 100, "gift"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Wallet.OpenCreditLine(ctx, "system:test", acct, 50000); err != nil {
			t.Fatal(err)
		}
		other := newClient(t, e)
		phone := other.registerUser("收款人")
		for _, f := range []struct {
			page, action string
			values       url.Values
			kind         purse.TxKind
			book         purse.Book
			delta        int64
			done         string
		}{
			{"/wallet/topup", "/wallet/topup", url.Values{"card": {card}, "amount": {"10"}}, purse.TxTopup, purse.BookMain, 1000, "充值成功"},
			{"/wallet/withdraw", "/wallet/withdraw", url.Values{"card": {card}, "amount": {"5"}, "payment_password": {"135790"}}, purse.TxWithdrawal, purse.BookMain, -500, "提现"},
			{"/wallet/transfer", "/wallet/transfer", url.Values{"to": {phone}, "amount": {"3"}}, purse.TxTransfer, purse.BookMain, -300, "转账成功"},
			{"/wallet/fund", "/wallet/fund/subscribe", url.Values{"amount": {"20"}}, purse.TxFundSubscribe, purse.BookFund, 2000, "转入成功"},
			{"/wallet/fund", "/wallet/fund/redeem", url.Values{"amount": {"5"}}, purse.TxFundRedeem, purse.BookFund, -500, "转出已提交"},
			{"/wallet/points", "/wallet/points", url.Values{"amount": {"100"}}, purse.TxPointsSpend, purse.BookPoints, -100, "积分已使用"},
			{"/wallet/points", "/wallet/points/convert", url.Values{"amount": {"500"}}, purse.TxPointsConvert, purse.BookMain, 500, "兑换成功"},
			{"/wallet/stored", "/wallet/stored", url.Values{"amount": {"40"}}, purse.TxStoredSpend, purse.BookStored, -40, "储值余额已使用"},
			{"/services/credit", "/services/credit/draw", url.Values{"amount": {"50"}}, purse.TxCreditDraw, purse.BookCredit, -5000, "支用成功"},
			{"/services/credit", "/services/credit/repay", url.Values{"amount": {"20"}}, purse.TxCreditRepay, purse.BookCredit, 2000, "还款成功"},
		} {
			form := url.Values{}
			for k, v := range f.values {
				form[k] = v
			}
			p := c.get(f.page)
			form.Set("csrf", csrfRe.FindStringSubmatch(p.Body)[1])
			form.Set("form_token", formTokenOf(p.Body, f.action))
			if form.Get("form_token") == "" {
				t.Fatalf("%s: no form token on %s", f.action, f.page)
			}
			before, n := book(t, e, acct, f.book), movements(t, e, acct, f.kind)
			first := c.do("POST", f.action, form).expect(t, 200, `id="done"`, f.done)
			second := c.do("POST", f.action, form).expect(t, 200, `id="done"`, f.done)
			if first.URL != second.URL {
				t.Errorf("%s: the second post ended on %s, the first on %s", f.action, second.URL, first.URL)
			}
			if got := movements(t, e, acct, f.kind) - n; got != 1 {
				t.Errorf("%s posted twice: %d movements", f.action, got)
			}
			if got := book(t, e, acct, f.book) - before; got != f.delta {
				t.Errorf("%s posted twice: book %s changed by %d, want %d", f.action, f.book, got, f.delta)
			}
			// The used token with another amount (a stale page edited and sent) moves nothing.
			form.Set("amount", "1")
			c.do("POST", f.action, form).expect(t, 409, "此表单已经提交过")
			if got := movements(t, e, acct, f.kind) - n; got != 1 {
				t.Errorf("%s: a reused token moved money", f.action)
			}
		}
	})
}

// A double click sends the two posts at once: one transfer, whichever arrives first.
func TestTransferFormDoubleClick(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c, acct, _ := walletUser(t, e, "双击")
		other := newClient(t, e)
		phone := other.registerUser("收款人")
		p := c.get("/wallet/transfer")
		form := url.Values{"to": {phone}, "amount": {"7"}, "csrf": {csrfRe.FindStringSubmatch(p.Body)[1]},
			"form_token": {formTokenOf(p.Body, "/wallet/transfer")}}
		var wg sync.WaitGroup
		pages := make([]*page, 2)
		for i := range pages {
			wg.Add(1)
			go func() {
				defer wg.Done()
				pages[i] = c.do("POST", "/wallet/transfer", form)
			}()
		}
		wg.Wait()
		for _, p := range pages {
			p.expect(t, 200, "转账成功")
		}
		if n := movements(t, e, acct, purse.TxTransfer); n != 1 {
			t.Fatalf("%d transfers after a double click", n)
		}
		if n := book(t, e, acct, purse.BookMain); n != 10000-700 {
			t.Fatalf("balance %d after a double click, want %d", n, 10000-700)
		}
	})
}

// A money form's stored answers are sealed like the API's: a refusal's page (with the account's
// balance) and a success's redirect are in the idempotency table in no readable form, and a second
// post still shows the first result.
func TestMoneyFormAnswerIsSealed(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c, acct, _ := walletUser(t, e, "封存页面")
		phone := newClient(t, e).registerUser("收款人")
		post := func(amount string, status int, want ...string) {
			t.Helper()
			p := c.get("/wallet/transfer")
			form := url.Values{"to": {phone}, "amount": {amount}, "csrf": {csrfRe.FindStringSubmatch(p.Body)[1]},
				"form_token": {formTokenOf(p.Body, "/wallet/transfer")}}
			c.do("POST", "/wallet/transfer", form).expect(t, status, want...)
			c.do("POST", "/wallet/transfer", form).expect(t, status, want...)
		}
		post("1000", 409, "余额", "¥100.00") // refused: more than the balance
		post("7", 200, "转账成功", "¥93.00")
		rows, err := e.DB.SQL().Query(`SELECT header, body FROM idempotent_responses WHERE scope = '` + "web:" + acct + `'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var header string
			var body []byte
			if err := rows.Scan(&header, &body); err != nil {
				t.Fatal(err)
			}
			n++
			for _, clear := range []string{"余额", "¥100.00", "text/html", "done=transfer"} {
				if strings.Contains(header, clear) || strings.Contains(string(body), clear) {
					t.Fatalf("a stored answer holds %q in clear", clear)
				}
			}
		}
		if err := rows.Err(); err != nil || n < 2 {
			t.Fatalf("%d stored answers for the two forms (%v)", n, err)
		}
	})
}
