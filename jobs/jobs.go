// Package jobs runs purse's background work: outbox delivery, withdrawal settlement, the end of
// cooling-off, retention purges. Every instance runs every task; a task claims its work in the
// database (FOR UPDATE SKIP LOCKED on PostgreSQL, the single writer on SQLite, or a lease column),
// so several instances never do one piece twice, and a task that died mid-batch is simply picked up
// again: tasks are idempotent and work in batches.
//
// This is lighter than River: no second schema, no driver per engine, and the same code on both
// stores; what purse's jobs need is "find due rows, handle them, mark them", which is a query.
package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Task is one kind of background work.
type Task struct {
	Name  string
	Every time.Duration
	// Run does one batch and reports how many items it handled. A full batch makes the runner call
	// it again at once; an error is logged and retried at the next tick.
	Run func(ctx context.Context) (int, error)
	// Batch is the size at which Run is called again without waiting (0: never).
	Batch int
	// Deadline bounds one call of Run (0: DefaultDeadline). The store bounds a transaction without
	// a deadline of its own to a request's few seconds (sqlstore.SetDeadline); a batch may need
	// longer, and a database that does not answer still ends it, to be tried at the next tick.
	Deadline time.Duration
}

// DefaultDeadline is a batch's deadline unless its task sets one.
const DefaultDeadline = 2 * time.Minute

// Runner runs tasks until its context ends.
type Runner struct {
	Tasks []Task
	Log   *slog.Logger
}

// Start runs every task in its own goroutine and returns a function that waits for them to stop
// after ctx is cancelled.
func (r *Runner) Start(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	for _, t := range r.Tasks {
		wg.Add(1)
		go func(t Task) {
			defer wg.Done()
			r.loop(ctx, t)
		}(t)
	}
	return wg.Wait
}

func (r *Runner) loop(ctx context.Context, t Task) {
	tick := time.NewTicker(t.Every)
	defer tick.Stop()
	for {
		RunOnce(ctx, t, r.Log)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// RunOnce runs a task until a batch comes back short; tests call it to drive jobs by hand.
func RunOnce(ctx context.Context, t Task, log *slog.Logger) int {
	total := 0
	for ctx.Err() == nil {
		n, err := t.RunBatch(ctx)
		total += n
		if err != nil {
			if ctx.Err() == nil && log != nil {
				log.Error("job failed", "job", t.Name, "error", err.Error())
			}
			return total
		}
		if t.Batch == 0 || n < t.Batch {
			return total
		}
	}
	return total
}

// RunBatch makes one call of Run under the task's deadline, as the runner does: a caller that
// drives a task by hand (a benchmark) gets the batch's time, not a request's few seconds.
func (t Task) RunBatch(ctx context.Context) (int, error) {
	d := t.Deadline
	if d <= 0 {
		d = DefaultDeadline
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return t.Run(ctx)
}
