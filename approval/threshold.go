package approval

import (
	"context"
	"strconv"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/operator"
)

// Threshold returns the threshold in force, in minor units.
func (s *Service) Threshold(ctx context.Context) (int64, error) {
	var n int64
	err := s.Store.Read(ctx, func(tx purse.Tx) (err error) {
		n, err = Threshold(ctx, tx)
		return err
	})
	return n, err
}

// SetThreshold changes the threshold for an operator who may change settings (operator.ActSettings).
// Lowering it tightens the control and applies at once; raising it loosens the control, so a
// second operator approves it like a value action (APPROVAL_PENDING): otherwise one admin could
// raise it and then grant alone. Errors: ROLE_REQUIRED, INVALID_REQUEST (negative), APPROVAL_PENDING.
func (s *Service) SetThreshold(ctx context.Context, actor string, amount int64) error {
	if amount < 0 {
		return purse.Errorf(purse.CodeInvalidRequest, "the threshold is an amount of 0 or more")
	}
	var held *purse.Approval
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		if err := operator.Authorize(ctx, tx, actor, operator.ActSettings); err != nil {
			return err
		}
		cur, err := Threshold(ctx, tx)
		if err != nil {
			return err
		}
		if amount > cur {
			held, err = Hold(ctx, tx, actor, Request{Kind: KindThreshold, Amount: amount,
				Params: map[string]string{"from": strconv.FormatInt(cur, 10)}})
			if held != nil || err != nil {
				return err
			}
		}
		_, err = setThreshold(ctx, tx, actor, &purse.Approval{Amount: amount})
		return err
	})
	if err == nil && held != nil {
		return Pending(held)
	}
	return err
}

// setThreshold stores the threshold and audits the change; it is also the executor of an
// approved raise.
func setThreshold(ctx context.Context, tx purse.Tx, actor string, a *purse.Approval) (string, error) {
	v := strconv.FormatInt(a.Amount, 10)
	if err := tx.SetSetting(ctx, SettingThreshold, v, tx.Now()); err != nil {
		return "", err
	}
	return v, audit.Record(ctx, tx, actor, audit.AdminFourEyesSet, "", map[string]string{"above": v, "approval": a.ID})
}
