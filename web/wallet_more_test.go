package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/i18n"
)

// Above the operator's threshold a transfer needs the payment password: without it the field says
// so, with a wrong one it says that, and with the right one the money moves.
func TestTransferPaymentPassword(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c, acct, card := walletUser(t, e, "付款人")
		c.post("/wallet/topup", "/wallet/topup", url.Values{"card": {card}, "amount": {"2000"}}).expect(t, 200)
		other := newClient(t, e)
		phone := other.registerUser("收款人")
		c.get("/wallet/transfer").expect(t, 200, `id="transfer-payment_password"`, "¥1,000.00")
		form := url.Values{"to": {phone}, "amount": {"1500"}}
		c.post("/wallet/transfer", "/wallet/transfer", form).expect(t, 403, `id="transfer-e-payment_password"`, "需要输入支付密码", `value="`+phone+`"`)
		form.Set("payment_password", "246802")
		p := c.post("/wallet/transfer", "/wallet/transfer", form)
		if p.Status < 400 || !strings.Contains(p.Body, `id="transfer-e-payment_password"`) {
			t.Fatalf("wrong payment password: %d", p.Status)
		}
		c.post("/wallet/transfer", "/wallet/transfer", url.Values{"to": {"13000000000"}, "amount": {"1"}}).
			expect(t, 404, `id="transfer-e-to"`)
		if n := book(t, e, acct, purse.BookMain); n != 210000 {
			t.Fatalf("balance %d after refused transfers", n)
		}
		form.Set("payment_password", "135790")
		c.post("/wallet/transfer", "/wallet/transfer", form).expect(t, 200, "转账成功", "¥600.00")
	})
}

// The credit line: its debt on the page, closing refused while something is owed, repaid, closed.
func TestCreditPage(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c, acct, _ := walletUser(t, e, "借款人")
		c.get("/services/credit").expect(t, 200, `id="no-credit"`)
		ctx := context.Background()
		if _, err := e.App.Wallet.OpenCreditLine(ctx, "system:test", acct, 50000); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Wallet.DrawCredit(ctx, acct, 1234); err != nil {
			t.Fatal(err)
		}
		c.get("/services/credit").expect(t, 200, "¥500.00", `data-book="credit"`, "¥12.34", `id="repay-submit"`)
		c.post("/services/credit", "/services/credit/close", url.Values{}).expect(t, 409, "¥12.34")
		c.post("/services/credit", "/services/credit/repay", url.Values{"amount": {"12.34"}}).expect(t, 200, "还款成功")
		c.post("/services/credit", "/services/credit/close", url.Values{}).expect(t, 200, "信用额度已关闭", `id="no-credit"`)
		if n := book(t, e, acct, purse.BookCredit); n != 0 {
			t.Fatalf("credit book %d", n)
		}
	})
}

var moreRe = regexp.MustCompile(`href="(/wallet/transactions\?[^"]+)" id="more"`)

