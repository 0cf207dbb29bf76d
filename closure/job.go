package closure

import (
	"context"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/jobs"
)

// CloseBatch is how many requests one run of the closing, expiry or reminder job claims.
const CloseBatch = 20

// CloseDue ends the requests whose cooling-off is over, one batch, and returns how many it ended.
// Each runs its policy's checks once more: during cooling-off an operator may still have put a
// dispute (AP-8.8) or an agreement flag (AP-8.6) on the closing account, and the closure must not
// complete while one is open. Such a request fails with its reasons, as when the second check
// fails (AP-7): the account leaves closing (restricted while a restricting dispute is open) and
// the user is told why. The others are closed. It is idempotent: an ended request is no longer
// due, and rows locked by another instance are skipped (FOR UPDATE SKIP LOCKED). Each request is
// ended in a savepoint of its own (jobs.Batch): one that fails is recorded and skipped for a
// while, and the others still close.
func (s *Service) CloseDue(ctx context.Context) (int, error) {
	b := &jobs.Batch[*purse.ClosureRequest]{Job: purse.JobCloseDue, Store: s.Store, Log: s.Log, ID: requestID,
		Claim: func(ctx context.Context, tx purse.Tx) ([]*purse.ClosureRequest, error) {
			return tx.DueCoolingOff(ctx, tx.Now(), CloseBatch)
		},
		Each: s.closeOne,
	}
	return b.Run(ctx)
}

func requestID(c *purse.ClosureRequest) string { return c.ID }

// closeOne ends one request whose cooling-off is over (see CloseDue).
func (s *Service) closeOne(ctx context.Context, tx purse.Tx, c *purse.ClosureRequest) error {
	st, err := s.jobStep(tx, c)
	if err != nil {
		return err
	}
	rec, err := st.lockAccount(ctx)
	if err != nil {
		return err
	}
	f, all, err := checkAgain(ctx, st, rec)
	if err != nil {
		return err
	}
	if bs := Blocking(all); len(bs) > 0 {
		err = s.keep(ctx, st, rec, bs)
	} else {
		err = s.finish(ctx, st, rec, f, "system")
	}
	if err != nil {
		return err
	}
	return st.flush(ctx)
}

// keep fails a request whose checks found blockers at the end of its cooling-off: the account
// leaves closing for the status it is released with, the request fails with the blockers as its
// reasons, and the closure_failed notice tells the user why. rec is the request's account, read
// with its row lock (lockAccount).
func (s *Service) keep(ctx context.Context, st *step, rec *purse.AccountRecord, bs []purse.Blocker) error {
	status, err := released(ctx, st.tx, st.req)
	if err != nil {
		return err
	}
	rec.Status, rec.UpdatedAt = status, st.tx.Now()
	if err := st.tx.UpdateAccount(ctx, rec); err != nil {
		return err
	}
	st.req.CoolingEnds = time.Time{}
	return s.failWith(ctx, st, "system", "blockers at the end of cooling-off", bs)
}

// jobStep is a step on a request a job found, in the job's transaction: the job flushes it when
// it is done with that request.
func (s *Service) jobStep(tx purse.Tx, c *purse.ClosureRequest) (*step, error) {
	p, err := s.policyOf(c)
	if err != nil {
		return nil, err
	}
	st := newStep(tx)
	st.req, st.policy = c, p
	return st, nil
}

// CloseTask is the closing job for the runner.
func (s *Service) CloseTask() jobs.Task {
	return jobs.Task{Name: "closure.close_due", Every: time.Minute, Batch: CloseBatch, Run: s.CloseDue}
}

// ExpireIdle ends the requests whose user left them idle past their expiry, so every request
// reaches a terminal state even if nobody comes back to it (DESIGN.md §4.3). Each in a savepoint
// of its own (jobs.Batch), as in CloseDue.
func (s *Service) ExpireIdle(ctx context.Context) (int, error) {
	b := &jobs.Batch[*purse.ClosureRequest]{Job: purse.JobExpireIdle, Store: s.Store, Log: s.Log, ID: requestID,
		Claim: func(ctx context.Context, tx purse.Tx) ([]*purse.ClosureRequest, error) {
			// Spent secrets go too: a day past expiry nothing reads them (the resend cool-down
			// looks back a minute, the daily cap counts in rate_counters).
			if _, err := tx.PurgeVerifications(ctx, tx.Now().Add(-24*time.Hour)); err != nil {
				return nil, err
			}
			return tx.IdleClosures(ctx, purse.IdleClosuresParams{Expiring: Expiring(false),
				ExpiringSubmitted: Expiring(true), Now: tx.Now(), Limit: CloseBatch})
		},
		Each: func(ctx context.Context, tx purse.Tx, c *purse.ClosureRequest) error {
			st, err := s.jobStep(tx, c)
			if err != nil {
				return err
			}
			if err := st.move(purse.ClosureExpired, "system", "idle past expiry"); err != nil {
				return err
			}
			if err := st.save(ctx); err != nil {
				return err
			}
			return st.flush(ctx)
		},
	}
	return b.Run(ctx)
}

// ExpireTask is the expiry job for the runner.
func (s *Service) ExpireTask() jobs.Task {
	return jobs.Task{Name: "closure.expire_idle", Every: 5 * time.Minute, Batch: CloseBatch, Run: s.ExpireIdle}
}

// RemindBefore is how long before the end of cooling-off the reminder goes out.
const RemindBefore = 24 * time.Hour

// Remind tells users whose cooling-off ends within RemindBefore that the closure is near and how
// to keep the account (PW-6), once per request; each in a savepoint of its own (jobs.Batch): a
// request whose reminder cannot be written (a missing template) is skipped for a while.
func (s *Service) Remind(ctx context.Context) (int, error) {
	b := &jobs.Batch[*purse.ClosureRequest]{Job: purse.JobRemind, Store: s.Store, Log: s.Log, ID: requestID,
		Claim: func(ctx context.Context, tx purse.Tx) ([]*purse.ClosureRequest, error) {
			return tx.DueReminders(ctx, purse.DueRemindersParams{Now: tx.Now(), Until: tx.Now().Add(RemindBefore), Limit: CloseBatch})
		},
		Each: func(ctx context.Context, tx purse.Tx, c *purse.ClosureRequest) error {
			st, err := s.jobStep(tx, c)
			if err != nil {
				return err
			}
			rec, err := st.account(ctx)
			if err != nil {
				return err
			}
			// A reminder that arrives after the closure is no reminder: it expires with the
			// cooling-off it announces the end of.
			if err := s.noticeUntil(ctx, st, "closure_reminder",
				map[string]string{"Until": s.Catalog.FormatTime(rec.Language, c.CoolingEnds)}, c.CoolingEnds); err != nil {
				return err
			}
			return tx.MarkReminded(ctx, c.ID, tx.Now())
		},
	}
	return b.Run(ctx)
}

// RemindTask is the reminder job for the runner.
func (s *Service) RemindTask() jobs.Task {
	return jobs.Task{Name: "closure.remind", Every: 10 * time.Minute, Batch: CloseBatch, Run: s.Remind}
}
