package closure

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/notify"
)

// Submit is "Confirm closure" (AP-5, AP-7): with every factor passed, the review runs every check
// again in the same transaction that locks the account row and moves it to closing, so no
// transfer, top-up or new agreement can slip in between (DESIGN.md §4.2). With manual review the
// request waits for a reviewer instead. Errors: VERIFICATION_INCOMPLETE, CLOSURE_REVIEW_FAILED
// (with the blockers; the request is then failed), CLOSURE_STATE_CONFLICT, NOT_FOUND.
func (s *Service) Submit(ctx context.Context, accountID, id string) (*Flow, error) {
	return s.userStep(ctx, accountID, id, accountLocked, func(ctx context.Context, st *step) error {
		if err := st.in(purse.ClosureReview); err != nil || st.req.Submitted {
			return conflict(st.req)
		}
		// Locked with the request, as the review (approve) needs it: one read of the account, not two.
		rec, err := st.lockAccount(ctx)
		if err != nil {
			return err
		}
		for _, f := range st.policy.Factors(rec.Kind, rec.EmailHash != "") {
			if !slices.Contains(st.req.Factors, f) {
				return &purse.Error{Code: purse.CodeVerificationIncomplete, Params: map[string]any{"Factor": f}}
			}
		}
		return s.review(ctx, st, actorOf(accountID))
	})
}

// review submits for manual review, or approves at once.
func (s *Service) review(ctx context.Context, st *step, actor string) error {
	if st.policy.ManualReview {
		st.req.Submitted = true
		st.audit.Record(actor, "closure.submitted", st.req.AccountID, map[string]string{"closure": st.req.ID})
		if err := st.save(ctx); err != nil {
			return err
		}
		return s.notice(ctx, st, "closure_submitted", nil)
	}
	return s.approve(ctx, st, actor)
}

// approve is the second check (AP-7): lock the account row as every posting transaction does,
// check everything again, and either fail the request with its reasons or move the account to
// closing and the request to cooling-off (and straight on to closed when there is none).
func (s *Service) approve(ctx context.Context, st *step, actor string) error {
	c, p, tx := st.req, st.policy, st.tx
	rec, err := st.lockAccount(ctx)
	if err != nil {
		return err
	}
	f, all, err := checkAgain(ctx, st, rec)
	if err != nil {
		return err
	}
	bs := Blocking(all)
	if !rec.Status.AcceptsPostings() {
		bs = append(bs, blocker(purse.CodeAccountNotActivated))
	}
	sweep := slices.ContainsFunc(all, func(b purse.Blocker) bool { return b.Code == purse.CodeLeftoverToSweep })
	if sweep && s.Sweeper == nil {
		// A request started where sweeping was on, reviewed where it is off: it must not close
		// with money in it.
		bs = append(bs, blocker(purse.CodeBalanceNotZero))
	}
	if len(bs) > 0 {
		return s.fail(ctx, st, actor, bs)
	}
	if sweep {
		for _, b := range f.Books {
			if b.Book == purse.BookMain && b.Amount > 0 {
				if err := s.Sweeper.SweepLeftover(ctx, tx, c.AccountID, b); err != nil {
					return err
				}
			}
		}
	}
	c.PriorStatus = rec.Status // active or restricted: what restore and cancel give back
	rec.Status, rec.UpdatedAt = purse.StatusClosing, tx.Now()
	c.Blockers = nil
	if err := st.move(purse.ClosureCoolingOff, actor, "review passed"); err != nil {
		return err
	}
	c.CoolingEnds = tx.Now().Add(p.CoolingOff.Duration)
	if p.CoolingOff.Duration == 0 {
		// Closing and closed in this one transaction: finish writes the account once, closed.
		return s.finish(ctx, st, rec, f, actor)
	}
	if err := tx.UpdateAccount(ctx, rec); err != nil {
		return err
	}
	if err := st.save(ctx); err != nil {
		return err
	}
	return s.notice(ctx, st, "closure_cooling_off", map[string]string{"Until": s.Catalog.FormatTime(rec.Language, c.CoolingEnds)})
}

// checkAgain runs every check of the request's policy again on its locked account: the second
// check (AP-7) and the one at the end of cooling-off. The device was checked when the flow started
// (AP-2); here the environment check keeps only activation, since a reviewer, an e-mail link or
// the closing job has no device certificate to show.
func checkAgain(ctx context.Context, st *step, rec *purse.AccountRecord) (*purse.EligibilityFacts, []purse.Blocker, error) {
	f, err := st.tx.EligibilityFacts(ctx, st.req.AccountID, st.tx.Now().Add(-st.policy.WithdrawalWindow.Duration))
	if err != nil {
		return nil, nil, err
	}
	return f, Check(st.policy, f, Env{DeviceCertificate: rec.CertificateID}), nil
}

// fail ends the request as failed with its reasons, tells the user, and returns the
// CLOSURE_REVIEW_FAILED error after the commit.
func (s *Service) fail(ctx context.Context, st *step, actor string, bs []purse.Blocker) error {
	if err := s.failWith(ctx, st, actor, "review failed", bs); err != nil {
		return err
	}
	return purse.FailAfterCommit(&purse.Error{Code: purse.CodeClosureReviewFailed, Blockers: bs})
}

