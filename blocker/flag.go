package blocker

import (
	"context"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
)

// AddFlag marks the account as not meeting the service terms or bound by a special agreement
// (AP-8.6), with a note the user sees. Errors: NOT_FOUND, ACCOUNT_NOT_ACTIVE, INVALID_REQUEST.
func (s *Service) AddFlag(ctx context.Context, actor, accountID string, kind purse.FlagKind, note string) (*purse.Flag, error) {
	if kind != purse.FlagTermsNotMet && kind != purse.FlagSpecialAgreement {
		return nil, invalid("kind", "kind must be terms_not_met or special_agreement")
	}
	note, err := text("note", note, 500)
	if err != nil {
		return nil, err
	}
	f := &purse.Flag{ID: purse.NewID(), AccountID: accountID, Kind: kind, Note: note, Status: "active"}
	err = s.change(ctx, actor, accountID, audit.AdminFlagCreate, operatorMark, func(tx purse.Tx, _ *purse.AccountRecord) (map[string]string, error) {
		f.CreatedAt = tx.Now()
		return map[string]string{"flag_id": f.ID, "kind": string(kind)}, tx.InsertFlag(ctx, f)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Flags lists the account's flags, newest first. NOT_FOUND for no such account.
func (s *Service) Flags(ctx context.Context, accountID string) ([]*purse.Flag, error) {
	var out []*purse.Flag
	err := s.read(ctx, accountID, func(tx purse.Tx) (err error) {
		out, err = tx.Flags(ctx, accountID)
		return err
	})
	return out, err
}

// ClearFlag clears a flag once the terms are met or the agreement ends. A cleared flag answers
// again unchanged. Errors: NOT_FOUND.
func (s *Service) ClearFlag(ctx context.Context, actor, accountID, id string) (*purse.Flag, error) {
	var f *purse.Flag
	err := s.change(ctx, actor, accountID, audit.AdminFlagClear, anyStatus, func(tx purse.Tx, _ *purse.AccountRecord) (map[string]string, error) {
		var err error
		if f, err = tx.Flag(ctx, accountID, id); err != nil {
			return nil, item(err, "flag", id)
		}
		if f.Status != "active" {
			return nil, nil
		}
		if err := tx.EndFlag(ctx, accountID, id, tx.Now()); err != nil {
			return nil, err
		}
		f.Status, f.EndedAt = "cleared", tx.Now()
		return map[string]string{"flag_id": id}, nil
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}
