package wallet

import (
	"context"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/bank"
	"github.com/purse-wallet/purse/ledger"
)

// SubscribeFund moves amount from the balance into the money-market fund (AP-8.2); the units are
// credited at once. Errors: AMOUNT_INVALID, ACCOUNT_NOT_ACTIVE, INSUFFICIENT_FUNDS.
func (s *Service) SubscribeFund(ctx context.Context, accountID string, amount int64) (*purse.LedgerTransaction, error) {
	if err := s.checkAmount(amount); err != nil {
		return nil, err
	}
	return s.post(ctx, func(tx purse.Tx) (*purse.LedgerTransaction, error) {
		held, err := ledger.Lock(ctx, tx, nil, accountID)
		if err != nil {
			return nil, err
		}
		t := record(tx, purse.TxFundSubscribe, accountID, amount, purse.CNY)
		return t, ledger.Post(ctx, tx, held, t, []purse.Posting{
			ledger.Leg(accountID, purse.BookMain, purse.CNY, -amount),
			ledger.Leg(accountID, purse.BookFund, purse.CNY, amount),
		})
	})
}

// RedeemFund sells amount of fund units. The units leave at once and are held by the custodian;
// the cash reaches the balance on the next working day, when the settlement job runs. Errors:
// AMOUNT_INVALID, ACCOUNT_NOT_ACTIVE, INSUFFICIENT_FUNDS.
func (s *Service) RedeemFund(ctx context.Context, accountID string, amount int64) (*purse.LedgerTransaction, error) {
	if err := s.checkAmount(amount); err != nil {
		return nil, err
	}
	return s.post(ctx, func(tx purse.Tx) (*purse.LedgerTransaction, error) {
		held, err := ledger.Lock(ctx, tx, nil, accountID)
		if err != nil {
			return nil, err
		}
		t := pending(record(tx, purse.TxFundRedeem, accountID, amount, purse.CNY),
			bank.NextWorkingDay(tx.Now(), s.Config.Location))
		return t, ledger.Post(ctx, tx, held, t, []purse.Posting{
			ledger.Leg(accountID, purse.BookFund, purse.CNY, -amount),
			ledger.Leg(purse.OwnerFundCustodian, "", purse.CNY, amount),
		})
	})
}
