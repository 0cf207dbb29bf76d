package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/wallet"
)

// A Luhn-valid test card number.
const testCard = "4111 1111 1111 1111"

var cardIDRe = regexp.MustCompile(`id="unbind-([0-9a-f-]{36})"`)

// bindCard binds a card through the form and returns its id.
func bindCard(t *testing.T, c *client) string {
	t.Helper()
	p := c.post("/wallet/cards", "/wallet/cards", url.Values{"bank": {"招商银行"}, "number": {testCard}, "holder": {"李雷"},
		"payment_password": {"135790"}, "sms_code": {c.cardCode()}}).
		expect(t, 200, "银行卡已绑定", "**** **** **** 1111")
	m := cardIDRe.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatal("no card on the cards page")
	}
	return m[1]
}

// cardCode asks for the SMS code that binding a card needs through the cards page and reads it
// from the dev outbox, as the holder reads her phone.
func (c *client) cardCode() string {
	c.t.Helper()
	c.post("/wallet/cards", "/wallet/cards/code", url.Values{}).expect(c.t, 200, `id="done"`)
	a, err := c.e.App.Accounts.Get(context.Background(), c.accountID())
	if err != nil {
		c.t.Fatal(err)
	}
	code, err := notify.NewestCode(context.Background(), c.e.DB, a.Phone, wallet.CardTemplate)
	if err != nil {
		c.t.Fatal(err)
	}
	return code
}

// book returns the amount of the account's book (the credit book as stored, negative when owed).
func book(t *testing.T, e *apitest.Env, acct string, b purse.Book) int64 {
	t.Helper()
	list, err := e.App.Wallet.Balances(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, x := range list {
		if x.Book == b {
			n += x.Amount
		}
	}
	return n
}

// walletUser registers through the form, binds a card and tops up 100.00 yuan.
func walletUser(t *testing.T, e *apitest.Env, name string) (*client, string, string) {
	t.Helper()
	c := newClient(t, e)
	c.registerUser(name)
	acct := c.accountID()
	e.SmallPaymentsFor(acct) // the transfer forms' small amounts go without the payment password
	card := bindCard(t, c)
	c.post("/wallet/topup", "/wallet/topup", url.Values{"card": {card}, "amount": {"100"}}).
		expect(t, 200, "充值成功", "¥100.00")
	if n := book(t, e, acct, purse.BookMain); n != 10000 {
		t.Fatalf("balance %d after topping up 100", n)
	}
	return c, acct, card
}

func TestParseYuanThroughTheForm(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c, acct, card := walletUser(t, e, "韩梅梅")
		// 0.29 yuan is 29 fen exactly, which float parsing would get wrong (0.29*100 = 28.999…).
		c.post("/wallet/topup", "/wallet/topup", url.Values{"card": {card}, "amount": {"0.29"}}).expect(t, 200, "¥100.29")
		c.post("/wallet/topup", "/wallet/topup", url.Values{"card": {card}, "amount": {"12.5"}}).expect(t, 200, "¥112.79")
		for _, bad := range []string{"", "0", "0.00", "1.234", "-5", "1e3", "12,50", "abc", ".5", "5.", "99999999999999"} {
			c.post("/wallet/topup", "/wallet/topup", url.Values{"card": {card}, "amount": {bad}}).
				expect(t, 422, `id="topup-e-amount"`, "请输入有效金额")
		}
		if n := book(t, e, acct, purse.BookMain); n != 11279 {
			t.Fatalf("balance %d, want 11279", n)
		}
	})
}

