package wallet

import (
	"context"
	"strconv"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/ledger"
)

// SmallPayments is an account's password-free small payments (小额免密, issue 13): off until the
// holder switches them on with the payment password, and within the operator's caps when on.
type SmallPayments struct {
	Enabled    bool        `json:"enabled"`
	PerPayment purse.Money `json:"per_payment" doc:"The operator's largest password-free payment"`
	Daily      purse.Money `json:"daily" doc:"The operator's most password-free payments may add up to in a day"`
}

// SmallPayments reports the account's switch and the operator's caps. Errors: NOT_FOUND.
func (s *Service) SmallPayments(ctx context.Context, accountID string) (*SmallPayments, error) {
	var on bool
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		rec, err := tx.Account(ctx, accountID)
		if err == nil {
			on = rec.OneClickPay
		}
		return notFound(err, "account")
	})
	if err != nil {
		return nil, err
	}
	return s.smallPayments(on), nil
}

func (s *Service) smallPayments(on bool) *SmallPayments {
	return &SmallPayments{Enabled: on, PerPayment: cny(s.Config.PasswordAbove), Daily: cny(s.Config.SmallDaily)}
}

// SwitchSmallPayments switches password-free small payments on or off (the account's one-click-pay
// switch, TP-1). Switching on is the holder's explicit choice, made with the payment password
// (checked and counted toward its lock) on an account that can still do business; switching off
// needs nothing, at any status, since it only takes a way to pay away. The change is audited.
// Errors: PAYMENT_PASSWORD_REQUIRED, PAYMENT_PASSWORD_WRONG, PAYMENT_PASSWORD_LOCKED,
// ACCOUNT_NOT_ACTIVE, NOT_FOUND.
func (s *Service) SwitchSmallPayments(ctx context.Context, accountID string, on bool, pin string) (*SmallPayments, error) {
	if on && pin == "" {
		return nil, needPassword(nil)
	}
	change := func(proof *account.PaymentPasswordProof) error {
		return s.Store.Tx(ctx, func(tx purse.Tx) error {
			if on {
				if _, err := ledger.Lock(ctx, tx, nil, accountID); err != nil {
					return err
				}
				if err := s.Accounts.CheckPaymentPasswordProof(ctx, tx, proof); err != nil {
					return err
				}
			}
			rec, err := tx.AccountForUpdate(ctx, accountID)
			if err != nil {
				return notFound(err, "account")
			}
			if rec.OneClickPay == on {
				return nil
			}
			rec.OneClickPay, rec.UpdatedAt = on, tx.Now()
			if err := tx.UpdateAccount(ctx, rec); err != nil {
				return err
			}
			return audit.Record(ctx, tx, "account:"+accountID, "settings.one_click_pay", accountID,
				map[string]string{"enabled": strconv.FormatBool(on)})
		})
	}
	var err error
	if on {
		err = s.withProof(ctx, accountID, pin, change)
	} else {
		err = change(nil)
	}
	if err != nil {
		return nil, err
	}
	return s.smallPayments(on), nil
}
