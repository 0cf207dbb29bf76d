package browsertest

import (
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// TestOperatorRestoresInCoolingOff: under the strict preset an account waits 7 days in
// cooling-off; its user sees the date it closes and "keep my account", and an operator finds the
// request in the queue and restores the account (GE-4), which the user then sees.
func TestOperatorRestoresInCoolingOff(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite", ct.WithPolicy(t, "strict"))
	u, id := ct.CoolingOff(t, e)
	newOperator(t, e, "carol", purse.RoleReviewer) // restoring is a review action (issue 13)
	b := New(t, e)
	signIn(b, u)
	b.Open("/closure")
	b.ExpectPath("/closure/" + id)
	b.Expect("#result-h", "冷静期")
	if !b.Has("#keep-account") {
		t.Fatal("no keep-my-account button in cooling-off")
	}
	b.Shot("cooling-off")

	consoleSignIn(b, "carol")
	b.Click(".console-nav a[href='/admin/closures']")
	b.Expect("#queue", id)
	b.Shot("console-queue")
	b.Click("#queue a[href='/admin/closures/" + id + "']")
	b.Expect("#closure-state", "冷静期") // cooling_off, in words (issue 18)
	b.Expect("#history", "冷静期")
	b.Shot("console-request")
	b.Choose("#f-identity-check", "bound_phone_callback")
	b.Fill("#f-restore-reason", "客户来电要求保留账户")
	b.Click("#f-restore-confirm")
	b.Click("#restore")
	b.Expect("#saved", "账户已恢复")
	b.Expect("#history", "回拨绑定手机确认")
	b.Expect("#closure-state", "已取消")
	b.Expect("#account-status", "正常")
	b.Shot("console-restored")

	b.Open("/closure/" + id)
	b.Expect("#result-h", "已放弃注销")
	b.Shot("user-after-restore")
}
