package blocker

import (
	"context"

	"github.com/purse-wallet/purse"
)

// SwitchOffOneClickPay switches password-free payment (一点通, 小额免密, TP-1) off, at any status:
// TP-1 tells the user to switch it off before closing. Switching it on is the holder's choice made
// with the payment password, in the wallet (wallet.SwitchSmallPayments, issue 13), never here.
// Errors: NOT_FOUND.
func (s *Service) SwitchOffOneClickPay(ctx context.Context, accountID string) error {
	return s.change(ctx, AccountActor(accountID), accountID, "settings.one_click_pay", anyStatus, func(tx purse.Tx, acct *purse.AccountRecord) (map[string]string, error) {
		if !acct.OneClickPay {
			return nil, nil
		}
		acct.OneClickPay, acct.UpdatedAt = false, tx.Now()
		return map[string]string{"enabled": "false"}, tx.UpdateAccount(ctx, acct)
	})
}

// OneClickPay reports the switch. Errors: NOT_FOUND.
func (s *Service) OneClickPay(ctx context.Context, accountID string) (bool, error) {
	var on bool
	err := s.read(ctx, accountID, func(tx purse.Tx) error {
		a, err := tx.Account(ctx, accountID)
		if err == nil {
			on = a.OneClickPay
		}
		return err
	})
	return on, err
}
