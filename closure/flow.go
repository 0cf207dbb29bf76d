package closure

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
)

// Eligibility answers "can I close?" without starting a flow: every blocker and warning.
func (s *Service) Eligibility(ctx context.Context, accountID string, env Env) ([]purse.Blocker, error) {
	var out []purse.Blocker
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		// The session's device comes with the facts: one statement, one round trip, a check.
		f, err := tx.EligibilityFactsForSession(ctx, accountID, env.SessionID, tx.Now().Add(-s.Policy.WithdrawalWindow.Duration))
		if err != nil {
			return err
		}
		out = Check(s.policy(), f, certified(env, accountID, f.SessionDevice))
		return nil
	})
	return out, err
}

// Start opens a closure request and runs the environment check (AP-2): the request moves to
// agreement, or to failed with the reasons. Errors: CLOSURE_IN_PROGRESS (an open request exists,
// its id in Params), ACCOUNT_NOT_ACTIVE.
func (s *Service) Start(ctx context.Context, accountID string, env Env) (*Flow, error) {
	if env.Reason != "" && !env.Reason.Valid() {
		return nil, &purse.Error{Code: purse.CodeInvalidRequest, Detail: "reason is not one of the listed reasons",
			Fields: []purse.FieldError{{Field: "reason", Code: purse.CodeInvalidRequest}}}
	}
	var flow *Flow
	err := s.write(ctx, func(ctx context.Context, st *step) error {
		p := s.policy()
		dev, err := sessionDevice(ctx, st.tx, env.SessionID)
		if err != nil {
			return err
		}
		var risk []string
		if p.SMSWhen == SMSRisky {
			if risk, err = riskSignals(ctx, st.tx, accountID, dev, st.tx.Now()); err != nil {
				return err
			}
		}
		snap, err := s.newSnapshot(p.SMSWhen == SMSRisky && len(risk) == 0)
		if err != nil {
			return err
		}
		p = snap.policy
		tx := st.tx
		now := tx.Now()
		c := &purse.ClosureRequest{ID: purse.NewID(), AccountID: accountID, Policy: p.Name, PolicyJSON: snap.json,
			State: purse.ClosureStarted, CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(p.FlowExpiry.Duration),
			Deadline: s.deadlineOf(p, now)}
		// Locks in the order every other step takes them: the request (the new row, which the
		// one-open-request index makes wait for a request of the account being changed), then the
		// account. An open request is found by the insert itself; it is read only then, for its id.
		//
		// The row is stored in the state the step leaves it in unless the environment check fails
		// (agreement): no one sees it before the step commits, and storing it as started first
		// cost an UPDATE on every flow (issue 19). A failed check saves it once more.
		row := *c
		row.State = purse.ClosureAgreement
		err = tx.InsertClosure(ctx, &row)
		c.Version = row.Version
		if errors.Is(err, purse.ErrDuplicate) {
			open, err := tx.OpenClosure(ctx, accountID, Open())
			if err != nil {
				if errors.Is(err, purse.ErrNotFound) { // it ended meanwhile: the client may retry
					return purse.Errorf(purse.CodeClosureInProgress, "an open request exists")
				}
				return err
			}
			return &purse.Error{Code: purse.CodeClosureInProgress, Params: map[string]any{"ID": open.ID}}
		} else if err != nil {
			return err
		}
		st.req, st.policy, st.created = c, p, true
		rec, err := st.lockAccount(ctx)
		if err != nil {
			return err
		}
		if !rec.Status.AcceptsPostings() {
			return purse.Errorf(purse.CodeAccountNotActive, "account is %s", rec.Status)
		}
		st.events = append(st.events, &purse.ClosureEvent{ClosureID: c.ID, At: now, To: c.State, Actor: actorOf(accountID), Note: "policy " + p.Name})
		if p.SMSWhen == SMSRisky {
			note := "TP-5 risk: none, no SMS code"
			if len(risk) > 0 {
				note = "TP-5 risk: " + strings.Join(risk, ", ") + ", SMS code"
			}
			st.events = append(st.events, &purse.ClosureEvent{ClosureID: c.ID, At: now, To: c.State, Actor: actorOf(accountID),
				Note: note, Data: map[string]string{"risk": strings.Join(risk, ",")}})
		}
		if env.Reason != "" {
			if err := tx.InsertClosureReason(ctx, c.ID, env.Reason, now); err != nil {
				return err
			}
		}
		st.audit.Record(actorOf(accountID), "closure.start", accountID, map[string]string{"closure": c.ID, "policy": p.Name})
		if bs := EnvironmentBlockers(p, rec, certified(env, accountID, dev)); len(bs) > 0 {
			c.Blockers = bs
			if err := st.move(purse.ClosureFailed, actorOf(accountID), "environment check failed"); err != nil {
				return err
			}
			if err := st.save(ctx); err != nil {
				return err
			}
		} else if err := st.move(purse.ClosureAgreement, actorOf(accountID), ""); err != nil {
			return err
		}
		flow, err = s.view(ctx, st)
		return err
	})
	return flow, err
}

