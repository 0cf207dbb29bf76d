package blocker

import (
	"context"
	"strconv"

	"github.com/purse-wallet/purse"
)

// SetOneClickPay switches password-free payment (一点通, TP-1) on or off and returns the new
// setting. TP-1 tells the user to switch it off before closing. Errors: NOT_FOUND,
// ACCOUNT_NOT_ACTIVE (switching on for an account that is closing).
func (s *Service) SetOneClickPay(ctx context.Context, accountID string, enabled bool) (bool, error) {
	allowed := anyStatus
	if enabled {
		allowed = newBusiness
	}
	err := s.change(ctx, AccountActor(accountID), accountID, "settings.one_click_pay", allowed, func(tx purse.Tx, acct *purse.AccountRecord) (map[string]string, error) {
		if acct.OneClickPay == enabled {
			return nil, nil
		}
		acct.OneClickPay, acct.UpdatedAt = enabled, tx.Now()
		return map[string]string{"enabled": strconv.FormatBool(enabled)}, tx.UpdateAccount(ctx, acct)
	})
	return enabled, err
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
