package jobs

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestGateBoundsBatchesAtOnce(t *testing.T) {
	g := NewGate(2)
	var running, most atomic.Int32
	batch := func(ctx context.Context) (int, error) {
		n := running.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		running.Add(-1)
		return 1, nil
	}
	tasks := g.WrapAll([]Task{{Name: "a", Run: batch, Batch: 7}, {Name: "b", Run: batch}, {Name: "c", Run: batch}})
	if tasks[0].Name != "a" || tasks[0].Batch != 7 {
		t.Fatalf("wrap changed the task: %+v", tasks[0])
	}
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if n, err := tasks[i%3].Run(context.Background()); n != 1 || err != nil {
				t.Errorf("run: %d, %v", n, err)
			}
		}()
	}
	wg.Wait()
	if got := most.Load(); got != 2 {
		t.Fatalf("%d batches ran at once, want 2", got)
	}
}

func TestGateWaitsOnlyAsLongAsTheContext(t *testing.T) {
	g := NewGate(0) // at least one slot
	hold := make(chan struct{})
	go g.Do(context.Background(), func(context.Context) (int, error) { <-hold; return 0, nil })
	defer close(hold)
	for len(g.slots) == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	ran := false
	_, err := g.Do(ctx, func(context.Context) (int, error) { ran = true; return 0, nil })
	if !errors.Is(err, context.DeadlineExceeded) || ran {
		t.Fatalf("a full gate: err %v, ran %v; want the context's error and no run", err, ran)
	}
}
