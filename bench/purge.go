package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/sqlstore"
)

// Purge is the purge measurement: N closed accounts past their personal-data retention, drained
// by the lifecycle job in its batches while a background load calls the API.
type Purge struct {
	Accounts int     `json:"accounts"`
	Batch    int     `json:"batch"`
	Seconds  float64 `json:"seconds"` // from the first batch to the last erasure, notices delivered
	PerSec   float64 `json:"per_sec"`
	Batches  int     `json:"batches"` // purge job transactions, empty ones included
	// The scrubs the purge ran (lifecycle.Policy.ScrubEvery), one at the end included, and the
	// seconds they took: on PostgreSQL a scrub rewrites the partitions the purge wrote (VACUUM
	// FULL, a fixed cost each, and a purge of thousands writes them all), so the rate is printed
	// with them and without them.
	Scrubs       int     `json:"scrubs"`
	ScrubSeconds float64 `json:"scrub_seconds"`
	// The table rewrites of those scrubs (PostgreSQL's VACUUM FULL, one a partition since migration
	// 00350) and the longest: the longest any of them held a table's ACCESS EXCLUSIVE lock.
	Rewrites       int     `json:"rewrites"`
	LongestRewrite float64 `json:"longest_rewrite_seconds"`
	// Cut are the scrubs their batch's deadline cut short (purse.ErrScrubUnfinished): the rest of
	// their rewrites went to the next scrub; the purge's end waits for the last one to finish.
	Cut int `json:"cut_scrubs"`
	// cut says the last scrub was cut short.
	cut           bool
	PerSecUnswept float64 `json:"per_sec_without_scrubs"`
	SetupSec      float64 `json:"setup_seconds"` // inserting the accounts, not part of the rate
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
	// A bulk load is followed by ANALYZE, as an operator's would be (of the scratch schema's
	// tables only: the server is shared). PostgreSQL otherwise plans the purge's claims on
	// statistics from before the load (a handful of closed accounts) and walks every closed
	// account per claim. Autovacuum does the same within a minute or so on a server whose
	// accounts close over days rather than in one insert.
	if s.Kind == "postgres" {
		if _, err := s.Store.SQL().ExecContext(ctx, "ANALYZE accounts, data_keys, account_lookups, lookup_hashes, purge_state, outbox"); err != nil {
			return out, fmt.Errorf("bench: analyze: %w", err)
		}
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
	if work := out.Seconds - out.ScrubSeconds; work > 0 {
		out.PerSecUnswept = float64(n) / work
	}
	return out, nil
}

// drain runs the personal-data purge and the outbox delivery side by side, as purse serve's job
// runner does, until every account is erased: each account is claimed twice, once to enqueue its
// notice and once, after the outbox delivered it, to be erased.
func (s *Server) drain(ctx context.Context, out *Purge) error {
	svc := *s.App.Lifecycle
	svc.Store = timedScrub{Store: svc.Store, out: out}
	// Each batch runs under its task's deadline, as purse serve's job runner gives it: without one
	// the store's request deadline (5 s) cut a 500-account purge short on a loaded machine.
	personal, outbox := svc.Tasks()[0], s.App.Outbox.Task()
	out.Batch = personal.Batch
	// Messages earlier measurements left (closure codes and results) go first, outside the timing.
	for {
		n, err := outbox.RunBatch(ctx)
		if err != nil {
			return fmt.Errorf("bench: deliver earlier messages: %w", err)
		}
		if n == 0 {
			break
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	deliverErr := make(chan error, 1)
	go func() {
		for ctx.Err() == nil {
			n, err := outbox.RunBatch(ctx)
			if err != nil && ctx.Err() == nil {
				deliverErr <- err
				return
			}
			if n == 0 {
				time.Sleep(5 * time.Millisecond)
			}
		}
		deliverErr <- nil
	}()
	start := time.Now()
	limit := start.Add(30 * time.Minute) // bounded whatever happens
	moves := 0
	// A line every 10 s on stderr, so that a run stopped from outside still tells how far it got.
	last := start
	for moves < 2*out.Accounts {
		if time.Since(last) >= 10*time.Second {
			last = time.Now()
			fmt.Fprintf(os.Stderr, "bench: purge: %d of %d claims after %.0f s\n", moves, 2*out.Accounts, time.Since(start).Seconds())
		}
		n, err := personal.RunBatch(ctx)
		if err != nil {
			return fmt.Errorf("bench: purge: %w", err)
		}
		moves += n
		out.Batches++
		if n > 0 && n < out.Batch {
			// A short run means the purge is waiting for the outbox: as purse serve's job runner, do
			// not run again at once, or the purge's writes would take SQLite's one writer from the
			// deliveries it waits for.
			time.Sleep(20 * time.Millisecond)
		}
		if n == 0 {
			if time.Now().After(limit) {
				return fmt.Errorf("bench: purge stalled after %d of %d steps", moves, 2*out.Accounts)
			}
			select {
			case err := <-deliverErr:
				return fmt.Errorf("bench: deliver notices: %w", err)
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	// The run that finds nothing left scrubs what the last batches erased, as the job's next tick
	// would: it is part of what the purge costs.
	// While a scrub is cut short by its batch's deadline, the next runs scrub what it left.
	for first := true; first || out.cut; first = false {
		if time.Now().After(limit) {
			return fmt.Errorf("bench: purge: scrubs unfinished after %d of them", out.Scrubs)
		}
		if _, err := personal.RunBatch(ctx); err != nil {
			return fmt.Errorf("bench: purge: %w", err)
		}
	}
	out.Seconds = time.Since(start).Seconds()
	cancel()
	return <-deliverErr
}

// timedScrub counts the purge's scrubs and their time.
type timedScrub struct {
	purse.Store
	out *Purge
}

func (s timedScrub) Scrub(ctx context.Context) error {
	t0 := time.Now()
	err := s.Store.Scrub(ctx)
	s.out.Scrubs++
	s.out.ScrubSeconds += time.Since(t0).Seconds()
	if s.out.cut = errors.Is(err, purse.ErrScrubUnfinished); s.out.cut {
		s.out.Cut++
	}
	if r, ok := s.Store.(interface{ LastScrub() sqlstore.ScrubReport }); ok {
		last := r.LastScrub()
		s.out.Rewrites += last.Rewrites
		s.out.LongestRewrite = max(s.out.LongestRewrite, last.Longest.Seconds())
	}
	return err
}
