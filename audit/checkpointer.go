package audit

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/jobs"
)

// DefaultCheckpointInterval is how often a checkpoint is written when the flag does not say.
const DefaultCheckpointInterval = 10 * time.Minute

// Checkpointer signs every chain's head and appends the statement to every sink.
type Checkpointer struct {
	Store    purse.Store
	Key      ed25519.PrivateKey
	Sinks    []Sink
	Clock    purse.Clock
	Interval time.Duration // 0: DefaultCheckpointInterval
	Log      *slog.Logger
	// Observe, if set, is told each checkpoint's outcome per sink (by its String; nil: written).
	Observe func(at time.Time, errs map[string]error)
}

// Checkpoint signs the current heads and appends them to every sink. Every sink is tried even
// when one fails; the error names each that failed. Empty chains are checkpointed too: "nothing
// yet" is a statement a later truncation to nothing must contradict.
func (c *Checkpointer) Checkpoint(ctx context.Context) (*Checkpoint, error) {
	heads, err := Heads(ctx, c.Store)
	if err != nil {
		return nil, err
	}
	cp := SignCheckpoint(c.Key, heads, c.Clock.Now())
	line := cp.Line()
	var errs []error
	outcome := make(map[string]error, len(c.Sinks))
	for _, s := range c.Sinks {
		err := s.Append(ctx, line)
		if err != nil {
			errs = append(errs, err)
		}
		outcome[s.String()] = err
	}
	if c.Observe != nil {
		c.Observe(cp.At, outcome)
	}
	if err := errors.Join(errs...); err != nil {
		return cp, err
	}
	if c.Log != nil {
		c.Log.InfoContext(ctx, "audit checkpoint", "chains", len(cp.Heads), "sinks", len(c.Sinks))
	}
	return cp, nil
}

// Task writes a checkpoint at start and then every Interval.
func (c *Checkpointer) Task() jobs.Task {
	every := c.Interval
	if every <= 0 {
		every = DefaultCheckpointInterval
	}
	return jobs.Task{Name: "audit-checkpoint", Every: every, Run: func(ctx context.Context) (int, error) {
		if _, err := c.Checkpoint(ctx); err != nil {
			return 0, err
		}
		return 1, nil
	}}
}
