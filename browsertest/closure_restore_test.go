package browsertest

import (
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// TestOperatorRestoresInCoolingOff, in Chinese and in English: under the strict preset an account
// waits 7 days in cooling-off, where the tenpay preset closes at once (GE-6: operators differ);
// its user sees the date it closes and "keep my account", and an operator finds the request in
// the queue and, having checked the identity, restores the account with a reason (GE-4), which
// the user then sees.
//
// Steps: GE-4, GE-6
func TestOperatorRestoresInCoolingOff(t *testing.T) {
	inBoth(t, func(t *testing.T, l lingo) {
		e := apitest.New(t, "sqlite", ct.WithPolicy(t, "strict"))
		u, id := ct.CoolingOff(t, e)
		newOperator(t, e, "carol", purse.RoleReviewer) // restoring is a review action (issue 13)
		b := l.begin(t, e)
		signIn(b, u)
		b.Open("/closure")
		b.ExpectPath("/closure/" + id)
		l.expect(b, "#result-h", "冷静期", "cooling-off")
		l.expect(b, "#result", "还有 7 天", "7 days from now")
		if !b.Has("#keep-account") {
			t.Fatal("no keep-my-account button in cooling-off")
		}
		l.page(b, "cooling-off")
		b.Gallery("strict-1-cooling-off", Phone)

		consoleSignIn(b, "carol")
		b.Click(".console-nav a[href='/admin/closures']")
		b.Expect("#queue", id)
		l.page(b, "console-queue")
		b.Click("#queue a[href='/admin/closures/" + id + "']")
		l.expect(b, "#closure-state", "冷静期", "Cooling-off") // cooling_off, in words (issue 18)
		l.expect(b, "#history", "冷静期", "ooling-off")
		l.page(b, "console-request")
		b.Choose("#f-identity-check", "bound_phone_callback")
		b.Fill("#f-restore-reason", l.say("客户来电要求保留账户", "The customer called to keep the account"))
		b.Click("#f-restore-confirm")
		b.Click("#restore")
		l.expect(b, "#saved", "账户已恢复", "The account is restored")
		l.expect(b, "#history", "回拨绑定手机确认", "A call back to the bound phone")
		l.expect(b, "#closure-state", "已取消", "Cancelled")
		l.page(b, "console-restored")
		b.Gallery("strict-2-console-restored", Desktop)

		b.Open("/closure/" + id)
		l.expect(b, "#result-h", "已放弃注销", "Closure stopped")
		l.page(b, "user-after-restore")
	})
}
