package web_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/i18n"
)

// Points convert on their page at the shown rate; a part unit or more than held is refused by the
// amount field in the reader's language, and nothing moves.
func TestConvertPointsForm(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c, acct, _ := walletUser(t, e, "积分用户")
		if _, err := e.App.Wallet.Grant(context.Background(), "system:test", acct, purse.BookPoints, 300, "gift"); err != nil {
			t.Fatal(err)
		}
		c.get("/wallet/points").expect(t, 200, `id="convert_points-note"`, "每 100 积分兑换 ¥1.00")
		for _, bad := range []struct{ amount, says string }{{"150", "100 的倍数"}, {"0", "请输入"}, {"-100", "请输入"},
			{"400", "积分不足"}} {
			c.post("/wallet/points", "/wallet/points/convert", url.Values{"amount": {bad.amount}}).
				expect(t, statusFor(bad.amount), `id="convert_points-e-amount"`, bad.says)
		}
		c.lang = i18n.English
		c.post("/wallet/points", "/wallet/points/convert", url.Values{"amount": {"150"}}).
			expect(t, 422, `id="convert_points-e-amount"`, "multiple of 100")
		if n := book(t, e, acct, purse.BookPoints); n != 300 {
			t.Fatalf("points %d after refused conversions", n)
		}
		c.post("/wallet/points", "/wallet/points/convert", url.Values{"amount": {"300"}}).
			expect(t, 200, "Converted", "¥103.00")
	})
}

func statusFor(amount string) int {
	if amount == "400" {
		return 409
	}
	return 422
}

// The credit line's whole life on its page: drawn into the balance up to the limit, repaid, closed.
func TestCreditDrawForm(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c, acct, _ := walletUser(t, e, "借款人")
		if _, err := e.App.Wallet.OpenCreditLine(context.Background(), "system:test", acct, 50000); err != nil {
			t.Fatal(err)
		}
		c.get("/services/credit").expect(t, 200, `id="draw-submit"`, `id="credit-available"`)
		c.post("/services/credit", "/services/credit/draw", url.Values{"amount": {"500.01"}}).
			expect(t, 409, `id="draw-e-amount"`, "¥500.00")
		c.post("/services/credit", "/services/credit/draw", url.Values{"amount": {"200"}}).
			expect(t, 200, "支用成功", "¥300.00", "¥200.00")
		if n := book(t, e, acct, purse.BookMain); n != 30000 {
			t.Fatalf("balance %d after drawing 200", n)
		}
		c.post("/services/credit", "/services/credit/repay", url.Values{"amount": {"200"}}).expect(t, 200, "还款成功")
		c.post("/services/credit", "/services/credit/close", url.Values{}).expect(t, 200, "信用额度已关闭", `id="no-credit"`)
		if n := book(t, e, acct, purse.BookCredit); n != 0 {
			t.Fatalf("credit book %d", n)
		}
	})
}
