package browsertest

import (
	"testing"

	"github.com/purse-wallet/purse/apitest"
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
