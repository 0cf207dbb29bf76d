package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// clearAndFill replaces what a field holds, as after a refused post that shows the value again.
func clearAndFill(b *Browser, sel, v string) {
	b.T.Helper()
	b.run("clear "+sel, chromedp.Clear(chromedp.CSS(sel)))
	b.Fill(sel, v)
}

// TestWalletEnglish walks the money pages in English: switch the language at sign-in, sign in to
// the demo account with a balance and points (13800000001), bind a card on the way to a top-up,
// top up, convert points into the balance (a part unit refused first), and see the conversion in
// the transactions; then, as the demo account with a credit line (13800000005), draw on the line,
// repay, and be told that closing it needs the debt repaid.
func TestWalletEnglish(t *testing.T) {
	t.Parallel()
	e := demoEnv(t)
	b := New(t, e)
	speak(b, "en")
	b.Expect("h1", "Sign in")
	signIn(b, demoUser("13800000001"))
	inLanguage(b, "en")
	b.Expect("#balances .book-list > div:first-child dd", "¥100.00")

	b.Click("#go-topup")
	b.ExpectPath("/wallet/topup")
	inLanguage(b, "en")
	b.Click("#topup-bind")
	inLanguage(b, "en")
	bindCard(b, "13800000001", "China Merchants Bank", "4111 1111 1111 1111", "演示用户 01")
	b.ExpectPath("/wallet/topup?done=bind")
	b.Expect("#done", "The card is bound")
	b.Fill("#topup-amount", "20.50")
	b.Click("#topup-submit")
	b.Expect("#done", "Topped up")
	b.Expect("#books", "¥120.50")
	inLanguage(b, "en")
	b.Shot("en-topped-up")

	b.Open("/wallet/points")
	inLanguage(b, "en")
	b.Expect("#convert_points-note", "100 points convert into ¥1.00")
	b.Fill("#convert_points-amount", "150")
	b.Click("#convert_points-submit")
	b.Expect("#convert_points-e-amount", "multiple of 100")
	inLanguage(b, "en")
	b.Shot("en-convert-refused")
	clearAndFill(b, "#convert_points-amount", "500")
	b.Click("#convert_points-submit")
	b.Expect("#done", "Converted")
	b.Expect("#books", "¥125.50")
	inLanguage(b, "en")
	b.Shot("en-converted")

	b.Open("/wallet/transactions")
	b.Expect("#tx", "Points converted")
	inLanguage(b, "en")

	b.Open("/settings")
	b.Click("form[action='/signout'] button")
	signIn(b, demoUser("13800000005"))
	b.Open("/services/credit")
	inLanguage(b, "en")
	b.Expect("#credit-limit", "¥1,000.00")
	b.Expect("#credit-available", "¥700.00")
	b.Fill("#draw-amount", "50")
	b.Click("#draw-submit")
	b.Expect("#done", "Drawn")
	b.Expect("#credit-available", "¥650.00")
	inLanguage(b, "en")
	b.Shot("en-credit-drawn")
	b.Fill("#repay-amount", "50")
	b.Click("#repay-submit")
	b.Expect("#done", "Repaid")
	b.Click("#close-submit")
	b.Expect("#main", "repay the outstanding credit debt")
	inLanguage(b, "en")
	b.Shot("en-credit-close-refused")
}
