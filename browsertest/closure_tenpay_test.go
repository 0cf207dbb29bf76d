package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// tenpayTexts are what the tenpay closure's pages say in one language: a walk finds each on its
// page, and checks every page is in the language.
type tenpayTexts struct {
	lang string // the pages' html lang
	name string // the name the user registers with

	agreement, tick   string // TP-2, TP-3
	rights, lost      string // AP-4
	verify, codeSent  string // TP-4, TP-5
	wrongCode, resend string // GE-1
	confirm, closed   string // TP-6
}

var (
	tenpayChinese = tenpayTexts{lang: "zh-CN", name: "王小明",
		agreement: "注销协议", tick: "我已阅读并完全同意",
		rights: "放弃", lost: "个人信息",
		verify: "验证身份", codeSent: "验证码已发送",
		wrongCode: "验证码错误", resend: "重新获取",
		confirm: "确认注销", closed: "账户已注销"}
	tenpayEnglish = tenpayTexts{lang: "en", name: "Ada Wang",
		agreement: "Closure agreement", tick: "I have read and fully agree",
		rights: "Rights you give up", lost: "Personal information",
		verify: "Confirm it is you", codeSent: "A code was sent to",
		wrongCode: "The verification code is wrong", resend: "Send again",
		confirm: "Confirm closure", closed: "Your account is closed"}
)

// TestClosureTenpayChinese closes a clean account under the tenpay preset entirely by clicking,
// in Chinese: settings → customer service → close account (TP-2), the agreement tick (TP-3), the
// rights page (AP-4), payment password and SMS code with a wrong code first (TP-4, TP-5, GE-1),
// confirm, and the success page (TP-6).
func TestClosureTenpayChinese(t *testing.T) {
	t.Parallel()
	closeTenpay(t, tenpayChinese)
}

// TestClosureTenpayEnglish walks the same closure with the pages switched to English at sign-in:
// every page in English, with no Chinese character and no message id in place of a text.
func TestClosureTenpayEnglish(t *testing.T) {
	t.Parallel()
	closeTenpay(t, tenpayEnglish)
}

// closeTenpay registers an account and closes it under the tenpay preset, in the texts'
// language.
func closeTenpay(t *testing.T, w tenpayTexts) {
	e := apitest.New(t, "sqlite", ct.WithPolicy(t, "tenpay"))
	b := New(t, e)
	speak(b, w.lang)
	phone := apitest.NextPhone()
	register(b, phone, w.name)
	inLanguage(b, w.lang)

	toAgreement(b)
	b.Expect("#agree-h", w.agreement)
	b.Expect("label[for=f-accept]", w.tick)
	inLanguage(b, w.lang)
	id := accept(b)
	b.Expect("#rights-h", w.rights)
	b.Expect("#lost", w.lost)
	inLanguage(b, w.lang)
	b.Shot("rights")
	b.Click("#f-confirm")
	b.Click("#rights-next")
	b.Expect("#verify-h", w.verify)
	inLanguage(b, w.lang)
	b.Shot("verification")

	b.Click("#send-sms")
	b.Expect("#code-sent", w.codeSent)
	inLanguage(b, w.lang)
	if !b.Has("#send-sms[disabled]") {
		t.Fatal("the send button does not count down")
	}
	b.Shot("code-sent")
	code := ct.Code(t, e, phone)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	// The payment password field takes the keyboard: focus it and type, as a keyboard or
	// screen-reader user does.
	b.run("focus the payment password", chromedp.Focus(chromedp.CSS("#f-payment_password")))
	b.Keys("135790")
	b.Fill("#f-sms_code", wrong)
	b.Click("#verify-next")
	b.Expect("#verify-error", w.wrongCode)
	b.Expect("#verify-error", w.resend)
	inLanguage(b, w.lang)
	b.Shot("wrong-code")
	// The payment password passed with the first try; only the code is left.
	if b.Has("#f-payment_password") {
		t.Fatal("the passed payment password is asked again")
	}
	b.Fill("#f-sms_code", code)
	b.Click("#verify-next")
	b.Expect("#confirm-h", w.confirm)
	inLanguage(b, w.lang)
	b.Shot("confirm")
	b.Click("#confirm-closure")
	b.Expect("#result-h", w.closed)
	inLanguage(b, w.lang)
	b.Shot("closed")
	if s := e.ClosureState(t, id); s != purse.ClosureClosed {
		t.Fatalf("state %s, want closed", s)
	}
}
