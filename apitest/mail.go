package apitest

import (
	"context"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/notify/notifytest"
	"github.com/purse-wallet/purse/verify"
	"github.com/purse-wallet/purse/wallet"
)

// Mailbox starts a real SMTP server in-process and sends the app's e-mail there from now on, so a
// test can read the message a user would receive (headers, language and all). Other channels keep
// going to the dev outbox.
func (e *Env) Mailbox() *notifytest.Mailbox {
	e.T.Helper()
	mb := notifytest.NewMailbox(e.T)
	if e.App.Outbox.Senders == nil {
		e.App.Outbox.Senders = map[purse.Channel]notify.Sender{}
	}
	e.App.Outbox.Senders[purse.ChannelEmail] = mb.Sender(e.T)
	return mb
}

// RunJobs runs every background job (outbox delivery and the others' tasks) until each has nothing
// left to do now, as the runner in purse serve would at its next ticks.
func (e *Env) RunJobs() {
	for _, t := range e.App.Jobs {
		jobs.RunOnce(context.Background(), t, nil)
	}
}

// CardCode asks for the SMS code that binding a card needs (POST /api/v1/cards/codes) and reads
// it from the dev outbox, as the holder reads her phone. A code asked for too soon after the last
// one waits out verify.ResendAfter on the test clock.
func (e *Env) CardCode(u *User) string {
	e.T.Helper()
	res := e.Call("POST", "/api/v1/cards/codes", nil, u.Header()...)
	if res.Status == 429 {
		e.Clock.Advance(verify.ResendAfter)
		res = e.Call("POST", "/api/v1/cards/codes", nil, u.Header()...)
	}
	res.Expect(e.T, 201)
	code, err := notify.NewestCode(context.Background(), e.DB, u.Phone, wallet.CardTemplate)
	if err != nil {
		e.T.Fatal(err)
	}
	return code
}

// BindCard binds a Luhn-valid test card to the account in process, through the holder's own
// step-up (the SMS code from the dev outbox, the payment password every test user has), and
// returns its id.
func (e *Env) BindCard(accountID string) string {
	e.T.Helper()
	ctx := context.Background()
	a, err := e.App.Accounts.Get(ctx, accountID)
	if err != nil {
		e.T.Fatal(err)
	}
	holder := a.Name
	if holder == "" {
		holder = "Holder"
	}
	c, err := e.App.Wallet.BindCardAsHolder(ctx, accountID, a.Phone, wallet.CardBinding{Bank: "ICBC",
		Number: "6222021234567890128", Holder: holder, PaymentPassword: "135790"})
	if err != nil {
		e.T.Fatal(err)
	}
	return c.ID
}

// SmallPayments switches u's password-free small payments on through the API, with the payment
// password, as the holder does: they are off until then (issue 13).
func (e *Env) SmallPayments(u *User) {
	e.T.Helper()
	e.Call("PUT", "/api/v1/settings/small-payments", map[string]any{"enabled": true, "payment_password": u.PaymentPassword},
		u.Header()...).Expect(e.T, 200)
}

// SmallPaymentsFor is SmallPayments for an account the test holds by id, through the wallet
// service with the payment password every test user has.
func (e *Env) SmallPaymentsFor(accountID string) {
	e.T.Helper()
	if _, err := e.App.Wallet.SwitchSmallPayments(context.Background(), accountID, true, "135790"); err != nil {
		e.T.Fatal(err)
	}
}
