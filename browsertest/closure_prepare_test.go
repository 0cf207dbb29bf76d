package browsertest

import (
	"testing"

	ct "github.com/purse-wallet/purse/closuretest"
)

// TestWalkPreparation prepares a closure before starting one, in Chinese and in English, as TP-1
// and IM-3 advise: settings → "prepare to close" lists what would stop a closure now (the demo
// account 13800000013's linked Taobao shop and bound card under the tenpay preset), every service
// that ends with the account and the exports; the linked account is unlinked and the card unbound
// on their pages, and the page then says nothing stops a closure. The transactions page, to check
// for payments the user did not make, and the password change are one click away (IM-8, GE-3).
//
// Steps: TP-1, IM-3, IM-8, GE-3, PW-5
func TestWalkPreparation(t *testing.T) {
	inBoth(t, func(t *testing.T, l lingo) {
		e := demoEnv(t, ct.WithPolicy(t, "tenpay"))
		b := l.begin(t, e)
		signIn(b, demoUser("13800000013"))
		b.Click(".tabs a[href='/settings']")
		b.Click("#to-prepare")
		b.ExpectPath("/closure/prepare")
		for _, code := range []string{"LINKED_ACCOUNT_BOUND", "QUICK_PAY_BOUND"} {
			if !b.Has("#blockers [data-code='" + code + "'] a.remedy") {
				b.Shot("unexpected")
				t.Fatalf("%s or its remedy is missing", code)
			}
		}
		l.expect(b, "#prep-blocked", "目前有 2 项", "(2 in all)")
		l.expect(b, "#prep-services-h", "会随注销终止的服务", "Services that end with the account")
		l.expect(b, "#prep-csv", "CSV", "CSV")
		l.page(b, "prepare")
		b.Gallery("prepare-1-services", Phone)

		b.Click("#prep-linked")
		b.ExpectPath("/settings/linked-accounts")
		l.page(b, "linked")
		b.Click("#items button[id^='end-']")
		l.expect(b, "#saved", "已处理", "Done")
		b.Open("/closure/prepare")
		b.Click("#prep-cards")
		b.ExpectPath("/wallet/cards")
		b.Click("#cards button[id^='unbind-']")
		l.page(b, "card-unbound")
		b.Open("/closure/prepare")
		l.expect(b, "#prep-clear", "目前没有阻止注销", "Nothing stops a closure")
		l.page(b, "prepared")

		// IM-8: look for payments one did not make, and change the password if in doubt.
		b.Click("#prep-pdf")
		b.ExpectPath("/wallet/transactions")
		l.page(b, "transactions")
		b.Open("/settings")
		b.Click("#to-security")
		l.expect(b, "#pw-h", "登录密码", "password")
		l.page(b, "security")
	})
}
