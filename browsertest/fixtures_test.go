package browsertest

import (
	"context"
	"io"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/demo"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/wallet"
)

// demoEnv is a server seeded with the demo accounts, with the server's options.
func demoEnv(t *testing.T, opts ...apitest.Option) *apitest.Env {
	t.Helper()
	e := apitest.New(t, "sqlite", opts...)
	if err := demo.Seed(context.Background(), e.App, io.Discard); err != nil {
		t.Fatal(err)
	}
	return e
}

// demoUser is the demo account with the phone, for signIn.
func demoUser(phone string) *apitest.User {
	return &apitest.User{Phone: phone, Password: demo.Password}
}

// operatorPassword is the password of every operator newOperator makes.
const operatorPassword = "operator password 1"

// newOperator creates an operator of the role.
func newOperator(t *testing.T, e *apitest.Env, name string, role purse.Role) {
	t.Helper()
	if _, _, err := e.App.Operators.Create(context.Background(), name, role, operatorPassword); err != nil {
		t.Fatal(err)
	}
}

// consoleSignIn signs the operator in to the console through its form.
func consoleSignIn(b *Browser, name string) {
	b.T.Helper()
	b.Open("/admin/signin")
	b.Fill("#f-username", name)
	b.Fill("#f-password", operatorPassword)
	b.Click("form.form button[type=submit]")
	b.ExpectPath("/admin")
}

// bindCard binds a card on the cards page as the holder does (issue 13): asks for the SMS code,
// reads it from the dev outbox as from the phone, and sends the form with it and the payment
// password.
func bindCard(b *Browser, phone, bank, number, holder string) {
	b.T.Helper()
	b.Click("#code-submit")
	b.Expect("#done", "")
	code, err := notify.NewestCode(context.Background(), b.Env.DB, phone, wallet.CardTemplate)
	if err != nil {
		b.T.Fatal(err)
	}
	fillCard(b, bank, number, holder, code)
}

// fillCard fills the card form with the code and the payment password and sends it.
func fillCard(b *Browser, bank, number, holder, code string) {
	b.T.Helper()
	b.run("clear the card form", chromedp.Clear(chromedp.CSS("#bind-bank")), chromedp.Clear(chromedp.CSS("#bind-number")),
		chromedp.Clear(chromedp.CSS("#bind-holder")))
	b.Fill("#bind-bank", bank)
	b.Fill("#bind-number", number)
	b.Fill("#bind-holder", holder)
	b.Fill("#bind-sms_code", code)
	b.Fill("#bind-payment_password", "135790")
	b.Click("#bind-submit")
}
