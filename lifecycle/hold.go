package lifecycle

import (
	"context"
	"errors"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
)

// SetLegalHold places (hold) or lifts a legal hold on the account: while it is held, no purge
// touches it. The change is audited with the operator and the reason. Errors: NOT_FOUND,
// LEGAL_HOLD_UNCHANGED (it already is in that state).
func (s *Service) SetLegalHold(ctx context.Context, op *purse.Operator, accountID string, hold bool, reason string) (*purse.AccountRecord, error) {
	if err := purse.CheckText("reason", reason); err != nil {
		return nil, err
	}
	var out *purse.AccountRecord
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		a, err := tx.AccountForUpdate(ctx, accountID)
		if errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeNotFound, "no account %s", accountID)
		}
		if err != nil {
			return err
		}
		if a.LegalHold == hold {
			return &purse.Error{Code: purse.CodeLegalHoldUnchanged, Params: map[string]any{"Hold": hold}}
		}
		a.LegalHold, a.UpdatedAt = hold, tx.Now()
		if err := tx.UpdateAccount(ctx, a); err != nil {
			return err
		}
		action := audit.AdminLegalHoldPlace
		if !hold {
			action = audit.AdminLegalHoldLift
		}
		if err := audit.Record(ctx, tx, "operator:"+op.ID, action, a.ID, map[string]string{"reason": reason}); err != nil {
			return err
		}
		out = a
		return nil
	})
	return out, err
}