// Every money form: refused without its CSRF token, refuses a bad amount and an amount beyond the
// book, with the error next to the field in Chinese; changes nothing then; succeeds and moves the
// money with a notice.
func TestMoneyForms(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c, acct, card := walletUser(t, e, "王芳")
		ctx := context.Background()
		if _, err := e.App.Wallet.Grant(ctx, "system:test", acct, purse.BookPoints, 500, "gift"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Wallet.Grant(ctx, "system:test", acct, purse.BookStored, 300, "gift"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Wallet.OpenCreditLine(ctx, "system:test", acct, 50000); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Wallet.DrawCredit(ctx, acct, 2000); err != nil {
			t.Fatal(err)
		}
		other := newClient(t, e)
		other.registerUser("收款人")
		otherID := other.accountID()
		type form struct {
			page, action, id string
			values           url.Values
			big              string // an amount beyond what the book holds
			book             purse.Book
			want             int64 // the book after the good post
			good             string
		}
		forms := []form{
			{"/wallet/withdraw", "/wallet/withdraw", "withdraw", url.Values{"card": {card}, "payment_password": {"135790"}}, "100000", purse.BookMain, 12000 - 1050, "10.50"},
			{"/wallet/transfer", "/wallet/transfer", "transfer", url.Values{"to": {otherID}, "memo": {"午饭"}}, "900.01", purse.BookMain, 10950 - 1000, "10"},
			{"/wallet/fund", "/wallet/fund/subscribe", "subscribe", url.Values{}, "5000", purse.BookFund, 3000, "30"},
			{"/wallet/fund", "/wallet/fund/redeem", "redeem", url.Values{}, "30.01", purse.BookFund, 2000, "10.00"},
			{"/wallet/points", "/wallet/points", "spend_points", url.Values{}, "501", purse.BookPoints, 400, "100"},
			{"/wallet/stored", "/wallet/stored", "spend_stored", url.Values{}, "301", purse.BookStored, 0, "300"},
			{"/services/credit", "/services/credit/repay", "repay", url.Values{}, "20.01", purse.BookCredit, -500, "15"},
		}
		for _, f := range forms {
			before := book(t, e, acct, f.book)
			v := cloneForm(f.values)
			v.Set("amount", f.good)
			c.do("POST", f.action, v).expect(t, 403, "页面已过期")
			v.Set("amount", "1.001")
			c.post(f.page, f.action, v).expect(t, 422, `id="`+f.id+`-e-amount"`)
			v.Set("amount", f.big)
			p := c.post(f.page, f.action, v)
			if p.Status != 409 && p.Status != 422 {
				t.Fatalf("%s: %d for more than the book holds", f.action, p.Status)
			}
			p.expect(t, p.Status, `id="`+f.id+`-e-amount"`)
			if n := book(t, e, acct, f.book); n != before {
				t.Fatalf("%s: book %s %d → %d after refused posts", f.action, f.book, before, n)
			}
			v.Set("amount", f.good)
			p = c.post(f.page, f.action, v).expect(t, 200, `id="done"`)
			if !strings.Contains(p.URL, f.page) {
				t.Fatalf("%s: back on %s", f.action, p.URL)
			}
			if n := book(t, e, acct, f.book); n != f.want {
				t.Fatalf("%s: book %s %d, want %d", f.action, f.book, n, f.want)
			}
		}
		// The fixes' notices: withdrawals wait for the bank, redemptions for the next working day.
		c.get("/wallet/withdraw?done=withdraw").expect(t, 200, "银行结算前显示为处理中")
		c.get("/wallet/fund?done=redeem").expect(t, 200, "下一个工作日到账")
		if n := book(t, e, otherID, purse.BookMain); n != 1000 {
			t.Fatalf("recipient has %d, want 1000", n)
		}
		// Insufficient funds names the book in Chinese.
		c.post("/wallet/withdraw", "/wallet/withdraw", url.Values{"card": {card}, "amount": {"99999"}, "payment_password": {"135790"}}).
			expect(t, 409, "余额不足")
	})
}

// Another account's card is a 404 page for every form that takes one, and nothing moves.
func TestOtherAccountsCard(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c, acct, _ := walletUser(t, e, "甲")
		_, _, theirs := walletUser(t, e, "乙")
		c.post("/wallet/topup", "/wallet/topup", url.Values{"card": {theirs}, "amount": {"1"}}).expect(t, 404)
		c.post("/wallet/withdraw", "/wallet/withdraw", url.Values{"card": {theirs}, "amount": {"1"}, "payment_password": {"135790"}}).expect(t, 404)
		c.post("/wallet/cards", "/wallet/cards/"+theirs+"/unbind", url.Values{}).expect(t, 404)
		c.post("/wallet/cards", "/wallet/cards/not-an-id/unbind", url.Values{}).expect(t, 404)
		if n := book(t, e, acct, purse.BookMain); n != 10000 {
			t.Fatalf("balance %d after refused posts", n)
		}
		cards, err := e.App.Wallet.Cards(context.Background(), acct)
		if err != nil || len(cards) != 1 {
			t.Fatalf("cards %v %v", cards, err)
		}
	})
}

// Cards: a Luhn failure shows by the number field and binds nothing; a CSRF-less unbind is
// refused; unbinding removes the card.
func TestCardsPage(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		c.registerUser("卡主")
		acct := c.accountID()
		c.get("/wallet/withdraw").expect(t, 200, `id="withdraw-nocard"`, "请先绑定一张银行卡")
		c.do("POST", "/wallet/cards", url.Values{"bank": {"工商银行"}, "number": {testCard}, "holder": {"卡主"}}).expect(t, 403)
		c.post("/wallet/cards", "/wallet/cards", url.Values{"bank": {"工商银行"}, "number": {"4111 1111 1111 1112"}, "holder": {"卡主"}}).
			expect(t, 422, `id="bind-e-number"`, "银行卡号无效", `value="工商银行"`)
		if strings.Contains(c.get("/wallet/cards").Body, "1112") {
			t.Fatal("the refused number is shown")
		}
		cards, _ := e.App.Wallet.Cards(context.Background(), acct)
		if len(cards) != 0 {
			t.Fatalf("%d cards after refused binds", len(cards))
		}
		id := bindCard(t, c)
		c.do("POST", "/wallet/cards/"+id+"/unbind", url.Values{}).expect(t, 403)
		c.post("/wallet/cards", "/wallet/cards/"+id+"/unbind", url.Values{}).expect(t, 200, "银行卡已解除绑定", "您还没有绑定银行卡")
		cards, _ = e.App.Wallet.Cards(context.Background(), acct)
		if len(cards) != 0 {
			t.Fatalf("%d cards after unbinding", len(cards))
		}
	})
}