// failWith moves the request to failed with the blockers as its reasons (why names the moment,
// in the history and the log) and tells the user why, in the closure_failed notice.
func (s *Service) failWith(ctx context.Context, st *step, actor, why string, bs []purse.Blocker) error {
	c := st.req
	c.Blockers = bs
	codes := make([]string, len(bs))
	for i, b := range bs {
		codes[i] = string(b.Code)
	}
	if err := st.move(purse.ClosureFailed, actor, why+": "+strings.Join(codes, ",")); err != nil {
		return err
	}
	if s.Log != nil {
		s.Log.InfoContext(ctx, "closure "+why, "account_id", c.AccountID, "closure_id", c.ID,
			"blockers", strings.Join(codes, ","))
	}
	if err := st.save(ctx); err != nil {
		return err
	}
	rec, err := st.account(ctx)
	if err != nil {
		return err
	}
	reasons := make([]string, len(bs))
	for i, b := range bs {
		reasons[i] = s.Catalog.Message(rec.Language, string(b.Code), nil)
	}
	return s.notice(ctx, st, "closure_failed", map[string]string{"Reasons": strings.Join(reasons, "\n")})
}

// finish closes the account (cooling-off over, or none): sessions revoked, cards unbound, linked
// accounts unlinked and told by signed webhook (AP-4), status closed, certificate issued, result
// sent (AP-5, PW-4). rec is the request's account, read with its row lock (lockAccount), and f
// the facts checkAgain read under that lock.
//
// Binding a card and linking an account take the account's row lock too, so no card or link can
// appear that f does not count before this transaction ends: an account with none (every account
// whose policy does not cascade, since they block its closure) skips their read and their two
// updates (issue 19).
func (s *Service) finish(ctx context.Context, st *step, rec *purse.AccountRecord, f *purse.EligibilityFacts, actor string) error {
	c, p, tx := st.req, st.policy, st.tx
	now := tx.Now()
	var linked []*purse.LinkedAccount
	var err error
	if f.LinkedAccounts > 0 {
		if linked, err = tx.LiveLinkedAccounts(ctx, c.AccountID); err != nil {
			return err
		}
	}
	sessions, err := tx.RevokeAccountSessions(ctx, c.AccountID, now)
	if err != nil {
		return err
	}
	var cards, unlinked int
	if f.BoundCards > 0 || f.LinkedAccounts > 0 {
		if cards, unlinked, err = tx.EndBindings(ctx, c.AccountID, now); err != nil {
			return err
		}
	}
	for _, l := range linked {
		if l.WebhookURL == "" {
			continue
		}
		if _, err := notify.Enqueue(ctx, tx, s.Catalog, notify.Notice{AccountID: c.AccountID, Channel: purse.ChannelWebhook,
			To: l.WebhookURL, Template: "closure_webhook", Language: "en",
			Data: map[string]string{"event": "account.closed", "account": c.AccountID, "external_id": l.ExternalID,
				"platform": l.Platform, "closure": c.ID}}); err != nil {
			return err
		}
	}
	rec.Status, rec.ClosedAt, rec.UpdatedAt, rec.OneClickPay = purse.StatusClosed, now, now, false
	if err := tx.UpdateAccount(ctx, rec); err != nil {
		return err
	}
	c.ClosedAt = now
	if err := st.move(purse.ClosureClosed, actor, ""); err != nil {
		return err
	}
	if s.Signer != nil {
		// The certificate states what this transaction did, under the retention settings the purge
		// runs with (issue 16).
		facts := certificate.Facts{AccountID: c.AccountID, ClosureID: c.ID, Policy: p.Name, RequestedAt: c.CreatedAt,
			ClosedAt: now, Sessions: sessions, Cards: cards, Linked: unlinked}
		if c.Certificate, err = s.Signer.Sign(s.Signer.Closure(facts, now)); err != nil {
			return err
		}
	}
	if err := st.save(ctx); err != nil {
		return err
	}
	st.audit.Record(actor, "closure.closed", c.AccountID, map[string]string{"closure": c.ID,
		"sessions": itoa(sessions), "cards": itoa(cards), "linked": itoa(unlinked)})
	// The contact points stay readable until the retention purge, so the result can still be sent.
	if s.Log != nil {
		s.Log.InfoContext(ctx, "account closed", "account_id", c.AccountID, "closure_id", c.ID, "policy", p.Name,
			"sessions", sessions, "cards", cards, "linked", unlinked)
	}
	// The signed certificate rides along so that the mail worker can attach it, and the notice
	// (e-mail or SMS) carries a link to the documents: after closure the user can no longer sign in
	// to fetch them, and the same link opens the erasure receipt once the purge ran (issue 16).
	data := map[string]string{"ClosedAt": s.Catalog.FormatTime(rec.Language, now), "certificate": string(c.Certificate)}
	if len(c.Certificate) > 0 {
		link, until, err := s.documentLink(ctx, tx, c.ID, rec.Language)
		if err != nil {
			return err
		}
		data["Link"], data["LinkUntil"] = link, s.Catalog.FormatTime(rec.Language, until)
	}
	return s.notice(ctx, st, "closure_closed", data)
}

func itoa(n int) string { return strconv.Itoa(n) }
