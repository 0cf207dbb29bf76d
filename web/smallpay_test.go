package web_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/purse-wallet/purse/apitest"
)

// The security page switches password-free small payments (小额免密, issue 13): off by default,
// on only with the right payment password (a wrong one shows by its field and changes nothing),
// off with one click; the page states the operator's caps.
func TestSmallPaymentsSwitchPage(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		c.registerUser("韩梅梅")
		id := c.accountID()
		on := func() bool {
			sp, err := e.App.Wallet.SmallPayments(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			return sp.Enabled
		}
		c.get("/settings/security").expect(t, 200, "小额免密支付", "未开通", "¥1,000.00", `id="small-on"`)
		c.do("POST", "/settings/security/small-payments", url.Values{"enabled": {"on"}, "small_payment_password": {"135790"}}).
			expect(t, 403)
		c.post("/settings/security", "/settings/security/small-payments", url.Values{"enabled": {"on"}}).
			expect(t, 403, `id="e-small_payment_password"`)
		c.post("/settings/security", "/settings/security/small-payments", url.Values{"enabled": {"on"}, "small_payment_password": {"000000"}}).
			expect(t, 422, "支付密码错误")
		if on() {
			t.Fatal("switched on without the payment password")
		}
		c.post("/settings/security", "/settings/security/small-payments", url.Values{"enabled": {"on"}, "small_payment_password": {"135790"}}).
			expect(t, 200, "小额免密支付已开通", `id="small-off"`)
		if !on() {
			t.Fatal("not switched on")
		}
		c.post("/settings/security", "/settings/security/small-payments", url.Values{"enabled": {"off"}}).
			expect(t, 200, "小额免密支付已关闭", `id="small-on"`)
		if on() {
			t.Fatal("not switched off")
		}
	})
}
