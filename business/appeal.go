package business

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/notify"
)

// Real-name appeals (AP-9: "a real-name certification that collides with an older account"). The
// user whose certification is refused because an older wallet holds the same identity does not
// close anything: they appeal with a reason, support checks the identity documents off-line and
// approves or rejects with a reason, and the user reads where it stands. An approval certifies the
// appellant's wallet (its kind becomes verified); support takes the certification off the older
// wallet with the console's account-kind action, which is audited on its own.
const (
	AppealRealName = "real_name"

	AppealPending  = "pending"
	AppealApproved = "approved"
	AppealRejected = "rejected"
)

// Codes of appeals.
const (
	// CodeAppealPending: the account has an appeal waiting for support already.
	CodeAppealPending purse.Code = "APPEAL_PENDING"
	// CodeAppealDecided: the appeal was decided already.
	CodeAppealDecided purse.Code = "APPEAL_DECIDED"
)

// appealText checks a reason: 1 to 500 characters of plain text. Errors: INVALID_REQUEST,
// TEXT_CONTROL_CHARACTERS.
func appealText(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > 500 {
		return "", &purse.Error{Code: purse.CodeInvalidRequest, Detail: field + ": 1 to 500 characters",
			Fields: []purse.FieldError{{Field: field, Code: purse.CodeInvalidRequest}}}
	}
	return s, purse.CheckText(field, s)
}

// FileAppeal files a real-name appeal with the user's reason. Errors: INVALID_REQUEST,
// TEXT_CONTROL_CHARACTERS, APPEAL_PENDING, ACCOUNT_CLOSING, ACCOUNT_NOT_ACTIVE.
func (s *Service) FileAppeal(ctx context.Context, accountID, reason string) (*purse.RebindAppeal, error) {
	reason, err := appealText("reason", reason)
	if err != nil {
		return nil, err
	}
	var out *purse.RebindAppeal
	err = s.Store.Tx(ctx, func(tx purse.Tx) error {
		acct, err := tx.AccountForUpdate(ctx, accountID)
		if err != nil {
			return err
		}
		if err := startable(acct); err != nil {
			return err
		}
		list, err := tx.AccountAppeals(ctx, accountID)
		if err != nil {
			return err
		}
		for _, a := range list {
			if a.Status == AppealPending {
				return &purse.Error{Code: CodeAppealPending, Params: map[string]any{"ID": a.ID}}
			}
		}
		out = &purse.RebindAppeal{ID: purse.NewID(), AccountID: accountID, Kind: AppealRealName, Reason: reason,
			Status: AppealPending, CreatedAt: tx.Now()}
		if err := tx.InsertAppeal(ctx, out); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "account:"+accountID, "appeal.filed", accountID, map[string]string{"appeal": out.ID})
	})
	if err != nil {
		return nil, fmt.Errorf("file appeal: %w", err)
	}
	return out, nil
}

// Appeals lists the account's appeals, newest first.
func (s *Service) Appeals(ctx context.Context, accountID string) ([]*purse.RebindAppeal, error) {
	var out []*purse.RebindAppeal
	err := s.Store.Read(ctx, func(tx purse.Tx) (err error) {
		out, err = tx.AccountAppeals(ctx, accountID)
		return err
	})
	return out, err
}

// PendingAppeals is support's queue: the appeals waiting for a decision, oldest first.
func (s *Service) PendingAppeals(ctx context.Context, limit int) ([]*purse.RebindAppeal, error) {
	var out []*purse.RebindAppeal
	err := s.Store.Read(ctx, func(tx purse.Tx) (err error) {
		out, err = tx.PendingAppeals(ctx, limit)
		return err
	})
	return out, err
}

// DecideAppeal approves or rejects a pending appeal with a reason the user reads. An approval
// makes the appellant's wallet verified. The user is told (e-mail, else SMS) and the decision is
// audited as admin.appeal.decide. Errors: NOT_FOUND, INVALID_REQUEST, TEXT_CONTROL_CHARACTERS,
// APPEAL_DECIDED.
func (s *Service) DecideAppeal(ctx context.Context, actor, id string, approve bool, reason string) (*purse.RebindAppeal, error) {
	reason, err := appealText("reason", reason)
	if err != nil {
		return nil, err
	}
	if !purse.ValidID(id) {
		return nil, purse.Errorf(purse.CodeNotFound, "no appeal %s", id)
	}
	var out *purse.RebindAppeal
	err = s.Store.Tx(ctx, func(tx purse.Tx) error {
		a, err := tx.AppealForUpdate(ctx, id)
		if errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeNotFound, "no appeal %s", id)
		}
		if err != nil {
			return err
		}
		if a.Status != AppealPending {
			return purse.Errorf(CodeAppealDecided, "appeal %s is %s", id, a.Status)
		}
		acct, err := tx.AccountForUpdate(ctx, a.AccountID)
		if err != nil {
			return err
		}
		now := tx.Now()
		a.Status, a.DecidedBy, a.DecisionReason, a.DecidedAt = AppealRejected, actor, reason, now
		if approve {
			a.Status = AppealApproved
			if acct.Kind == purse.KindUnverified || acct.Kind == purse.KindMobile {
				acct.Kind, acct.UpdatedAt = purse.KindVerified, now
				if err := tx.UpdateAccount(ctx, acct); err != nil {
					return err
				}
			}
		}
		if err := tx.UpdateAppeal(ctx, a); err != nil {
			return err
		}
		if err := s.tellAppellant(ctx, tx, acct, a); err != nil {
			return err
		}
		out = a
		return audit.Record(ctx, tx, actor, audit.AdminAppealDecide, a.AccountID,
			map[string]string{"appeal": a.ID, "status": a.Status, "reason": reason})
	})
	if err != nil {
		return nil, fmt.Errorf("decide appeal %s: %w", id, err)
	}
	return out, nil
}

// tellAppellant sends the decision by e-mail, or by SMS to a wallet without one (AP-5's order).
func (s *Service) tellAppellant(ctx context.Context, tx purse.Tx, acct *purse.AccountRecord, a *purse.RebindAppeal) error {
	key, err := s.Accounts.DataKey(ctx, tx, acct.ID)
	if err != nil {
		return err
	}
	n := notify.Notice{AccountID: acct.ID, Channel: purse.ChannelEmail, Template: "appeal_decided", Language: acct.Language,
		Data: map[string]string{"Status": s.Catalog.Message(acct.Language, "appeal_status_"+a.Status, nil), "Reason": a.DecisionReason}}
	if n.To, err = key.Open("email", acct.EmailSealed); err != nil {
		return err
	}
	if n.To == "" {
		n.Channel = purse.ChannelSMS
		if n.To, err = key.Open("phone", acct.PhoneSealed); err != nil || n.To == "" {
			return err
		}
	}
	_, err = notify.Enqueue(ctx, tx, s.Catalog, n)
	return err
}
