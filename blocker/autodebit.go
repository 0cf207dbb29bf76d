package blocker

import (
	"context"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
)

// AddAutoDebit records a merchant's auto-debit agreement on the account (AP-8.4), on the
// merchant's behalf. Errors: NOT_FOUND (account), ACCOUNT_NOT_ACTIVE, INVALID_REQUEST (merchant or
// kind).
func (s *Service) AddAutoDebit(ctx context.Context, actor, accountID, merchant string, kind purse.AutoDebitKind) (*purse.AutoDebit, error) {
	merchant, err := text("merchant", merchant, 100)
	if err != nil {
		return nil, err
	}
	switch kind {
	case purse.AutoDebitGeneral, purse.AutoDebitCAE, purse.AutoDebitTravelCredit:
	default:
		return nil, invalid("kind", "kind must be general, cae or travel_credit")
	}
	a := &purse.AutoDebit{ID: purse.NewID(), AccountID: accountID, Merchant: merchant, Kind: kind, Status: "active"}
	err = s.change(ctx, actor, accountID, audit.AdminAutoDebitCreate, newBusiness, func(tx purse.Tx, _ *purse.AccountRecord) (map[string]string, error) {
		a.CreatedAt = tx.Now()
		return map[string]string{"auto_debit_id": a.ID, "kind": string(kind)}, tx.InsertAutoDebit(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// AutoDebits lists the account's agreements, active and cancelled, newest first. NOT_FOUND for no
// such account.
func (s *Service) AutoDebits(ctx context.Context, accountID string) ([]*purse.AutoDebit, error) {
	var out []*purse.AutoDebit
	err := s.read(ctx, accountID, func(tx purse.Tx) (err error) {
		out, err = tx.AutoDebits(ctx, accountID)
		return err
	})
	return out, err
}

// CancelAutoDebit ends an agreement (AP-8.4's remedy). Cancelling a cancelled agreement changes
// nothing and answers it again. Errors: NOT_FOUND (no such agreement on this account).
func (s *Service) CancelAutoDebit(ctx context.Context, actor, accountID, id string) (*purse.AutoDebit, error) {
	var a *purse.AutoDebit
	err := s.change(ctx, actor, accountID, "auto_debit.cancel", anyStatus, func(tx purse.Tx, _ *purse.AccountRecord) (map[string]string, error) {
		var err error
		if a, err = tx.AutoDebit(ctx, accountID, id); err != nil {
			return nil, item(err, "auto-debit", id)
		}
		if a.Status != "active" {
			return nil, nil
		}
		if err := tx.EndAutoDebit(ctx, accountID, id, tx.Now()); err != nil {
			return nil, err
		}
		a.Status, a.EndedAt = "cancelled", tx.Now()
		return map[string]string{"auto_debit_id": id}, nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}