// Transactions: newest first, twenty a page with "more", filtered by kind and days; the exports
// answer with the page session.
func TestTransactionsPage(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c, _, card := walletUser(t, e, "记账人")
		for i := 0; i < 24; i++ {
			c.post("/wallet/topup", "/wallet/topup", url.Values{"card": {card}, "amount": {"1"}}).expect(t, 200)
		}
		c.post("/wallet/withdraw", "/wallet/withdraw", url.Values{"card": {card}, "amount": {"5"}, "payment_password": {"135790"}}).expect(t, 200)
		seen := map[string]bool{}
		path := "/wallet/transactions"
		for pages := 0; path != ""; pages++ {
			p := c.get(path).expect(t, 200)
			for _, m := range regexp.MustCompile(`<li data-id="([0-9a-f-]{36})"`).FindAllStringSubmatch(p.Body, -1) {
				if seen[m[1]] {
					t.Fatalf("%s listed twice", m[1])
				}
				seen[m[1]] = true
			}
			path = ""
			if m := moreRe.FindStringSubmatch(p.Body); m != nil {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
			}
			if pages > 3 {
				t.Fatal("too many pages")
			}
		}
		if len(seen) != 26 {
			t.Fatalf("%d transactions over the pages, want 26", len(seen))
		}
		p := c.get("/wallet/transactions?kind=withdrawal").expect(t, 200, "处理中")
		if n := strings.Count(p.Body, `<li data-id=`); n != 1 {
			t.Fatalf("%d withdrawals listed, want 1", n)
		}
		if strings.Contains(p.Body, `id="more"`) {
			t.Fatal("a filtered single page has more")
		}
		c.get("/wallet/transactions?from=2999-01-01").expect(t, 200, "没有符合条件的交易")
		c.get("/wallet/transactions?from=nope").expect(t, 200, "请输入有效日期")
		c.get("/wallet/transactions?cursor=bad").expect(t, 422)

		csv := c.get("/wallet/export/transactions.csv").expect(t, 200)
		if ct := csv.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(csv.Body, "CNY") {
			t.Fatalf("CSV export: %s\n%.300s", ct, csv.Body)
		}
		zip := c.get("/wallet/export/takeout.zip").expect(t, 200)
		if !strings.HasPrefix(zip.Body, "PK") {
			t.Fatal("the takeout is not a zip")
		}
		day := e.Clock.Now().Format("2006-01-02")
		pdf := c.get("/wallet/export/statement.pdf?from="+day+"&to="+day).expect(t, 200)
		if !strings.HasPrefix(pdf.Body, "%PDF") {
			t.Fatal("the statement is not a PDF")
		}
		c.get("/wallet/export/statement.pdf?from=2020-01-01&to=2026-01-01").expect(t, 422)
		// Signed out, the exports send to sign in.
		anon := newClient(t, e)
		if p := anon.get("/wallet/export/transactions.csv"); p.URL != "/signin" {
			t.Fatalf("signed out export ends on %s", p.URL)
		}
	})
}

var wwKey = regexp.MustCompile(`\bww_[a-z0-9_]+`)

// The home page shows the books as money, and every money page renders in both languages with no
// message id left untranslated.
func TestMoneyPagesTranslated(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	for _, lang := range []string{i18n.Chinese, i18n.English} {
		c, acct, _ := walletUser(t, e, "Ada")
		c.lang = lang
		if _, err := e.App.Wallet.Grant(context.Background(), "system:test", acct, purse.BookPoints, 1500, "gift"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Wallet.OpenCreditLine(context.Background(), "system:test", acct, 50000); err != nil {
			t.Fatal(err)
		}
		c.get("/").expect(t, 200, "¥100.00", "1,500", `id="go-withdraw"`)
		for _, path := range []string{"/wallet/cards", "/wallet/topup", "/wallet/withdraw?done=withdraw", "/wallet/transfer",
			"/wallet/fund?done=redeem", "/wallet/points", "/wallet/stored", "/services/credit", "/wallet/transactions"} {
			p := c.get(path).expect(t, 200)
			if m := wwKey.FindString(p.Body); m != "" {
				t.Errorf("%s in %s: untranslated %s", path, lang, m)
			}
			if !strings.Contains(p.Body, `<html lang="`+lang+`">`) {
				t.Errorf("%s: not in %s", path, lang)
			}
		}
	}
}

// Signed out, every money page sends to sign in and come back.
func TestMoneyPagesNeedSignIn(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	c := newClient(t, e).noRedirects()
	for _, path := range []string{"/wallet/cards", "/wallet/topup", "/wallet/withdraw", "/wallet/transfer", "/wallet/fund",
		"/wallet/points", "/wallet/stored", "/services/credit", "/wallet/transactions", "/wallet/export/takeout.zip",
		"/wallet/export/statement.pdf?from=2026-01-01&to=2026-01-02"} {
		p := c.get(path).expect(t, 303)
		if loc := p.Header.Get("Location"); loc != "/signin?next="+url.QueryEscape(path) {
			t.Errorf("%s: sent to %q", path, loc)
		}
	}
	c.do("POST", "/wallet/withdraw", url.Values{"amount": {"1"}}).expect(t, 303)
}
