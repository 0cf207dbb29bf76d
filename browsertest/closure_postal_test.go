package browsertest

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// TestWalkPostal closes an account under the postal preset (China Post's wallet), in Chinese and
// in English: the closure's first page explains what to do first (PW-5) and links the FAQ
// (PW-6); a balance stops the closure with the withdrawal as its remedy (PW-5); with the balance
// gone, the identity check asks for an SMS code and a graphic captcha, a wrong captcha draws a
// new one (PW-2); the warning that nothing can be recovered comes before the last button (PW-3);
// the account is closed at once and the holder is told by SMS, in their language (PW-4).
//
// Steps: PW-1, PW-2, PW-3, PW-4, PW-5, PW-6, GE-1
func TestWalkPostal(t *testing.T) {
	inBoth(t, func(t *testing.T, l lingo) {
		e := apitest.New(t, "sqlite", ct.WithPolicy(t, "postal"))
		u := l.account(t, e, "")
		ct.Blocker(t, e, u.ID, purse.CodeBalanceNotZero)
		b := l.begin(t, e)
		signIn(b, u)

		// PW-1: settings → the closure page, with its explanation to read at the top.
		toAgreement(b)
		l.expect(b, "#before-h", "注销前", "Before you close")
		l.expect(b, "#before-h + .checklist", "余额", "balance")
		l.page(b, "explanation")
		id := accept(b)
		l.expect(b, "#elig-h", "暂时还不能注销", "cannot be closed yet")
		if !b.Has("#blockers [data-code='BALANCE_NOT_ZERO'] a.remedy") {
			b.Shot("unexpected")
			t.Fatal("the balance or its remedy button is missing")
		}
		l.page(b, "balance-blocks")
		b.Click("#fix-BALANCE_NOT_ZERO")
		b.ExpectPath("/wallet/withdraw?closure=" + id)
		l.page(b, "withdraw")
		// The money leaves through the withdrawal (walked in TestWalkAlipayBlockers); here it is
		// spent at a shop, PW-5's other way.
		ct.Book(t, e, u.ID, purse.BookMain, "CNY", 0)
		b.Click("#back-to-closure")
		b.Click("#recheck")
		giveUpRights(b)

		l.expect(b, "#verify-h", "验证身份", "Confirm it is you")
		if !b.Has("#captcha-img") || !b.Has("#send-sms") {
			b.Shot("unexpected")
			t.Fatal("postal asks for an SMS code and a captcha (PW-2)")
		}
		l.page(b, "verification")
		b.Gallery("postal-1-verification", Phone)
		b.Click("#send-sms")
		b.Fill("#f-sms_code", ct.Code(t, e, u.Phone))
		b.Fill("#f-captcha_answer", "wrong")
		b.Click("#verify-next")
		l.expect(b, "#verify-error", "图形验证码错误", "The picture code is wrong")
		l.page(b, "wrong-captcha")
		solveCaptcha(b, u.ID)
		b.Click("#verify-next")
		l.expect(b, "#confirm-h", "确认注销", "Confirm closure")
		l.expect(b, "#confirm-warning", "无法恢复", "cannot be recovered")
		l.page(b, "warning")
		b.Click("#confirm-closure")
		l.expect(b, "#result-h", "账户已注销", "Your account is closed")
		l.expect(b, "#result", "短信", "SMS")
		l.page(b, "closed")
		if s := e.ClosureState(t, id); s != purse.ClosureClosed {
			t.Fatalf("state %s, want closed", s)
		}
		l.told(t, e, u.Phone, "closure_closed") // PW-4

		// PW-6: the FAQ says the operator's other services stay, and recovery is generally not
		// possible.
		b.Open("/help")
		b.Click("#other summary")
		l.expect(b, "#other .answer", "不会", "No.")
		b.Click("#safety summary")
		l.expect(b, "#safety .answer", "公共 Wi-Fi", "public Wi-Fi")
		b.Click("#recover summary")
		l.page(b, "faq")
	})
}

// solveCaptcha answers the verification page's captcha as a user who reads its picture does: the
// test cannot read a picture, so it draws a captcha of its own for the account, whose answer it
// knows, puts that captcha's id in the form and types the answer.
func solveCaptcha(b *Browser, accountID string) {
	b.T.Helper()
	var id, answer string
	err := b.Env.App.Store.Tx(context.Background(), func(tx purse.Tx) error {
		c, err := b.Env.App.Closures.Captchas.New(context.Background(), tx, accountID)
		if err == nil {
			id, answer = c.ID, c.Answer
		}
		return err
	})
	if err != nil {
		b.T.Fatal(err)
	}
	setHidden(b, "input[name=captcha_id]", id)
	clearAndFill(b, "#f-captcha_answer", answer)
}
