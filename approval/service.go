package approval

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/operator"
)

// Executor runs a held action inside the approving transaction, on behalf of the checker, and
// returns what it produced (a transaction, coupon or credit line id). The matrix and the four-eyes
// rule were checked before it runs; its own rules (the account is active, the withdrawal still
// pending) are its own, and an error leaves the request pending.
type Executor func(ctx context.Context, tx purse.Tx, checker string, a *purse.Approval) (string, error)

// Service decides held actions.
type Service struct {
	Store purse.Store
	exec  map[string]Executor
}

// Register names the executor of a kind; the services that hold actions register theirs at start.
func (s *Service) Register(kind string, e Executor) {
	if s.exec == nil {
		s.exec = map[string]Executor{KindThreshold: setThreshold}
	}
	s.exec[kind] = e
}

// List returns up to limit approvals in the state, oldest first, for an operator who may read. A
// pending request past its expiry is listed as expired, not as pending. Errors: ROLE_REQUIRED,
// INVALID_REQUEST (state).
func (s *Service) List(ctx context.Context, actor string, state purse.ApprovalState, limit int) ([]*purse.Approval, error) {
	var out []*purse.Approval
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		if err := operator.Authorize(ctx, tx, actor, operator.ActRead); err != nil {
			return err
		}
		var err error
		switch state {
		case purse.ApprovalPending, purse.ApprovalExpired:
			out, err = s.pendingOrExpired(ctx, tx, state, limit)
		case purse.ApprovalApproved, purse.ApprovalRejected:
			out, err = tx.Approvals(ctx, state, limit)
		default:
			err = purse.Errorf(purse.CodeInvalidRequest, "state must be pending, approved, rejected or expired")
		}
		return err
	})
	return out, err
}

func (s *Service) pendingOrExpired(ctx context.Context, tx purse.Tx, state purse.ApprovalState, limit int) ([]*purse.Approval, error) {
	stored, err := tx.Approvals(ctx, purse.ApprovalPending, 1000)
	if err != nil {
		return nil, err
	}
	var out []*purse.Approval
	if state == purse.ApprovalExpired {
		if out, err = tx.Approvals(ctx, purse.ApprovalExpired, limit); err != nil {
			return nil, err
		}
	}
	for _, a := range stored {
		if expired(tx, a) {
			a.State = purse.ApprovalExpired
		}
		if a.State == state && len(out) < limit {
			out = append(out, a)
		}
	}
	return out, nil
}

func expired(tx purse.Tx, a *purse.Approval) bool { return !tx.Now().Before(a.ExpiresAt) }

// Approve executes a pending request on behalf of checker, in one transaction with the decision,
// so that it runs exactly once: a second approval finds it decided. Errors: NOT_FOUND,
// APPROVAL_SELF (the checker asked for it), ROLE_REQUIRED (the checker lacks the action's
// permission), APPROVAL_DECIDED, APPROVAL_EXPIRED, and the action's own errors (the request stays
// pending).
func (s *Service) Approve(ctx context.Context, checker, id string) (*purse.Approval, error) {
	return s.decide(ctx, checker, id, true, func(tx purse.Tx, a *purse.Approval) error {
		run, ok := s.exec[a.Kind]
		if !ok {
			return fmt.Errorf("approval %s: no executor for %s", a.ID, a.Kind)
		}
		result, err := run(ctx, tx, checker, a)
		if err != nil {
			return err
		}
		a.State, a.Result = purse.ApprovalApproved, result
		return nil
	})
}

// Reject refuses a pending request with a reason; nothing moves. The maker may withdraw their own
// request this way. Errors: NOT_FOUND, INVALID_REQUEST (no reason), ROLE_REQUIRED,
// APPROVAL_DECIDED, APPROVAL_EXPIRED.
func (s *Service) Reject(ctx context.Context, checker, id, reason string) (*purse.Approval, error) {
	if err := purse.CheckText("reason", reason); err != nil {
		return nil, err
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		return nil, purse.Errorf(purse.CodeInvalidRequest, "a rejection needs a reason")
	}
	return s.decide(ctx, checker, id, false, func(_ purse.Tx, a *purse.Approval) error {
		a.State, a.Note = purse.ApprovalRejected, reason
		return nil
	})
}

