package bench

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSteadyCountsTheWindowOnly runs fake jobs whose first calls are slow (a cold start) and whose
// calls started near the window's end are slower still (a long tail). Neither may be counted, and
// the tail must not lengthen the window; but steady must not return before the tail has ended,
// or the next phase would overlap it.
func TestSteadyCountsTheWindowOnly(t *testing.T) {
	t.Parallel()
	const (
		workers = 2
		warm    = 500 * time.Millisecond
		dur     = 500 * time.Millisecond
		cold    = 400 * time.Millisecond
		fast    = 5 * time.Millisecond
		tail    = 800 * time.Millisecond
	)
	var calls, inFlight atomic.Int64
	var mu sync.Mutex
	var fastEnds, tailEnds []time.Time // when each job of the kind ended, as the job saw it
	ended := func(at *[]time.Time) {
		mu.Lock()
		*at = append(*at, time.Now())
		mu.Unlock()
	}
	start := time.Now()
	job := func(ctx context.Context) error {
		inFlight.Add(1)
		defer inFlight.Add(-1)
		switch {
		case calls.Add(1) <= workers:
			time.Sleep(cold)
		case time.Since(start) > warm+dur-30*time.Millisecond:
			time.Sleep(tail)
			ended(&tailEnds)
		default:
			time.Sleep(fast)
			ended(&fastEnds)
		}
		return nil
	}
	sp := steady(context.Background(), workers, warm, dur, nil, job)
	took := time.Since(start)

	if n := inFlight.Load(); n != 0 {
		t.Errorf("%d jobs still in flight when steady returned", n)
	}
	if took < warm+dur+tail/2 {
		t.Errorf("steady returned after %s, before the tail's jobs (%s) could end", took, tail)
	}
	// The window opens after the warm-up, lasts at least dur, and closes before the tail's jobs end:
	// a tail that held it open would close it after them. (Orders of events, not speeds: a busy
	// machine delays the timers, which only lengthens the warm-up and the window.)
	closed := sp.Opened.Add(sp.Window)
	if sp.Opened.Sub(start) < warm || sp.Window < dur {
		t.Errorf("window opened %s after the start and lasted %s, want at least %s and %s", sp.Opened.Sub(start), sp.Window, warm, dur)
	}
	for _, e := range tailEnds {
		if !e.After(closed) {
			t.Errorf("a tail job ended %s after the start, inside the window (closed at %s): the tail lengthened it",
				e.Sub(start), closed.Sub(start))
		}
	}
	if sp.Done == 0 || int(sp.Done) != len(sp.Lat) {
		t.Fatalf("%d done, %d latencies", sp.Done, len(sp.Lat))
	}
	if m := slices.Max(sp.Lat); m >= cold/2 {
		t.Errorf("a job of %s was counted: the cold start or the tail is in the window", m)
	}
	// What is counted is the fast jobs that ended inside the window, all of them: the job notes
	// its end just before steady does, so a job at either edge may fall on the other side (at most
	// one per worker at each edge).
	inside := 0
	for _, e := range fastEnds {
		if !e.Before(sp.Opened) && !e.After(closed) {
			inside++
		}
	}
	if d := int(sp.Done) - inside; inside == 0 || d < -workers || d > workers {
		t.Errorf("%d jobs counted, %d fast jobs ended inside the window", sp.Done, inside)
	}
	if sp.Out || sp.Errors != 0 {
		t.Errorf("out %v, %d errors", sp.Out, sp.Errors)
	}
}

// TestSteadyStopsWhenTheWorkRunsOut: once a job finds no work left, the window closes, so that
// the workers idling after it do not count as time.
func TestSteadyStopsWhenTheWorkRunsOut(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	job := func(ctx context.Context) error {
		if calls.Add(1) > 100 {
			return errNoWork
		}
		time.Sleep(5 * time.Millisecond)
		return nil
	}
	const dur = 5 * time.Second
	start := time.Now()
	sp := steady(context.Background(), 2, 100*time.Millisecond, dur, nil, job)
	if !sp.Out {
		t.Error("not out of work")
	}
	if took := time.Since(start); took > dur/2 || sp.Window > dur/2 {
		t.Errorf("took %s, window %s: the window stayed open after the work ran out", took, sp.Window)
	}
	if sp.Done == 0 || sp.Done > 100 {
		t.Errorf("%d done of 100 jobs", sp.Done)
	}
}
