package operator

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
)

// List returns every operator, disabled ones too, for an actor who manages operators.
// Errors: ROLE_REQUIRED.
func (s *Service) List(ctx context.Context, actor string) ([]*purse.Operator, error) {
	var out []*purse.Operator
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		if err := Authorize(ctx, tx, actor, ActManageOperators); err != nil {
			return err
		}
		var err error
		out, err = tx.Operators(ctx)
		return err
	})
	return out, err
}

// SetRole changes an operator's role (issue 13). It applies to the operator's next request on
// every surface: roles are read with the token each time. Errors: ROLE_REQUIRED, NOT_FOUND,
// INVALID_REQUEST (role), LAST_ADMIN (demoting the last enabled admin).
func (s *Service) SetRole(ctx context.Context, actor, id string, role purse.Role) (*purse.Operator, error) {
	if !role.Includes(purse.RoleAgent) {
		return nil, purse.Errorf(purse.CodeInvalidRequest, "role must be agent, reviewer or admin")
	}
	return s.manage(ctx, actor, id, audit.AdminOperatorRole, func(o *purse.Operator, _ time.Time) bool {
		changed := o.Role != role
		o.Role = role
		return changed
	})
}

// Disable stops an operator at once: their API tokens and console sessions are refused from the
// next request on (the store reads only enabled operators), and the value actions they asked for
// that still wait for a second operator are withdrawn in the same transaction: a request rests on
// its maker's authority, which ends here. Errors: ROLE_REQUIRED, NOT_FOUND, LAST_ADMIN (the last
// enabled admin).
func (s *Service) Disable(ctx context.Context, actor, id string) (*purse.Operator, error) {
	return s.manage(ctx, actor, id, audit.AdminOperatorDisable, func(o *purse.Operator, now time.Time) bool {
		if !o.DisabledAt.IsZero() {
			return false
		}
		o.DisabledAt = now
		return true
	})
}

// Enable lets a disabled operator sign in again; tokens still unexpired work again. Errors:
// ROLE_REQUIRED, NOT_FOUND.
func (s *Service) Enable(ctx context.Context, actor, id string) (*purse.Operator, error) {
	return s.manage(ctx, actor, id, audit.AdminOperatorEnable, func(o *purse.Operator, _ time.Time) bool {
		if o.DisabledAt.IsZero() {
			return false
		}
		o.DisabledAt = time.Time{}
		return true
	})
}

// manage loads the operator under a lock, applies change, refuses a change that leaves no enabled
// admin, and stores and audits it in one transaction. A change that changes nothing is not audited.
func (s *Service) manage(ctx context.Context, actor, id, action string, change func(o *purse.Operator, now time.Time) bool) (*purse.Operator, error) {
	if !purse.ValidID(id) {
		return nil, purse.Errorf(purse.CodeNotFound, "no operator %s", id)
	}
	var out *purse.Operator
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		if err := Authorize(ctx, tx, actor, ActManageOperators); err != nil {
			return err
		}
		// The admins are locked first, in one order, then the operator: two admins changing each
		// other at once take the locks alike, and the second sees the first's change.
		admins, err := tx.EnabledAdminsForUpdate(ctx)
		if err != nil {
			return err
		}
		o, err := tx.OperatorForUpdate(ctx, id)
		if errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeNotFound, "no operator %s", id)
		} else if err != nil {
			return err
		}
		wasAdmin := o.Role == purse.RoleAdmin && o.DisabledAt.IsZero()
		out = o
		if !change(o, tx.Now()) {
			return nil
		}
		if wasAdmin && (o.Role != purse.RoleAdmin || !o.DisabledAt.IsZero()) &&
			len(slices.DeleteFunc(admins, func(a string) bool { return a == o.ID })) == 0 {
			return &purse.Error{Code: purse.CodeLastAdmin, Detail: "operator " + o.Username + " is the last enabled admin"}
		}
		if err := tx.UpdateOperator(ctx, o); err != nil {
			return err
		}
		if !o.DisabledAt.IsZero() {
			if err := withdrawRequests(ctx, tx, actor, o); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, action, "", map[string]string{
			"operator_id": o.ID, "username": o.Username, "role": string(o.Role)})
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", action, err)
	}
	return out, nil
}

// disabledNote is the reason recorded on the requests of an operator who was disabled.
const disabledNote = "withdrawn: the operator who asked was disabled"

// withdrawRequests rejects the disabled operator's pending four-eyes requests, audited as
// rejections by the actor who disabled them.
func withdrawRequests(ctx context.Context, tx purse.Tx, actor string, o *purse.Operator) error {
	pending, err := tx.Approvals(ctx, purse.ApprovalPending, 1000)
	if err != nil {
		return err
	}
	maker := "operator:" + o.ID
	for _, a := range pending {
		if a.Maker != maker {
			continue
		}
		a.State, a.Note, a.DecidedAt = purse.ApprovalRejected, disabledNote, tx.Now()
		if actor != maker {
			a.Checker = actor
		}
		if err := tx.DecideApproval(ctx, a); err != nil && !errors.Is(err, purse.ErrNotFound) {
			return err
		}
		if err := audit.Record(ctx, tx, actor, audit.AdminApprovalReject, a.AccountID, map[string]string{
			"approval": a.ID, "kind": a.Kind, "maker": a.Maker, "reason": disabledNote}); err != nil {
			return err
		}
	}
	return nil
}
