package bench

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Warmup is how long the workers of a slice run before its counted window opens. The first jobs
// of a slice start together and meet cold connections and caches; by the end of the warm-up the
// workers are out of step with each other, as they are in steady state.
const Warmup = 300 * time.Millisecond

// errNoWork is what a job returns when there is nothing left to do: the flow accounts ran out.
var errNoWork = errors.New("bench: no work left")

// span is what one slice of a measurement counted inside its window.
type span struct {
	Done     int64           // jobs that ended inside the window without error
	Errors   int64           // jobs that failed, inside the window or not
	FirstErr string          // the first failure's message
	Opened   time.Time       // when the counted window opened (it closed Window later)
	Window   time.Duration   // the counted window's length
	CPU      time.Duration   // this process's CPU time inside the window
	DBCPU    time.Duration   // the local PostgreSQL server's CPU time inside the window (see postgresCPU)
	Lat      []time.Duration // how long each counted job took
	Out      bool            // a job found no work left, which closed the window early
}

// steady runs workers closed-loop copies of job for one slice. The workers start at once; the
// window opens warm later and closes dur after that, or as soon as a job finds no work left.
// Then no worker starts another job, and steady returns once the jobs in flight have ended.
//
// Only the jobs that end inside the window count, and the window's length is the divisor. Timing
// from the workers' start would count the ramp-up, and timing to the last worker's end would
// count a tail in which some workers are idle while the last jobs finish: both bias a rate
// downwards by an amount that depends on how long one job takes. Jobs in flight at either edge
// are as likely to end just inside as just outside, so the count is unbiased. Failures are
// counted wherever they happen, so that none goes unreported.
func steady(ctx context.Context, workers int, warm, dur time.Duration, db cpuMeter, job func(context.Context) error) span {
	type end struct {
		at   time.Time
		took time.Duration
	}
	var (
		mu    sync.Mutex
		ends  []end
		sp    span
		stop  atomic.Bool
		wg    sync.WaitGroup
		out   = make(chan struct{})
		outMu sync.Once
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() && ctx.Err() == nil {
				t := time.Now()
				err := job(ctx)
				e := time.Now()
				if errors.Is(err, errNoWork) {
					outMu.Do(func() { close(out) })
					return
				}
				mu.Lock()
				if err != nil {
					sp.Errors++
					if sp.FirstErr == "" {
						sp.FirstErr = err.Error()
					}
				} else {
					ends = append(ends, end{e, e.Sub(t)})
				}
				mu.Unlock()
			}
		}()
	}
	wait(ctx, warm, out)
	t0, cpu0, db0 := time.Now(), processCPU(), db.read()
	wait(ctx, dur, out)
	t1, cpu1, db1 := time.Now(), processCPU(), db.read()
	stop.Store(true)
	wg.Wait()
	sp.Opened, sp.Window, sp.CPU, sp.DBCPU = t0, t1.Sub(t0), cpu1-cpu0, db1-db0
	select {
	case <-out:
		sp.Out = true
	default:
	}
	for _, e := range ends {
		if !e.at.Before(t0) && !e.at.After(t1) {
			sp.Done++
			sp.Lat = append(sp.Lat, e.took)
		}
	}
	return sp
}

// wait sleeps for d, or less when ctx ends or out is closed.
func wait(ctx context.Context, d time.Duration, out <-chan struct{}) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-out:
	}
}
