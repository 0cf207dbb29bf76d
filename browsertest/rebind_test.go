package browsertest

import (
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/jobs"
)

// TestWalkRebind walks AP-9 in Chinese and in English (issue 18: "换绑即可" led to an FAQ answer and
// there was no rebind or appeal flow). Signed out, the new holder of a recycled number goes from
// the registration page to "phone number taken", receives a code on the number and proves it; the
// page says when the number is released. The older holder, signed in, sees the request on the
// security page. Nobody objects: after the waiting period the number is free and the page says so,
// leading to registration. Then a real-name collision: the user appeals from settings, a reviewer
// approves in the console's queue with a reason, and the user reads it. Every page passes axe-core.
//
// Steps: AP-9
func TestWalkRebind(t *testing.T) {
	src := axeSource(t)
	inBoth(t, func(t *testing.T, l lingo) {
		e := demoEnv(t, withSupport)
		b := l.begin(t, e)
		older := l.account(t, e, "older-"+l.lang+"@example.com")
		newOperator(t, e, "rev", purse.RoleReviewer)

		// The new holder of the number, signed out, from the registration page.
		b.Open("/register")
		b.Click("#to-phone-release")
		b.ExpectPath("/phone-release")
		l.expect(b, "#release-h", "手机号被占用", "Phone number taken")
		axeClean(b, src)
		b.Fill("#f-phone", older.Phone)
		b.Click("#send-code")
		l.expect(b, "#code-sent", "短信已发送", "An SMS has been sent")
		code := e.LastSMSCode(older.Phone, "phone_release_code")
		if code == "" {
			t.Fatal("no release code went to the number")
		}
		b.Fill("#f-code", code)
		b.Click("#release-submit")
		l.expect(b, "#release-status", "解除绑定", "unbound on")
		l.page(b, "rebind-waiting")
		axeClean(b, src)

		// The older holder sees it on the security page, and may object there.
		signIn(b, older)
		b.Open("/settings/security")
		if !b.Has("#phone-releases button[id^='object-']") {
			b.Shot("unexpected")
			t.Fatal("the older holder is not shown the release")
		}
		l.page(b, "rebind-holder")
		axeClean(b, src)

		// Nobody objects: the waiting period ends and the number is released.
		e.Clock.Advance(7*24*time.Hour + time.Minute)
		for _, task := range e.App.Jobs {
			if task.Name == "phone_release.due" {
				jobs.RunOnce(context.Background(), task, nil)
			}
		}
		b.Open("/phone-release")
		l.expect(b, "#release-status", "已与旧钱包解除绑定", "now unbound from the older wallet")
		if !b.Has("#to-register") {
			t.Fatal("the released number is not led to registration")
		}
		l.page(b, "rebind-released")

		// A real-name collision is appealed from settings and decided in the console.
		// The older holder's session has run out meanwhile; the wallet stays, and signs in by e-mail
		// now that its number is gone.
		b.Open("/signin")
		b.Fill("#f-login", older.Email)
		b.Fill("#f-password", older.Password)
		b.Click("form.form button[type=submit]")
		b.ExpectPath("/")
		b.Open("/settings")
		b.Click("#to-appeal")
		b.ExpectPath("/help/real-name")
		b.Fill("#f-reason", l.say("旧账户不是我注册的，我可以提供身份证原件", "The older wallet was not opened by me; I can show my ID card"))
		b.Click("#appeal-submit")
		l.expect(b, "#filed", "已提交", "has been sent")
		axeClean(b, src)
		consoleSignIn(b, "rev")
		b.Open("/admin/appeals")
		b.Fill("#appeals input[name='reason']", l.say("已核验身份证原件", "ID card checked"))
		b.Click("#appeals button[value='approve']")
		l.expect(b, "#decided", "申诉已通过", "Appeal approved")
		axeClean(b, src)
		b.Open("/help/real-name")
		l.expect(b, "#appeals", "已通过", "Approved")
		l.expect(b, "#decision", "已核验身份证原件", "ID card checked")
		l.page(b, "rebind-appeal-decided")
	})
}
