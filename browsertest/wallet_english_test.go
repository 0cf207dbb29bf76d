package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// english fails the test unless the page is in English: its html lang, and no Chinese character
// anywhere in its main content (the demo accounts' names and everything typed below are ASCII).
func english(b *Browser) {
	b.T.Helper()
	ok := value(b, "check the language", chromedp.Evaluate[bool](`document.documentElement.lang === "en" &&
		!/\p{Script=Han}/u.test(document.querySelector("main").innerText)`))
	if !ok {
		b.Shot("not-english")
		b.T.Fatalf("%s is not in English", b.Path())
	}
}

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
	b.Open("/signin")
	b.Click("form.lang button")
	b.Expect("h1", "Sign in")
	signIn(b, demoUser("13800000001"))
	english(b)
	b.Expect("#balances .book-list > div:first-child dd", "¥100.00")

	b.Click("#go-topup")
	b.ExpectPath("/wallet/topup")
	english(b)
	b.Click("#topup-bind")
	english(b)
	bindCard(b, "China Merchants Bank", "4111 1111 1111 1111", "Demo One")
	b.ExpectPath("/wallet/topup?done=bind")
	b.Expect("#done", "The card is bound")
	b.Fill("#topup-amount", "20.50")
	b.Click("#topup-submit")
	b.Expect("#done", "Topped up")
	b.Expect("#books", "¥120.50")
	english(b)
	b.Shot("en-topped-up")

	b.Open("/wallet/points")
	english(b)
	b.Expect("#convert_points-note", "100 points convert into ¥1.00")
	b.Fill("#convert_points-amount", "150")
	b.Click("#convert_points-submit")
	b.Expect("#convert_points-e-amount", "multiple of 100")
	english(b)
	b.Shot("en-convert-refused")
	clearAndFill(b, "#convert_points-amount", "500")
	b.Click("#convert_points-submit")
	b.Expect("#done", "Converted")
	b.Expect("#books", "¥125.50")
	english(b)
	b.Shot("en-converted")

	b.Open("/wallet/transactions")
	b.Expect("#tx", "Points converted")
	english(b)

	b.Open("/settings")
	b.Click("form[action='/signout'] button")
	signIn(b, demoUser("13800000005"))
	b.Open("/services/credit")
	english(b)
	b.Expect("#credit-limit", "¥1,000.00")
	b.Expect("#credit-available", "¥700.00")
	b.Fill("#draw-amount", "50")
	b.Click("#draw-submit")
	b.Expect("#done", "Drawn")
	b.Expect("#credit-available", "¥650.00")
	english(b)
	b.Shot("en-credit-drawn")
	b.Fill("#repay-amount", "50")
	b.Click("#repay-submit")
	b.Expect("#done", "Repaid")
	b.Click("#close-submit")
	b.Expect("#main", "repay the outstanding credit debt")
	english(b)
	b.Shot("en-credit-close-refused")
}
