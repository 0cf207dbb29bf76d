package bench

import (
	"context"
	"fmt"
	"time"
)

// Purge is the purge measurement: N closed accounts past their personal-data retention, drained
// by the lifecycle job in its batches while a background load calls the API.
type Purge struct {
	Accounts int     `json:"accounts"`
	Batch    int     `json:"batch"`
	Seconds  float64 `json:"seconds"` // notices + their delivery + erasure
	PerSec   float64 `json:"per_sec"`
	// The three passes of the personal-data purge (lifecycle.PurgePersonal): the notice is
	// enqueued, the outbox delivers it (to the dev sender here), then the account is erased.
	NoticeSec  float64 `json:"notice_seconds"`
	DeliverSec float64 `json:"deliver_seconds"`
	EraseSec   float64 `json:"erase_seconds"`
	SetupSec   float64 `json:"setup_seconds"` // inserting the accounts, not part of the rate
	// The background load: GET /api/v1/closure/eligibility at BackgroundRate per second, alone
	// before the purge and during it.
	BackgroundRate int  `json:"background_rate"`
	Before         Load `json:"before"`
	During         Load `json:"during"`
}

// MeasurePurge makes n closed accounts whose personal data is due, then times the purge job
// draining them, with a background load of rate requests per second on the eligibility endpoint
// (users' tokens) measured for bgDur before and throughout the purge.
func (s *Server) MeasurePurge(ctx context.Context, n int, users []User, rate int, bgDur time.Duration) (Purge, error) {
	var out Purge
	t0 := time.Now()
	// Closed 31 days ago: past the 30-day personal retention, long before the 5-year records one.
	closed := time.Now().Add(-31 * 24 * time.Hour)
	if _, err := s.makeAccounts(ctx, n, spec{prefix: "152", closedAt: closed}); err != nil {
		return out, err
	}
	out.SetupSec = time.Since(t0).Seconds()
	out.Accounts, out.BackgroundRate = n, rate
	url := s.URL + "/api/v1/closure/eligibility"
	out.Before = getter(url, users, 32, rate, bgDur, nil)

	stop := make(chan struct{})
	during := make(chan Load, 1)
	go func() { during <- getter(url, users, 32, rate, 0, stop) }()
	err := s.drain(ctx, &out)
	close(stop)
	out.During = <-during
	if err != nil {
		return out, err
	}
	out.PerSec = float64(n) / out.Seconds
	return out, nil
}

func (s *Server) drain(ctx context.Context, out *Purge) error {
	tasks := s.App.Lifecycle.Tasks()
	personal := tasks[0]
	out.Batch = personal.Batch
	all := func(run func(context.Context) (int, error)) (int, error) {
		total := 0
		for {
			n, err := run(ctx)
			total += n
			if err != nil || n == 0 {
				return total, err
			}
		}
	}
	// Messages earlier measurements left (closure codes and results) go first, outside the timing.
	if _, err := all(s.App.Outbox.Run); err != nil {
		return fmt.Errorf("bench: deliver earlier messages: %w", err)
	}
	start := time.Now()
	noticed, err := all(personal.Run)
	if err != nil {
		return fmt.Errorf("bench: purge notices: %w", err)
	}
	out.NoticeSec = time.Since(start).Seconds()
	t := time.Now()
	if _, err := all(s.App.Outbox.Run); err != nil {
		return fmt.Errorf("bench: deliver notices: %w", err)
	}
	out.DeliverSec = time.Since(t).Seconds()
	t = time.Now()
	erased, err := all(personal.Run)
	if err != nil {
		return fmt.Errorf("bench: purge erasure: %w", err)
	}
	out.EraseSec = time.Since(t).Seconds()
	out.Seconds = time.Since(start).Seconds()
	if noticed != out.Accounts || erased != out.Accounts {
		return fmt.Errorf("bench: purge noticed %d and erased %d of %d accounts", noticed, erased, out.Accounts)
	}
	return nil
}
