package jobs

import (
	"context"
	"runtime"
)

// Gate bounds how many background batches run at once. Go hands a processor to a waiting
// goroutine only after the running one has had it for 10 ms, so when the purge and the outbox
// worker each hold one of a 2-core machine's two processors with long statements, a request
// waits up to 10 ms for its turn: the API's p99 went from 2 to 20 ms during a 100,000-account
// purge. With background work on at most all processors but one, a request always finds one.
type Gate struct{ slots chan struct{} }

// NewGate admits n batches at once (at least one).
func NewGate(n int) *Gate { return &Gate{slots: make(chan struct{}, max(1, n))} }

// BackgroundGate leaves one of the process's processors (GOMAXPROCS) to requests, or admits one
// batch on a single-processor machine.
func BackgroundGate() *Gate { return NewGate(runtime.GOMAXPROCS(0) - 1) }

// Do runs one batch when a slot is free.
func (g *Gate) Do(ctx context.Context, run func(context.Context) (int, error)) (int, error) {
	select {
	case g.slots <- struct{}{}:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	defer func() { <-g.slots }()
	return run(ctx)
}

// Wrap returns the task with each of its batches run through the gate.
func (g *Gate) Wrap(t Task) Task {
	run := t.Run
	t.Run = func(ctx context.Context) (int, error) { return g.Do(ctx, run) }
	return t
}

// WrapAll wraps every task.
func (g *Gate) WrapAll(ts []Task) []Task {
	out := make([]Task, len(ts))
	for i, t := range ts {
		out[i] = g.Wrap(t)
	}
	return out
}