// decide loads the request under a lock, applies the four-eyes rule and the matrix, lets fn
// decide, and stores and audits the decision with both operators. A request found past its expiry
// is marked expired (that commits) and refused.
func (s *Service) decide(ctx context.Context, checker, id string, approve bool, fn func(tx purse.Tx, a *purse.Approval) error) (*purse.Approval, error) {
	if !purse.ValidID(id) {
		return nil, purse.Errorf(purse.CodeNotFound, "no approval %s", id)
	}
	var out *purse.Approval
	var lapsed bool
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		a, err := tx.ApprovalForUpdate(ctx, id)
		if errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeNotFound, "no approval %s", id)
		} else if err != nil {
			return err
		}
		if err := operator.Authorize(ctx, tx, checker, permission[a.Kind]); err != nil {
			return err
		}
		if a.State == purse.ApprovalExpired {
			return &purse.Error{Code: purse.CodeApprovalExpired, Detail: "approval " + id + " expired"}
		}
		if a.State != purse.ApprovalPending {
			return &purse.Error{Code: purse.CodeApprovalDecided, Detail: "approval " + id + " is " + string(a.State)}
		}
		if expired(tx, a) {
			lapsed = true
			return expire(ctx, tx, a)
		}
		// Four eyes: the maker may withdraw a request, never approve it.
		if approve && a.Maker == checker {
			return &purse.Error{Code: purse.CodeApprovalSelf, Detail: "the operator who asked may not approve"}
		}
		if err := fn(tx, a); err != nil {
			return err
		}
		a.DecidedAt = tx.Now()
		if a.Maker != checker {
			a.Checker = checker // a withdrawal by the maker has no checker: the table keeps them apart
		}
		if err := tx.DecideApproval(ctx, a); errors.Is(err, purse.ErrNotFound) {
			return &purse.Error{Code: purse.CodeApprovalDecided, Detail: "approval " + id + " was decided meanwhile"}
		} else if err != nil {
			return err
		}
		action := audit.AdminApprovalApprove
		if !approve {
			action = audit.AdminApprovalReject
		}
		out = a
		return audit.Record(ctx, tx, checker, action, a.AccountID, map[string]string{"approval": a.ID,
			"kind": a.Kind, "amount": strconv.FormatInt(a.Amount, 10), "maker": a.Maker, "result": a.Result})
	})
	if err != nil {
		return nil, err
	}
	if lapsed {
		return nil, &purse.Error{Code: purse.CodeApprovalExpired, Detail: "approval " + id + " expired"}
	}
	return out, nil
}

// expireBatch is how many requests one run of the expiry job looks at.
const expireBatch = 100

// Tasks returns the job that marks requests past their lifetime expired, so that the queue shows
// only what a checker can still decide. Nothing moves: an expired request was never executed.
func (s *Service) Tasks() []jobs.Task {
	return []jobs.Task{{Name: "approvals.expire", Every: 10 * time.Minute, Batch: expireBatch, Run: s.expireDue}}
}

func (s *Service) expireDue(ctx context.Context) (int, error) {
	n := 0
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		n = 0
		list, err := tx.Approvals(ctx, purse.ApprovalPending, expireBatch)
		if err != nil {
			return err
		}
		for _, a := range list {
			if !expired(tx, a) {
				break // oldest first: the rest are younger
			}
			if err := expire(ctx, tx, a); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// ActionExpire is the audit action of a request that lapsed undecided: purse's own, no operator's.
const ActionExpire = "approval.expire"

// expire marks a request past its lifetime expired and audits it as purse's doing.
func expire(ctx context.Context, tx purse.Tx, a *purse.Approval) error {
	a.State, a.DecidedAt = purse.ApprovalExpired, tx.Now()
	if err := tx.DecideApproval(ctx, a); errors.Is(err, purse.ErrNotFound) {
		return nil // decided meanwhile
	} else if err != nil {
		return err
	}
	return audit.Record(ctx, tx, "system:approvals", ActionExpire, a.AccountID, map[string]string{
		"approval": a.ID, "kind": a.Kind, "amount": strconv.FormatInt(a.Amount, 10), "maker": a.Maker})
}
