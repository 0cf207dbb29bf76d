package browsertest

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/closure"
)

// coolingOff takes a fresh account with an e-mail through the strict flow to cooling-off by the
// services, as the wizard does, and returns it with the request's id.
func coolingOff(t *testing.T, e *apitest.Env) (*apitest.User, string) {
	t.Helper()
	ctx := context.Background()
	u := e.SignUp(apitest.NextPhone() + "@example.com")
	s := e.App.Closures
	f, err := s.Start(ctx, u.ID, closure.Env{})
	if err != nil {
		t.Fatal(err)
	}
	id := f.Request.ID
	if _, err = s.Accept(ctx, u.ID, id, true, closure.Env{}); err == nil {
		_, err = s.ConfirmRights(ctx, u.ID, id, true)
	}
	if err == nil {
		_, err = s.SendCode(ctx, u.ID, id, purse.ChannelSMS)
	}
	if err == nil {
		code := sixDigits.FindString(lastMessage(t, e, u.Phone))
		_, err = s.Verify(ctx, u.ID, id, closure.Answers{PaymentPassword: u.PaymentPassword, SMSCode: code})
	}
	if err == nil {
		link := confirmRe.FindString(lastMessage(t, e, u.Email))
		_, err = s.ConfirmLink(ctx, link[len("/closure/confirm?token="):])
	}
	if err == nil {
		f, err = s.Submit(ctx, u.ID, id)
	}
	if err != nil || f.Request.State != purse.ClosureCoolingOff {
		t.Fatalf("to cooling-off: %v", err)
	}
	return u, id
}

// TestOperatorRestoresInCoolingOff: under the strict preset an account waits 7 days in
// cooling-off; its user sees the date it closes and "keep my account", and an operator finds the
// request in the queue and restores the account (GE-4), which the user then sees.
func TestOperatorRestoresInCoolingOff(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite", withPolicy(t, "strict"))
	u, id := coolingOff(t, e)
	newOperator(t, e, "carol", purse.RoleAgent)
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
	next(b, ".console-nav a[href='/admin/closures']")
	b.Expect("#queue", id)
	b.Shot("console-queue")
	next(b, "#queue a[href='/admin/closures/"+id+"']")
	b.Expect("#closure-state", "cooling_off")
	b.Expect("#history", "cooling_off")
	b.Shot("console-request")
	next(b, "#restore")
	b.Expect("#saved", "账户已恢复")
	b.Expect("#closure-state", "cancelled")
	b.Expect("#account-status", "active")
	b.Shot("console-restored")

	b.Open("/closure/" + id)
	b.Expect("#result-h", "已放弃注销")
	b.Shot("user-after-restore")
}
