package browsertest

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
	purshttp "github.com/purse-wallet/purse/http"
)

// TestWalkGeneral walks the general errors and advice of seed 004, in Chinese and in English:
// an app that is too old is asked to update, with the version it needs; maintenance says so, with
// the operator's notice and when to come back, and the pages return when it ends; a code that
// expired is refused with the way to a new one, and the new one passes (GE-1, identity
// verification failed); a top-up form sent again, as after a network failure, moves the money
// once (GE-1, retry safely); the security page advises against public Wi-Fi, offers two-step
// verification and changes the password (GE-7); the help centre says what becomes of the data after closure (GE-8).
//
// Steps: GE-1, GE-7, GE-8
func TestWalkGeneral(t *testing.T) {
	inBoth(t, func(t *testing.T, l lingo) {
		ctx := context.Background()
		e := apitest.New(t, "sqlite", ct.WithPolicy(t, "tenpay"))
		if err := e.App.HTTP.SetMinClientVersion(ctx, "3.2.0"); err != nil {
			t.Fatal(err)
		}
		u := l.account(t, e, "")
		b := l.begin(t, e)

		b.Open("/problems/app-version-outdated")
		l.expect(b, "#problem-h", "请更新应用", "Please update the app")
		b.Expect(".problem", "3.2.0")
		l.page(b, "app-outdated")

		notice := l.say("系统升级", "System upgrade")
		if err := e.App.HTTP.SetMaintenance(ctx, &purshttp.Maintenance{Notice: notice, Until: e.Clock.Now().Add(30 * time.Minute)}); err != nil {
			t.Fatal(err)
		}
		b.Open("/signin")
		l.expect(b, "#problem-h", "系统维护中", "Down for maintenance")
		b.Expect(".problem-msg", notice)
		l.expect(b, ".problem", "预计恢复时间", "Expected back")
		l.page(b, "maintenance")
		b.Gallery("errors-1-maintenance", Phone)
		if err := e.App.HTTP.SetMaintenance(ctx, nil); err != nil {
			t.Fatal(err)
		}

		signIn(b, u)
		agree(b)
		giveUpRights(b)
		b.Click("#send-sms")
		stale := ct.Code(t, e, u.Phone)
		e.Clock.Advance(6 * time.Minute) // codes last 5 minutes
		b.Fill("#f-payment_password", u.PaymentPassword)
		b.Fill("#f-sms_code", stale)
		b.Click("#verify-next")
		l.expect(b, "#verify-error", "验证码已过期", "The verification code has expired")
		l.expect(b, "#send-sms", "重新获取", "Send again")
		l.page(b, "expired-code")
		b.Click("#send-sms")
		if b.Has("#f-payment_password") {
			b.Fill("#f-payment_password", u.PaymentPassword)
		}
		b.Fill("#f-sms_code", ct.Code(t, e, u.Phone))
		b.Click("#verify-next")
		l.expect(b, "#confirm-h", "确认注销", "Confirm closure")
		b.Click("#cancel-closure")

		// A top-up sent twice with the same form, as a browser does when the answer was lost.
		e.BindCard(u.ID)
		b.Open("/wallet/topup")
		token := value(b, "form token", chromedp.Evaluate[string](`document.querySelector("#form-topup input[name=form_token]").value`))
		b.Fill("#topup-amount", "10")
		b.Click("#topup-submit")
		l.expect(b, "#done", "充值成功", "Topped up")
		b.Open("/wallet/topup")
		setHidden(b, "#form-topup input[name=form_token]", token) // the form sent again
		b.Fill("#topup-amount", "10")
		b.Click("#topup-submit")
		l.expect(b, "#done", "充值成功", "Topped up")
		b.Expect("#books", "¥10.00")
		l.page(b, "topup-sent-twice")

		b.Open("/settings")
		b.Click("#to-security")
		l.expect(b, "#advice-h + ul", "公共 Wi-Fi", "public Wi-Fi")
		l.expect(b, "#twostep-h", "两步验证", "Two-step verification")
		b.Fill("#f-current_password", u.Password)
		b.Fill("#f-new_password", "a new passphrase 2")
		b.Fill("#f-new_password2", "a new passphrase 2")
		b.Click("#form-password button[type=submit]")
		l.expect(b, "#done", "登录密码已修改", "Your login password was changed")
		l.page(b, "password-changed")

		b.Open("/help")
		b.Click("#data summary")
		l.expect(b, "#data .answer", "30 天", "30 days")
		l.expect(b, "#data .answer", "5 年", "5 years")
		l.page(b, "data-after-closure")
	})
}
