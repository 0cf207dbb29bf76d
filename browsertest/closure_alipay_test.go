package browsertest

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
	"github.com/purse-wallet/purse/demo"
)

// alipayDemo is a server with the demo accounts under the alipay preset (every AP-8 check), the
// operator's support channels, and a browser on it in the walk's language: one server per
// language for all of a walk's accounts.
func alipayDemo(t *testing.T, l lingo) (*apitest.Env, *Browser) {
	t.Helper()
	e := demoEnv(t, ct.WithPolicy(t, "alipay"), withSupport)
	return e, l.begin(t, e)
}

// blockedBy signs the demo account in, ticks the agreement and checks the condition page lists
// code with its remedy button, in the walk's language; it returns the request's id.
func blockedBy(b *Browser, l lingo, phone, code string) string {
	b.T.Helper()
	signIn(b, demoUser(phone))
	b.Open("/closure")
	id := accept(b)
	l.expect(b, "#elig-h", "暂时还不能注销", "cannot be closed yet")
	if !b.Has("#blockers [data-code='" + code + "'] a.remedy") {
		b.Shot("unexpected")
		b.T.Fatalf("%s: blocker %s or its remedy button is missing", phone, code)
	}
	l.page(b, phone+"-blocked")
	return id
}

// cleared goes back from a remedy page to the request, checks again, and fails the test if code
// still blocks; the next account is signed in afresh.
func cleared(b *Browser, l lingo, code string) {
	b.T.Helper()
	b.Click("#back-to-closure")
	b.Click("#recheck")
	if b.Has("#blockers [data-code='" + code + "']") {
		b.Shot("unexpected")
		b.T.Fatalf("%s still blocks after its remedy", code)
	}
	l.page(b, "cleared-"+code)
}

// signOut signs out from the settings page.
func signOut(b *Browser) {
	b.T.Helper()
	b.Open("/settings")
	b.Click("form[action='/signout'] button")
	b.ExpectPath("/signin")
}

// TestWalkAlipayMoney walks, in Chinese and in English, each AP-8 condition about money with the
// demo account that has it: the condition page shows the blocker in words with its remedy
// button (AP-3), and the remedy is done by clicking until the check passes. A balance is
// withdrawn to a card bound on the way (AP-8.1, GE-1 "balance not cleared"), which then blocks as
// a transaction in progress until the next day, as the card says (AP-8.3); points are spent
// (AP-8.1); the fund is redeemed into the balance, as the card warns (AP-8.2); the credit debt is
// repaid from a top-up and the line closed (AP-8.5, IM-5, GE-5); the stored value is spent
// (AP-8.10).
//
// Steps: AP-3, AP-8, AP-8.1, AP-8.2, AP-8.3, AP-8.5, AP-8.10, IM-5, GE-1, GE-5
func TestWalkAlipayMoney(t *testing.T) {
	inBoth(t, func(t *testing.T, l lingo) {
		_, b := alipayDemo(t, l)

		blockedBy(b, l, "13800000001", "BALANCE_NOT_ZERO")
		l.expect(b, "[data-code='BALANCE_NOT_ZERO'] .blocker-msg", "余额", "balance")
		b.Gallery("alipay-1-blockers", PhoneAndDesktop)
		b.Click("#fix-BALANCE_NOT_ZERO")
		b.Click("#withdraw-bind")
		bindCard(b, "13800000001", l.say("建设银行", "China Construction Bank"), "4111111111111111", "演示用户 01")
		l.expect(b, "#done", "银行卡已绑定", "The card is bound")
		b.Fill("#withdraw-amount", "100")
		b.Fill("#withdraw-payment_password", demo.PaymentPassword)
		b.Click("#withdraw-submit")
		l.expect(b, "#done", "处理中", "pending")
		l.page(b, "withdrawn")
		cleared(b, l, "BALANCE_NOT_ZERO")
		// AP-8.3: the day after a withdrawal still blocks, and the card says until when.
		l.expect(b, "[data-code='TRANSACTION_IN_PROGRESS']", "后可以继续", "you can go on after")
		b.Click("#fix-POINTS_NOT_ZERO")
		b.Fill("#spend_points-amount", "500")
		b.Click("#spend_points-submit")
		l.expect(b, "#done", "积分已使用", "Points used")
		cleared(b, l, "POINTS_NOT_ZERO")
		b.Click("#fix-TRANSACTION_IN_PROGRESS")
		b.ExpectPath("/wallet/transactions")
		l.page(b, "transactions")
		signOut(b)

		blockedBy(b, l, "13800000002", "FUND_NOT_ZERO")
		l.expect(b, "[data-code='FUND_NOT_ZERO'] .loop", "余额", "balance")
		b.Click("#fix-FUND_NOT_ZERO")
		b.Fill("#redeem-amount", "2000")
		b.Click("#redeem-submit")
		l.expect(b, "#done", "转出已提交", "Redemption submitted")
		cleared(b, l, "FUND_NOT_ZERO")
		signOut(b)

		blockedBy(b, l, "13800000005", "CREDIT_LINE_OPEN")
		b.Click("#fix-CREDIT_LINE_OPEN")
		l.expect(b, "#credit-available", "¥700.00", "¥700.00")
		b.Click("#close-submit")
		l.expect(b, "#main", "还清", "repay")
		l.page(b, "credit-close-refused")
		b.Open("/wallet/topup")
		b.Click("#topup-bind")
		bindCard(b, "13800000005", l.say("招商银行", "China Merchants Bank"), "4111111111111111", "演示用户 05")
		b.Fill("#topup-amount", "300")
		b.Click("#topup-submit")
		b.Open("/services/credit")
		b.Fill("#repay-amount", "300")
		b.Click("#repay-submit")
		l.expect(b, "#done", "还款成功", "Repaid")
		b.Click("#close-submit")
		l.expect(b, "#done", "已关闭", "closed")
		l.page(b, "credit-closed")
		b.Open("/closure")
		b.Click("#recheck")
		if b.Has("#blockers [data-code='CREDIT_LINE_OPEN']") {
			b.Shot("unexpected")
			t.Fatal("the closed credit line still blocks")
		}
		signOut(b)

		blockedBy(b, l, "13800000010", "STORED_BALANCE_NOT_ZERO")
		b.Click("#fix-STORED_BALANCE_NOT_ZERO")
		b.Fill("#spend_stored-amount", "50")
		b.Click("#spend_stored-submit")
		l.expect(b, "#done", "宝点已使用", "Baodian used")
		cleared(b, l, "STORED_BALANCE_NOT_ZERO")
	})
}

