package demo

import (
	"context"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/ledger"
	"github.com/purse-wallet/purse/wallet"
)

// demoActor is who the audit log names for what seeding does.
const demoActor = "system:demo"

// demoCard passes the Luhn check.
const demoCard = "6222021234567890128"

// fromOperator posts amount from an operator book into the account's book, with no card involved,
// so that the demo account shows only the state it stands for.
func fromOperator(ctx context.Context, a *app.App, id string, kind purse.TxKind, owner string, book purse.Book, cur purse.Currency, amount int64) error {
	return a.Store.Tx(ctx, func(tx purse.Tx) error {
		now := tx.Now()
		t := &purse.LedgerTransaction{ID: purse.NewID(), Kind: kind, Status: purse.TxSettled, AccountID: id,
			Amount: amount, Currency: cur, CreatedAt: now, SettledAt: &now}
		return ledger.Post(ctx, tx, nil, t, []purse.Posting{
			ledger.Leg(owner, "", cur, -amount),
			ledger.Leg(id, book, cur, amount),
		})
	})
}

// demoBalanceAndPoints: 100.00 CNY and 500 points (AP-8.1).
func demoBalanceAndPoints(ctx context.Context, a *app.App, acct *purse.Account) error {
	if err := fromOperator(ctx, a, acct.ID, purse.TxTopup, purse.OwnerBank, purse.BookMain, purse.CNY, 10000); err != nil {
		return err
	}
	_, err := a.Wallet.Grant(ctx, demoActor, acct.ID, purse.BookPoints, 500, "")
	return err
}

// demoFund: 2,000.00 CNY in the fund (AP-8.2).
func demoFund(ctx context.Context, a *app.App, acct *purse.Account) error {
	if err := fromOperator(ctx, a, acct.ID, purse.TxTopup, purse.OwnerBank, purse.BookMain, purse.CNY, 200000); err != nil {
		return err
	}
	_, err := a.Wallet.SubscribeFund(ctx, acct.ID, 200000)
	return err
}

// demoRecentWithdrawal: a withdrawal of all the balance, settled a moment ago (AP-8.3); the card
// it went to is unbound again so that only the withdrawal blocks.
func demoRecentWithdrawal(ctx context.Context, a *app.App, acct *purse.Account) error {
	c, err := demoCardOf(ctx, a, acct)
	if err != nil {
		return err
	}
	if _, err := a.Wallet.Topup(ctx, acct.ID, c.ID, 5000); err != nil {
		return err
	}
	w, err := a.Wallet.Withdraw(ctx, acct.ID, c.ID, 5000, PaymentPassword)
	if err != nil {
		return err
	}
	if _, err := a.Wallet.SettleWithdrawal(ctx, demoActor, w.ID); err != nil {
		return err
	}
	return a.Wallet.UnbindCard(ctx, acct.ID, c.ID)
}

// demoCreditDebt: an open credit line with 300.00 CNY owed (AP-8.5), spent at a merchant that the
// credit issuer paid, so the balance stays zero.
func demoCreditDebt(ctx context.Context, a *app.App, acct *purse.Account) error {
	if _, err := a.Wallet.OpenCreditLine(ctx, demoActor, acct.ID, 100000); err != nil {
		return err
	}
	return a.Store.Tx(ctx, func(tx purse.Tx) error {
		now := tx.Now()
		t := &purse.LedgerTransaction{ID: purse.NewID(), Kind: purse.TxCreditDraw, Status: purse.TxSettled,
			AccountID: acct.ID, Amount: 30000, Currency: purse.CNY, CreatedAt: now, SettledAt: &now}
		return ledger.Post(ctx, tx, nil, t, []purse.Posting{
			ledger.Leg(acct.ID, purse.BookCredit, purse.CNY, -30000),
			ledger.Leg(purse.OwnerCreditIssuer, "", purse.CNY, 30000),
		})
	})
}

// demoStored: 50 in the stored-value book (AP-8.10).
func demoStored(ctx context.Context, a *app.App, acct *purse.Account) error {
	_, err := a.Wallet.Grant(ctx, demoActor, acct.ID, purse.BookStored, 50, "")
	return err
}

// demoBindCard binds a quick-pay card (TP-1), for the IM demo account 13800000013.
func demoBindCard(ctx context.Context, a *app.App, acct *purse.Account) error {
	_, err := demoCardOf(ctx, a, acct)
	return err
}

// demoCardOf binds the demo card in the holder's name through the holder's own step-up (the
// SMS code from the dev outbox, the payment password), as a user of the demo would.
func demoCardOf(ctx context.Context, a *app.App, acct *purse.Account) (*wallet.CardRef, error) {
	return a.Wallet.BindCardAsHolder(ctx, acct.ID, acct.Phone, wallet.CardBinding{Bank: "工商银行", Number: demoCard,
		Holder: acct.Name, PaymentPassword: PaymentPassword})
}
