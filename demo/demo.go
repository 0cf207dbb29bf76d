// Package demo seeds the demo accounts that `purse serve --demo` offers: one clean account that can
// be closed at once, and one for each thing that blocks a closure. Seeding is idempotent: an account
// whose phone is already live is left as it is.
package demo

import (
	"context"
	"fmt"
	"io"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/app"
)

// The demo credentials (issue 3).
const (
	Password        = "Demo-pass-1"
	PaymentPassword = "135790"
)

// Account is one demo account: its phone and what state it shows.
type Account struct {
	Phone string
	Email string
	Kind  purse.AccountKind
	State string
	// Language of the account's pages and messages; Chinese when empty.
	Language string
	// Name is the holder's name; "演示用户 NN" when empty.
	Name string
	// Prepare puts the fresh account into its state.
	Prepare func(ctx context.Context, a *app.App, acct *purse.Account) error
}

// Accounts are the demo accounts, in the order they are printed.
var Accounts = []Account{
	{Phone: "13800000000", Kind: purse.KindVerified, State: "clean: zero in every book, nothing bound — closable"},
	{Phone: "13800000001", Kind: purse.KindVerified, State: "balance 100.00 CNY and 500 points (AP-8.1)", Prepare: demoBalanceAndPoints},
	{Phone: "13800000002", Kind: purse.KindVerified, State: "2,000.00 CNY in the fund (AP-8.2)", Prepare: demoFund},
	{Phone: "13800000003", Kind: purse.KindVerified, State: "a withdrawal settled a moment ago (AP-8.3)", Prepare: demoRecentWithdrawal},
	{Phone: "13800000004", Kind: purse.KindVerified, State: "an active auto-debit agreement (AP-8.4)", Prepare: prepareAutoDebit},
	{Phone: "13800000005", Kind: purse.KindVerified, State: "an open credit line with 300.00 CNY debt (AP-8.5)", Prepare: demoCreditDebt},
	{Phone: "13800000006", Kind: purse.KindVerified, State: "flagged: special agreement not met (AP-8.6)", Prepare: prepareSpecialAgreement},
	{Phone: "13800000007", Kind: purse.KindVerified, State: "a phone-number change to 13900000007 in progress (AP-8.7)", Prepare: preparePhoneChange},
	{Phone: "13800000008", Kind: purse.KindVerified, State: "an open dispute and restricted (AP-8.8)", Prepare: prepareDispute},
	{Phone: "13800000009", Kind: purse.KindMerchant, State: "a merchant account with a contract in term (AP-8.9)", Prepare: prepareContract},
	{Phone: "13800000010", Kind: purse.KindVerified, State: "50 in the stored (宝点) book (AP-8.10)", Prepare: demoStored},
	{Phone: "13800000011", Kind: purse.KindMobile, State: "an unverified, mobile-only account, zero everywhere (AP-6)"},
	{Phone: "13800000012", Kind: purse.KindVerified, State: "a certificate user whose certificate is not on this device (AP-2)", Prepare: prepareCertificate},
	{Phone: "13800000013", Email: "demo13@example.com", Kind: purse.KindUnverified, State: "e-mail demo13@example.com, a linked Taobao shop account and a bound card (IM); ordinary unverified (AP-6)", Prepare: prepareLinkedShop},
	{Phone: "13800000014", Email: "demo14@example.com", Kind: purse.KindVerified, Language: "en", Name: "Alex Demo",
		State: "an English-speaking user with an auto-debit: pages, SMS and e-mails in English (AP-8.4)", Prepare: prepareEnglish},
}

// Seed creates every demo account that does not exist yet and writes the logins to w.
func Seed(ctx context.Context, a *app.App, w io.Writer) error {
	fmt.Fprintf(w, "Demo accounts (login password %s, payment password %s):\n", Password, PaymentPassword)
	for _, d := range Accounts {
		acct, err := a.Accounts.Register(ctx, account.Registration{
			Phone: d.Phone, Email: d.Email, Password: Password, PaymentPassword: PaymentPassword,
			Name: d.name(), Kind: d.Kind, Language: d.Language,
		})
		switch {
		case purse.ErrorCode(err) == purse.CodePhoneTaken:
			// Seeded by an earlier start.
		case err != nil:
			return fmt.Errorf("demo: seed %s: %w", d.Phone, err)
		case d.Prepare != nil:
			if err := d.Prepare(ctx, a, acct); err != nil {
				return fmt.Errorf("demo: prepare %s: %w", d.Phone, err)
			}
		}
		fmt.Fprintf(w, "  %s  %s\n", d.Phone, d.State)
	}
	return nil
}

func (d Account) name() string {
	if d.Name != "" {
		return d.Name
	}
	return "演示用户 " + d.Phone[len(d.Phone)-2:]
}
