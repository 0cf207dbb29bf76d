package closure

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/operator"
)

// OpenRequests lists open requests by legal deadline, earliest first, for support.
func (s *Service) OpenRequests(ctx context.Context, limit int) ([]*purse.ClosureRequest, error) {
	var out []*purse.ClosureRequest
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		var err error
		out, err = tx.OpenClosures(ctx, Open(), limit)
		return err
	})
	return out, err
}

// admin runs an operator's decision on a request, audited as action (audit.AdminClosure…) with the
// request and the details given (a restore's reason and identity check).
func (s *Service) admin(ctx context.Context, op *purse.Operator, id, action string, details map[string]string, fn func(ctx context.Context, st *step, actor string) error) (*Flow, error) {
	var flow *Flow
	actor := "operator:" + op.ID
	// Deciding a closure is a reviewer's (issue 13), checked here whatever the caller.
	if err := operator.Require(op.Role, operator.ActReview); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(ctx context.Context, st *step) error {
		if err := s.load(ctx, st, id, "", accountLater, false); err != nil {
			return err
		}
		audited := map[string]string{"closure": st.req.ID}
		for k, v := range details {
			audited[k] = v
		}
		st.audit.Record(actor, action, st.req.AccountID, audited)
		if err := fn(ctx, st, actor); err != nil {
			return err
		}
		var err error
		flow, err = s.view(ctx, st)
		return err
	})
	return flow, err
}

// Funnel counts the requests of the last window, step by step, for support.
func (s *Service) Funnel(ctx context.Context, window time.Duration) (*purse.ClosureFunnel, error) {
	var f *purse.ClosureFunnel
	err := s.Store.Read(ctx, func(tx purse.Tx) (err error) {
		f, err = tx.ClosureFunnel(ctx, tx.Now().Add(-window))
		return err
	})
	return f, err
}

// AdminGet returns any request, for operators, without auditing the read: the caller has just
// decided on it, or lists it. NOT_FOUND when there is none.
func (s *Service) AdminGet(ctx context.Context, id string) (*Flow, error) {
	var flow *Flow
	err := s.Store.Read(ctx, func(tx purse.Tx) (err error) {
		flow, err = s.adminRead(ctx, tx, id)
		return err
	})
	return flow, err
}

// AdminView returns any request with its account for an operator's look at it, from the console
// or the admin API alike, and audits the read (audit.AdminClosureView) in the same transaction:
// support read the account's readiness and the request's history. NOT_FOUND when there is none.
func (s *Service) AdminView(ctx context.Context, op *purse.Operator, id string) (*Flow, *account.Shown, error) {
	var flow *Flow
	var acct *account.Shown
	err := s.Store.Tx(ctx, func(tx purse.Tx) (err error) {
		if flow, err = s.adminRead(ctx, tx, id); err != nil {
			return err
		}
		rec, err := tx.Account(ctx, flow.Request.AccountID)
		if err != nil {
			return err
		}
		if acct, err = account.Show(ctx, tx, s.Accounts.Vault, rec); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "operator:"+op.ID, audit.AdminClosureView, flow.Request.AccountID,
			map[string]string{"closure": flow.Request.ID})
	})
	return flow, acct, err
}

func (s *Service) adminRead(ctx context.Context, tx purse.Tx, id string) (*Flow, error) {
	if !purse.ValidID(id) {
		return nil, purse.Errorf(purse.CodeNotFound, "no closure %s", id)
	}
	c, err := tx.Closure(ctx, id, "")
	if errors.Is(err, purse.ErrNotFound) {
		return nil, purse.Errorf(purse.CodeNotFound, "no closure %s", id)
	}
	if err != nil {
		return nil, err
	}
	p, err := s.policyOf(c)
	if err != nil {
		return nil, err
	}
	// A step that reads only: it moves nothing, so it has nothing to flush.
	return s.view(ctx, &step{tx: tx, req: c, policy: p})
}

// Approve is a reviewer's yes where the policy asks for manual review: the same second check,
// in the same transaction as the move to closing. Errors: CLOSURE_REVIEW_FAILED,
// CLOSURE_STATE_CONFLICT, NOT_FOUND.
func (s *Service) Approve(ctx context.Context, op *purse.Operator, id string) (*Flow, error) {
	return s.admin(ctx, op, id, audit.AdminClosureApprove, nil, func(ctx context.Context, st *step, actor string) error {
		if st.req.State != purse.ClosureReview || !st.req.Submitted {
			return conflict(st.req)
		}
		return s.approve(ctx, st, actor)
	})
}