// TestWalkAlipayServices walks, in Chinese and in English, each AP-8 condition about services
// and business with the demo account that has it: an auto-debit agreement is ended (AP-8.4); the
// special agreement, a dispute and a restriction are support's to resolve, and their pages name
// support's phone and chat (AP-8.6, AP-8.8); a phone-number change under way is cancelled
// (AP-8.7); a merchant asks to end a contract in term early, with a reason, and the page says the
// request waits for review (AP-8.9).
//
// Steps: AP-3, AP-8, AP-8.4, AP-8.6, AP-8.7, AP-8.8, AP-8.9
func TestWalkAlipayServices(t *testing.T) {
	inBoth(t, func(t *testing.T, l lingo) {
		_, b := alipayDemo(t, l)

		blockedBy(b, l, "13800000004", "AUTO_DEBIT_ACTIVE")
		b.Click("#fix-AUTO_DEBIT_ACTIVE")
		b.ExpectPath("/services/auto-debits")
		l.page(b, "auto-debits")
		b.Gallery("alipay-2-remedy-auto-debit", Phone)
		b.Click("#items button[id^='end-']")
		l.expect(b, "#saved", "已处理", "Done")
		cleared(b, l, "AUTO_DEBIT_ACTIVE")
		signOut(b)

		blockedBy(b, l, "13800000006", "AGREEMENT_NOT_MET")
		b.Click("#fix-AGREEMENT_NOT_MET")
		b.Click("#contact summary")
		b.Expect("#support-phone", "95188")
		l.page(b, "agreement-support")
		signOut(b)

		blockedBy(b, l, "13800000007", "BUSINESS_IN_PROGRESS")
		b.Click("#fix-BUSINESS_IN_PROGRESS")
		l.expect(b, "#items", "更换手机号", "Phone number change")
		b.Click("#items button[id^='end-']")
		l.expect(b, "#saved", "已处理", "Done")
		cleared(b, l, "BUSINESS_IN_PROGRESS")
		signOut(b)

		blockedBy(b, l, "13800000008", "ACCOUNT_DISPUTED")
		b.Click("#fix-ACCOUNT_DISPUTED")
		b.ExpectPath("/help/disputes")
		b.Expect("#support-phone", "95188")
		l.page(b, "dispute-support")
		signOut(b)

		blockedBy(b, l, "13800000009", "MERCHANT_CONTRACT_ACTIVE")
		b.Click("#fix-MERCHANT_CONTRACT_ACTIVE")
		b.ExpectPath("/services/contracts")
		b.Fill("#items input[id^='reason-']", l.say("门店停业", "The shop is closing"))
		b.Click("#items button[id^='end-']")
		l.expect(b, "#items", "审核", "support will tell you their decision")
		l.page(b, "contract-termination-asked")
		b.Gallery("alipay-3-contract-termination", Phone)
	})
}

