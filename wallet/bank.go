package wallet

import (
	"context"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/ledger"
)

// Topup moves amount from a bound card into the balance through the gateway. The sandbox settles
// at once. Errors: AMOUNT_INVALID, NOT_FOUND (card), ACCOUNT_NOT_ACTIVE, BALANCE_LIMIT.
func (s *Service) Topup(ctx context.Context, accountID, cardID string, amount int64) (*purse.LedgerTransaction, error) {
	if err := s.checkAmount(amount); err != nil {
		return nil, err
	}
	return s.post(ctx, func(tx purse.Tx) (*purse.LedgerTransaction, error) {
		held, err := ledger.Lock(ctx, tx, nil, accountID)
		if err != nil {
			return nil, err
		}
		c, err := card(ctx, tx, accountID, cardID)
		if err != nil {
			return nil, err
		}
		t := record(tx, purse.TxTopup, accountID, amount, purse.CNY)
		t.CardID = c.ID
		settled, err := s.Gateway.Charge(ctx, c, purse.Money{Amount: amount, Currency: purse.CNY}, t.ID)
		if err != nil {
			return nil, err
		}
		if !settled {
			// The gateway will call back; nothing moves until it does.
			t = pending(t, tx.Now())
			return t, tx.InsertLedgerTransaction(ctx, t)
		}
		return t, ledger.Post(ctx, tx, held, t, []purse.Posting{
			ledger.Leg(purse.OwnerBank, "", purse.CNY, -amount),
			ledger.Leg(accountID, purse.BookMain, purse.CNY, amount),
		})
	})
}

// Withdraw moves amount from the balance to a bound card. The money leaves the balance at once and
// waits in the operator's in-flight book until the bank settles (the sandbox: next midnight in
// Shanghai). Errors: AMOUNT_INVALID, NOT_FOUND (card), ACCOUNT_NOT_ACTIVE, ACCOUNT_RESTRICTED,
// INSUFFICIENT_FUNDS.
func (s *Service) Withdraw(ctx context.Context, accountID, cardID string, amount int64) (*purse.LedgerTransaction, error) {
	if err := s.checkAmount(amount); err != nil {
		return nil, err
	}
	return s.post(ctx, func(tx purse.Tx) (*purse.LedgerTransaction, error) {
		held := ledger.Locked{}
		if err := sender(ctx, tx, held, accountID); err != nil {
			return nil, err
		}
		c, err := card(ctx, tx, accountID, cardID)
		if err != nil {
			return nil, err
		}
		t := record(tx, purse.TxWithdrawal, accountID, amount, purse.CNY)
		t.CardID = c.ID
		after, err := s.Gateway.Payout(ctx, c, purse.Money{Amount: amount, Currency: purse.CNY}, t.ID, tx.Now())
		if err != nil {
			return nil, err
		}
		t = pending(t, after)
		return t, ledger.Post(ctx, tx, held, t, []purse.Posting{
			ledger.Leg(accountID, purse.BookMain, purse.CNY, -amount),
			ledger.Leg(purse.OwnerWithdrawalsFlight, "", purse.CNY, amount),
		})
	})
}
