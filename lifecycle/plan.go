package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

// Planned is one thing a purge run would do now, and why.
type Planned struct {
	AccountID string    `json:"account_id"`
	Step      string    `json:"step"` // "notify", "erase" or "records"
	ClosedAt  time.Time `json:"closed_at"`
	DueAt     time.Time `json:"due_at"` // when the retention period ended
	Reason    string    `json:"reason"`
}

// planLimit caps a dry run's listing per step.
const planLimit = 10000

var errDryRun = errors.New("dry run")

// Plan lists what PurgePersonal and PurgeRecords would do now, without doing it. It runs the jobs'
// own claim queries in a transaction that it rolls back, so the listing is exactly what a run
// would take (accounts another instance is purging at this moment are skipped, as a run would).
func (s *Service) Plan(ctx context.Context) ([]Planned, error) {
	p := s.Policy.withDefaults()
	var out []Planned
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		now := tx.Now()
		cands, err := tx.ClosedForPurge(ctx, purse.PurgeClaimParams{ClosedBefore: p.Personal.Before(now),
			NoticedBefore: now.Add(-p.NoticeWait), Limit: planLimit})
		if err != nil {
			return err
		}
		for _, c := range cands {
			due := p.Personal.After(c.Account.ClosedAt)
			step, why := "notify", "personal-data retention %s after closure ended: send the data_erased notice, then erase"
			if !c.State.NoticedAt.IsZero() {
				step, why = "erase", "personal-data retention %s after closure ended and the notice left the outbox or waited long enough: destroy the data key and erase personal data"
			}
			out = append(out, Planned{AccountID: c.Account.ID, Step: step, ClosedAt: c.Account.ClosedAt,
				DueAt: due, Reason: fmt.Sprintf(why, p.Personal)})
		}
		recs, err := tx.PurgedForRecords(ctx, p.Records.Before(now), planLimit)
		if err != nil {
			return err
		}
		for _, c := range recs {
			out = append(out, Planned{AccountID: c.Account.ID, Step: "records", ClosedAt: c.Account.ClosedAt,
				DueAt:  p.Records.After(c.Account.ClosedAt),
				Reason: fmt.Sprintf("AML records period %s after closure ended: remove ledger transactions no live party needs (balances carried) and service rows", p.Records)})
		}
		return errDryRun
	})
	if !errors.Is(err, errDryRun) {
		return nil, err
	}
	return out, nil
}
