package export

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
)

// closureRecord is one closure request as the takeout shows it: what the user did and what purse
// decided, with the history and the certificate, but not the policy's internals.
type closureRecord struct {
	ID          string                `json:"id"`
	Policy      string                `json:"policy"`
	State       purse.ClosureState    `json:"state"`
	Blockers    []purse.Blocker       `json:"blockers,omitempty"`
	CreatedAt   time.Time             `json:"created_at"`
	Deadline    time.Time             `json:"legal_deadline"`
	CoolingEnds time.Time             `json:"cooling_off_ends,omitzero"`
	ClosedAt    time.Time             `json:"closed_at,omitzero"`
	Certificate json.RawMessage       `json:"certificate,omitempty"`
	History     []*purse.ClosureEvent `json:"history"`
}

// closuresEntry writes closures.json: every closure request of the account with its history (the
// takeout's "closure history", issue 5).
func (s *Service) closuresEntry(ctx context.Context, z *zip.Writer, accountID string) error {
	out := []closureRecord{}
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		reqs, err := tx.AccountClosures(ctx, accountID, 100)
		if err != nil {
			return err
		}
		for _, c := range reqs {
			events, err := tx.ClosureEvents(ctx, c.ID)
			if err != nil {
				return err
			}
			r := closureRecord{ID: c.ID, Policy: c.Policy, State: c.State, Blockers: c.Blockers,
				CreatedAt: c.CreatedAt, Deadline: c.Deadline, CoolingEnds: c.CoolingEnds, ClosedAt: c.ClosedAt,
				History: events}
			if len(c.Certificate) > 0 {
				r.Certificate = c.Certificate
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("export: takeout closures: %w", err)
	}
	return jsonEntry(z, "closures.json", out)
}