// closureAccount is the account of the closure request id.
func closureAccount(t *testing.T, e *apitest.Env, id string) string {
	t.Helper()
	var account string
	err := e.DB.Read(context.Background(), func(tx purse.Tx) error {
		c, err := tx.Closure(context.Background(), id, "")
		if err == nil {
			account = c.AccountID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return account
}

// verifyAndConfirm passes the identity check of a demo account by clicking (the payment password
// when the form asks for it, and the SMS code read from the outbox) and arrives at the confirm
// page.
func verifyAndConfirm(b *Browser, l lingo, phone string) {
	b.T.Helper()
	l.expect(b, "#verify-h", "验证身份", "Confirm it is you")
	// Asking for the code sends the form back without its other fields: the password comes after.
	b.Click("#send-sms")
	if b.Has("#f-payment_password") {
		b.Fill("#f-payment_password", demo.PaymentPassword)
	}
	b.Fill("#f-sms_code", ct.Code(b.T, b.Env, phone))
	b.Click("#verify-next")
	l.expect(b, "#confirm-h", "确认注销", "Confirm closure")
}

// TestWalkAlipay closes accounts under the alipay preset, in Chinese and in English. The ordinary
// unverified account with a linked Taobao shop (13800000013) enters through customer service →
// self-service (AP-1), is told on the rights page that the shop is unbound with it (AP-4), gives
// its payment password and an SMS code (AP-6), confirms (AP-5) and passes the second check
// (AP-7); the result goes to its e-mail address. The unverified mobile-only account (13800000011)
// is asked for the SMS code alone (AP-6), and its result goes by SMS, as it has no e-mail (AP-5).
// The clean account (13800000000) receives money between its verification and its confirmation:
// the second check fails and the "closure application failed" page says why, in words (AP-7).
//
// Steps: AP-1, AP-4, AP-5, AP-6, AP-7, GE-2
func TestWalkAlipay(t *testing.T) {
	inBoth(t, func(t *testing.T, l lingo) {
		e, b := alipayDemo(t, l)

		signIn(b, demoUser("13800000013"))
		b.Click(".tabs a[href='/service']")
		b.Click("#to-self-service")
		l.expect(b, "h1", "自助服务", "Self-service")
		l.page(b, "self-service")
		b.Click("#close-account")
		b.ExpectPath("/closure?from=self-service")
		accept(b)
		l.expect(b, "#rights-h", "放弃", "Rights you give up")
		l.expect(b, "#linked", "淘宝", "Taobao")
		l.page(b, "rights-linked")
		b.Gallery("alipay-4-rights", Phone)
		giveUpRights(b)
		if !b.Has("#f-payment_password") {
			t.Fatal("an unverified account is asked no payment password (AP-6)")
		}
		l.page(b, "verify-unverified")
		verifyAndConfirm(b, l, "13800000013")
		b.Click("#confirm-closure")
		l.expect(b, "#result-h", "账户已注销", "Your account is closed")
		l.expect(b, "#result", "邮件", "e-mail")
		l.page(b, "closed-by-email")

		signIn(b, demoUser("13800000011"))
		b.Open("/closure")
		accept(b)
		giveUpRights(b)
		if b.Has("#f-payment_password") {
			t.Fatal("a mobile-only account is asked for a payment password (AP-6)")
		}
		l.page(b, "verify-mobile")
		verifyAndConfirm(b, l, "13800000011")
		b.Click("#confirm-closure")
		l.expect(b, "#result-h", "账户已注销", "Your account is closed")
		l.expect(b, "#result", "短信", "SMS")
		l.page(b, "closed-by-sms")

		signIn(b, demoUser("13800000000"))
		b.Open("/closure")
		id := accept(b)
		giveUpRights(b)
		verifyAndConfirm(b, l, "13800000000")
		// Money arrives between the verification and the confirmation.
		ct.Book(t, e, closureAccount(t, e, id), purse.BookMain, "CNY", 500)
		b.Click("#confirm-closure")
		l.expect(b, "#result-h", "注销申请未通过", "Closure application failed")
		l.expect(b, "#result [data-code='BALANCE_NOT_ZERO']", "余额", "balance")
		l.page(b, "failed")
		b.Gallery("alipay-5-failed", Phone)
	})
}