// Accept records the agreement tick (TP-3) and runs the closure conditions (AP-3, AP-8): with no
// blocker the request moves on to the rights page, otherwise it waits in eligibility listing them
// all. Errors: AGREEMENT_REQUIRED, CLOSURE_STATE_CONFLICT, NOT_FOUND.
func (s *Service) Accept(ctx context.Context, accountID, id string, accept bool, env Env) (*Flow, error) {
	return s.userStep(ctx, accountID, id, accountLater, func(ctx context.Context, st *step) error {
		if err := st.in(purse.ClosureAgreement); err != nil {
			return err
		}
		if !accept {
			return purse.Errorf(purse.CodeAgreementRequired, "agreement not ticked")
		}
		if err := st.move(purse.ClosureEligibility, actorOf(accountID), "agreement accepted"); err != nil {
			return err
		}
		return recheck(ctx, st, env)
	})
}

// Recheck runs the conditions again for a request waiting in eligibility.
// Errors: CLOSURE_STATE_CONFLICT, NOT_FOUND.
func (s *Service) Recheck(ctx context.Context, accountID, id string, env Env) (*Flow, error) {
	return s.userStep(ctx, accountID, id, accountLater, func(ctx context.Context, st *step) error {
		if err := st.in(purse.ClosureEligibility); err != nil {
			return err
		}
		return recheck(ctx, st, env)
	})
}

// recheck runs the closure conditions on the step's request (AP-3, AP-8) and moves it on to the
// rights page when nothing blocks.
func recheck(ctx context.Context, st *step, env Env) error {
	c, p := st.req, st.policy
	f, err := st.tx.EligibilityFacts(ctx, c.AccountID, st.tx.Now().Add(-p.WithdrawalWindow.Duration))
	if err != nil {
		return err
	}
	st.seen(f.Account)
	st.noLinks = f.LinkedAccounts == 0
	// The device was checked when the flow started (AP-2); a header missing from a later step
	// does not undo that. Activation is checked again.
	if env.DeviceCertificate == "" {
		env.DeviceCertificate = f.Account.CertificateID
	}
	all := Check(p, f, env)
	c.Blockers = all
	if len(Blocking(all)) == 0 {
		if err := st.move(purse.ClosureRights, actorOf(c.AccountID), "no blockers"); err != nil {
			return err
		}
	}
	return st.save(ctx)
}

// ConfirmRights records that the user gives up the rights listed (AP-4).
// Errors: AGREEMENT_REQUIRED, CLOSURE_STATE_CONFLICT, NOT_FOUND.
func (s *Service) ConfirmRights(ctx context.Context, accountID, id string, confirm bool) (*Flow, error) {
	return s.userStep(ctx, accountID, id, accountRead, func(ctx context.Context, st *step) error {
		if err := st.in(purse.ClosureRights); err != nil {
			return err
		}
		if !confirm {
			return purse.Errorf(purse.CodeAgreementRequired, "rights not confirmed")
		}
		if err := st.move(purse.ClosureVerification, actorOf(accountID), "rights given up"); err != nil {
			return err
		}
		return st.save(ctx)
	})
}

// Cancel ends the account's request (the user changed their mind); in cooling-off it keeps the
// account, which gets back the status it had before the review, or restricted if a restricting
// dispute was opened meanwhile (GE-4, PW-6, AP-8.8). Errors: CLOSURE_STATE_CONFLICT, NOT_FOUND.
func (s *Service) Cancel(ctx context.Context, accountID, id string) (*Flow, error) {
	return s.userStep(ctx, accountID, id, accountRead, func(ctx context.Context, st *step) error {
		return s.cancel(ctx, st, actorOf(accountID), "cancelled by the user")
	})
}

func (s *Service) cancel(ctx context.Context, st *step, actor, note string) error {
	c, tx := st.req, st.tx
	if c.State.Terminal() {
		return conflict(c)
	}
	restoring := c.State == purse.ClosureCoolingOff
	if restoring {
		rec, err := st.lockAccount(ctx)
		if err != nil {
			return err
		}
		if rec.Status == purse.StatusClosing {
			status, err := released(ctx, tx, c)
			if err != nil {
				return err
			}
			rec.Status, rec.UpdatedAt = status, tx.Now()
			if err := tx.UpdateAccount(ctx, rec); err != nil {
				return err
			}
		}
	}
	if err := st.move(purse.ClosureCancelled, actor, note); err != nil {
		return err
	}
	c.CoolingEnds = time.Time{}
	if err := st.save(ctx); err != nil {
		return err
	}
	if restoring {
		return s.notice(ctx, st, "closure_restored", nil)
	}
	return nil
}

// released is the status an account leaves closing with, when the user keeps it, support restores
// it, or blockers stop its closure at the end of cooling-off: restricted while a restricting
// dispute is open, else the one it had when the review moved it to closing. An operator may open a
// dispute during cooling-off (AP-8.8), when the account is closing and stays so (closing already
// stops every movement of money and all new business, more than restricted does); the
// restriction takes effect here, when it would otherwise come back active.
func released(ctx context.Context, tx purse.Tx, c *purse.ClosureRequest) (purse.AccountStatus, error) {
	n, err := tx.OpenRestrictingDisputes(ctx, c.AccountID)
	if err != nil {
		return "", err
	}
	if n > 0 {
		return purse.StatusRestricted, nil
	}
	return priorStatus(c), nil
}

// priorStatus is the status the account had when the review moved it to closing, so a restricted
// account stays restricted. Requests reviewed before that was kept had active accounts.
func priorStatus(c *purse.ClosureRequest) purse.AccountStatus {
	if c.PriorStatus == "" {
		return purse.StatusActive
	}
	return c.PriorStatus
}