// Reject is a reviewer's no: the request fails with the reviewer's reason.
// Errors: CLOSURE_STATE_CONFLICT, NOT_FOUND.
func (s *Service) Reject(ctx context.Context, op *purse.Operator, id, reason string) (*Flow, error) {
	if err := purse.CheckText("reason", reason); err != nil {
		return nil, err
	}
	return s.admin(ctx, op, id, audit.AdminClosureReject, map[string]string{"reason": reason}, func(ctx context.Context, st *step, actor string) error {
		if st.req.State != purse.ClosureReview || !st.req.Submitted {
			return conflict(st.req)
		}
		if err := st.move(purse.ClosureFailed, actor, "rejected: "+reason); err != nil {
			return err
		}
		if err := st.save(ctx); err != nil {
			return err
		}
		return s.notice(ctx, st, "closure_failed", map[string]string{"Reasons": reason})
	})
}

// IdentityChecks are the ways support may have checked that the caller is the holder before
// restoring an account (GE-4): a code sent to the bound phone, a call back to the bound phone, the
// ID document matched against the real name, or in person. A restore records which.
var IdentityChecks = []string{"bound_phone_code", "bound_phone_callback", "id_document", "in_person"}

// Restoration is what support records when restoring an account: why, and how the holder's
// identity was checked.
type Restoration struct {
	Reason        string
	IdentityCheck string // one of IdentityChecks
}

// Restore gives the account back during cooling-off (GE-4): the request is cancelled and the
// account gets back the status it had before the review (active, or restricted), restricted if a
// restricting dispute was opened meanwhile (AP-8.8). The reason and the identity check are kept
// in the request's history and the audit chain: a restore is the undoing of a holder's legal
// request, and must say on whose word. Errors: INVALID_REQUEST (no reason, or an identity check
// not listed), TEXT_CONTROL_CHARACTERS, CLOSURE_STATE_CONFLICT, NOT_FOUND.
func (s *Service) Restore(ctx context.Context, op *purse.Operator, id string, r Restoration) (*Flow, error) {
	reason := strings.TrimSpace(r.Reason)
	switch {
	case reason == "":
		return nil, &purse.Error{Code: purse.CodeInvalidRequest, Detail: "a restore needs its reason",
			Fields: []purse.FieldError{{Field: "reason", Code: purse.CodeInvalidRequest}}}
	case !slices.Contains(IdentityChecks, r.IdentityCheck):
		return nil, &purse.Error{Code: purse.CodeInvalidRequest, Detail: "a restore needs the identity check done",
			Fields: []purse.FieldError{{Field: "identity_check", Code: purse.CodeInvalidRequest}}}
	}
	if err := purse.CheckText("reason", reason); err != nil {
		return nil, err
	}
	details := map[string]string{"reason": reason, "identity_check": r.IdentityCheck}
	return s.admin(ctx, op, id, audit.AdminClosureRestore, details, func(ctx context.Context, st *step, actor string) error {
		if st.req.State != purse.ClosureCoolingOff {
			return conflict(st.req)
		}
		return s.cancel(ctx, st, actor, RestoredNote+": "+r.IdentityCheck+": "+reason)
	})
}

// RestoredNote starts the history note of a restore: "restored by support: <check>: <reason>".
const RestoredNote = "restored by support"

// Readiness is the eligibility check for support ("view an account's readiness"): every blocker,
// with the device check taken as passed since support has no device to show. NOT_FOUND for no
// such account.
func (s *Service) Readiness(ctx context.Context, accountID string) ([]purse.Blocker, error) {
	var out []purse.Blocker
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		f, err := tx.EligibilityFacts(ctx, accountID, tx.Now().Add(-s.Policy.WithdrawalWindow.Duration))
		if errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeNotFound, "no account %s", accountID)
		}
		if err != nil {
			return err
		}
		out = Check(s.policy(), f, Env{DeviceCertificate: f.Account.CertificateID})
		return nil
	})
	return out, err
}

// InProgressUntil is when the account's movements in progress stop blocking a closure (AP-8.3):
// a pending movement's expected settlement, or a recent withdrawal's settlement plus the policy's
// window; zero when unknown (a pending movement without an expected time).
func (s *Service) InProgressUntil(ctx context.Context, accountID string) (time.Time, error) {
	var until time.Time
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		w := s.Policy.WithdrawalWindow.Duration
		var err error
		until, err = tx.InProgressUntil(ctx, accountID, tx.Now().Add(-w), w)
		return err
	})
	return until, err
}
