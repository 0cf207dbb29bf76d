package closure

import (
	"context"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/jobs"
)

// CloseBatch is how many requests one run of the closing job handles.
const CloseBatch = 20

// CloseDue closes the accounts whose cooling-off has ended, one batch in one transaction. It is
// idempotent: a request already closed is no longer due, and rows locked by another instance are
// skipped (FOR UPDATE SKIP LOCKED).
func (s *Service) CloseDue(ctx context.Context) (int, error) {
	n := 0
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		n = 0
		due, err := tx.DueCoolingOff(ctx, tx.Now(), CloseBatch)
		if err != nil {
			return err
		}
		for _, c := range due {
			p, err := policyOf(c)
			if err != nil {
				return err
			}
			rec, err := tx.AccountForUpdate(ctx, c.AccountID)
			if err != nil {
				return err
			}
			if err := s.finish(ctx, tx, c, p, rec, "system"); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// CloseTask is the closing job for the runner.
func (s *Service) CloseTask() jobs.Task {
	return jobs.Task{Name: "closure.close_due", Every: time.Minute, Batch: CloseBatch, Run: s.CloseDue}
}

// ExpireIdle ends the requests whose user left them idle past their expiry, so every request
// reaches a terminal state even if nobody comes back to it (DESIGN.md §4.3).
func (s *Service) ExpireIdle(ctx context.Context) (int, error) {
	n := 0
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		n = 0
		// Spent secrets go too: a day past expiry nothing reads them (the resend cool-down looks
		// back a minute, the daily cap counts in rate_counters).
		if _, err := tx.PurgeVerifications(ctx, tx.Now().Add(-24*time.Hour)); err != nil {
			return err
		}
		idle, err := tx.IdleClosures(ctx, tx.Now(), CloseBatch)
		if err != nil {
			return err
		}
		for _, c := range idle {
			p, err := policyOf(c)
			if err != nil {
				return err
			}
			if err := s.move(ctx, tx, c, purse.ClosureExpired, "system", "idle past expiry"); err != nil {
				return err
			}
			if err := s.save(ctx, tx, c, p); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// ExpireTask is the expiry job for the runner.
func (s *Service) ExpireTask() jobs.Task {
	return jobs.Task{Name: "closure.expire_idle", Every: 5 * time.Minute, Batch: CloseBatch, Run: s.ExpireIdle}
}

// RemindBefore is how long before the end of cooling-off the reminder goes out.
const RemindBefore = 24 * time.Hour

// Remind tells users whose cooling-off ends within RemindBefore that the closure is near and how
// to keep the account (PW-6), once per request.
func (s *Service) Remind(ctx context.Context) (int, error) {
	n := 0
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		n = 0
		due, err := tx.DueReminders(ctx, tx.Now(), tx.Now().Add(RemindBefore), CloseBatch)
		if err != nil {
			return err
		}
		for _, c := range due {
			p, err := policyOf(c)
			if err != nil {
				return err
			}
			rec, err := tx.Account(ctx, c.AccountID)
			if err != nil {
				return err
			}
			if err := s.notice(ctx, tx, c, p, "closure_reminder",
				map[string]string{"Until": s.Catalog.FormatTime(rec.Language, c.CoolingEnds)}); err != nil {
				return err
			}
			if err := tx.MarkReminded(ctx, c.ID, tx.Now()); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// RemindTask is the reminder job for the runner.
func (s *Service) RemindTask() jobs.Task {
	return jobs.Task{Name: "closure.remind", Every: 10 * time.Minute, Batch: CloseBatch, Run: s.Remind}
}
