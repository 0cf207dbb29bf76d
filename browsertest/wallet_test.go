package browsertest

import (
	"testing"

	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
	"github.com/purse-wallet/purse/demo"
)

// TestWalletMoney binds a card, tops up, withdraws the whole balance and sees the home page's
// books change, in Chinese, by clicking through the quick actions; the harness fails the test if
// any page asks another host for anything.
func TestWalletMoney(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	u := e.SignUp("")
	b := New(t, e)
	signIn(b, u)
	b.Expect("#balances .book-list > div:first-child dd", "¥0.00")
	b.Shot("home-empty")

	b.Click("#go-cards")
	b.ExpectPath("/wallet/cards")
	fillCard(b, "招商银行", "4111 1111 1111 1112", "李雷", "000000")
	b.Expect("#bind-e-number", "银行卡号无效")
	b.Shot("card-luhn-error")
	bindCard(b, u.Phone, "招商银行", "4111 1111 1111 1111", "李雷")
	b.Expect("#done", "银行卡已绑定")
	b.Expect("#cards", "**** **** **** 1111")
	b.Shot("card-bound")

	b.Open("/")
	b.Click("#go-topup")
	b.Fill("#topup-amount", "100.50")
	b.Click("#topup-submit")
	b.Expect("#done", "充值成功")
	b.Expect("#books", "¥100.50")
	b.Shot("topped-up")

	b.Open("/")
	b.Expect("#balances .book-list > div:first-child dd", "¥100.50")
	b.Click("#go-withdraw")
	b.Expect("#withdraw-note", "银行结算前")
	b.Fill("#withdraw-amount", "100.50")
	b.Fill("#withdraw-payment_password", u.PaymentPassword)
	b.Click("#withdraw-submit")
	b.Expect("#done", "银行结算前显示为处理中")
	b.Shot("withdrawn")

	b.Open("/")
	b.Expect("#balances .book-list > div:first-child dd", "¥0.00")
	b.Shot("home-after-withdrawal")
	b.Click("#go-transactions")
	b.Expect("#tx", "处理中")
	b.Shot("transactions")
}

// TestClosureBalanceRemedy: the demo account with a balance (13800000001) sees BALANCE_NOT_ZERO,
// follows its remedy button to the withdrawal page, binds a card on the way, withdraws
// everything, goes back to the request and checks again: the blocker is gone (AP-3, AP-8.1).
func TestClosureBalanceRemedy(t *testing.T) {
	t.Parallel()
	e := demoEnv(t, ct.WithPolicy(t, "strict"))
	b := New(t, e)
	signIn(b, demoUser("13800000001"))
	id := agree(b)
	b.Expect("#elig-h", "暂时还不能注销")
	if !b.Has("#blockers [data-code='BALANCE_NOT_ZERO'] a.remedy") {
		b.Shot("unexpected")
		t.Fatal("BALANCE_NOT_ZERO or its remedy button is missing")
	}
	b.Shot("balance-blocker")

	b.Click("#fix-BALANCE_NOT_ZERO")
	b.ExpectPath("/wallet/withdraw?closure=" + id)
	b.Expect("#books", "¥100.00")
	b.Click("#withdraw-bind")
	bindCard(b, "13800000001", "建设银行", "4111111111111111", "演示用户 01")
	b.ExpectPath("/wallet/withdraw?done=bind&closure=" + id)
	b.Expect("#done", "银行卡已绑定")
	b.Fill("#withdraw-amount", "100")
	b.Fill("#withdraw-payment_password", demo.PaymentPassword)
	b.Shot("withdraw-all")
	b.Click("#withdraw-submit")
	b.Expect("#done", "银行结算前显示为处理中")
	b.Expect("#books", "¥0.00")
	b.Shot("withdrawn")

	b.Click("#back-to-closure")
	b.ExpectPath("/closure/" + id)
	b.Click("#recheck")
	if b.Has("#blockers [data-code='BALANCE_NOT_ZERO']") {
		b.Shot("unexpected")
		t.Fatal("the withdrawn balance still blocks")
	}
	b.Shot("after-recheck")

	// The points go the same way (AP-8.1): spent on their page, gone from the list.
	b.Click("#fix-POINTS_NOT_ZERO")
	b.Expect("#books", "500")
	b.Fill("#spend_points-amount", "500")
	b.Click("#spend_points-submit")
	b.Expect("#done", "积分已使用")
	b.Click("#back-to-closure")
	b.Click("#recheck")
	if b.Has("#blockers [data-code='POINTS_NOT_ZERO']") {
		b.Shot("unexpected")
		t.Fatal("the spent points still block")
	}
	b.Shot("points-spent")
}
