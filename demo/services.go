package demo

import (
	"context"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
)

// The demo's operator-side actions are audited as done by the demo seeder.
const seeder = "system:demo"

// prepareAutoDebit gives the account an active auto-debit agreement (AP-8.4).
func prepareAutoDebit(ctx context.Context, a *app.App, acct *purse.Account) error {
	_, err := a.Blockers.AddAutoDebit(ctx, seeder, acct.ID, "城市电力公司", purse.AutoDebitGeneral)
	return err
}

// prepareSpecialAgreement flags the account: a special agreement with the operator is not met (AP-8.6).
func prepareSpecialAgreement(ctx context.Context, a *app.App, acct *purse.Account) error {
	_, err := a.Blockers.AddFlag(ctx, seeder, acct.ID, purse.FlagSpecialAgreement,
		"与运营方的特别约定未履行：保证金尚未缴清")
	return err
}

// preparePhoneChange starts a phone-number change to 13900000007 (AP-8.7); its code is in the
// demo outbox, and the flow stays in progress for business.FlowLifetime.
func preparePhoneChange(ctx context.Context, a *app.App, acct *purse.Account) error {
	_, err := a.Business.StartPhoneChange(ctx, acct.ID, "13900000007")
	return err
}

// prepareDispute opens a restricting trade dispute, so the account is restricted (AP-8.8).
func prepareDispute(ctx context.Context, a *app.App, acct *purse.Account) error {
	_, err := a.Blockers.OpenDispute(ctx, seeder, acct.ID, "交易纠纷：买家称未收到货物", true)
	return err
}

// prepareContract gives the merchant account a contract in its term for a year (AP-8.9).
func prepareContract(ctx context.Context, a *app.App, acct *purse.Account) error {
	_, err := a.Blockers.AddContract(ctx, seeder, acct.ID, "收单服务协议", time.Time{},
		a.Clock.Now().AddDate(1, 0, 0))
	return err
}

// prepareCertificate makes the account a certificate user whose certificate is on another device
// (AP-2): no device the demo browser has presents this fingerprint.
func prepareCertificate(ctx context.Context, a *app.App, acct *purse.Account) error {
	return a.Store.Tx(ctx, func(tx purse.Tx) error {
		rec, err := tx.AccountForUpdate(ctx, acct.ID)
		if err != nil {
			return err
		}
		rec.CertificateRequired = true
		rec.CertificateID = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
		rec.UpdatedAt = tx.Now()
		return tx.UpdateAccount(ctx, rec)
	})
}

// prepareLinkedShop links a Taobao shop account (AP-4, IM-3).
func prepareLinkedShop(ctx context.Context, a *app.App, acct *purse.Account) error {
	if _, err := a.Blockers.Link(ctx, acct.ID, "taobao", "demo13-shop"); err != nil {
		return err
	}
	return demoBindCard(ctx, a, acct) // IM: a bound card that the closure unbinds (IM-3)
}

// prepareEnglish gives the English-speaking demo user an auto-debit with an English merchant name:
// its pages, SMS and e-mails are in English (the account's language) and so is its data.
func prepareEnglish(ctx context.Context, a *app.App, acct *purse.Account) error {
	_, err := a.Blockers.AddAutoDebit(ctx, seeder, acct.ID, "Metro Power Co.", purse.AutoDebitGeneral)
	return err
}
