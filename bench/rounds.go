package bench

import (
	"context"
	"time"
)

// DefaultRounds is how many times a run alternates between closure flows and argon2id hashes.
const DefaultRounds = 5

// Round is one round's figures: a slice of closure flows, then a slice of argon2id hashes.
type Round struct {
	Flows       int64   `json:"flows"`
	FlowSeconds float64 `json:"flow_seconds"`
	Hashes      int64   `json:"hashes"`
	HashSeconds float64 `json:"hash_seconds"`
	// Fraction is this round's flows/s over its own argon2id bound: how much it strays from the
	// run's fraction shows how much the machine drifted within the run.
	Fraction float64 `json:"fraction_of_bound,omitempty"`
}

// phase runs one slice of a measurement and returns what its window counted; nil when the run
// does not take that measurement.
type phase func(ctx context.Context) span

// total is one phase's spans summed over the rounds.
type total struct{ span }

func (t *total) add(s span) {
	t.Done += s.Done
	t.Errors += s.Errors
	if t.FirstErr == "" {
		t.FirstErr = s.FirstErr
	}
	t.Window += s.Window
	t.CPU += s.CPU
	t.DBCPU += s.DBCPU
	t.Lat = append(t.Lat, s.Lat...)
}

// perSec is the summed count over the summed windows: each slice weighs by its length, not as
// one vote, so a slice cut short by the accounts running out counts for what it measured.
func (t total) perSec() float64 { return rate(t.Done, t.Window) }

func rate(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// alternate runs rounds rounds of a flows slice then a hashes slice, each slice after the previous
// one has drained, so that the two never overlap. This virtual machine's speed drifts by a quarter
// to a third within minutes (neighbours, steal time); measured one after the other, the two phases
// would each see a different machine and their ratio would carry the drift. Alternating in short
// slices spreads both phases over the same minutes. It stops early when ctx ends or the flows
// run out of accounts.
func alternate(ctx context.Context, rounds int, flows, hashes phase) (f, h total, rs []Round, err error) {
	for range rounds {
		var fs, hs span
		if flows != nil {
			fs = flows(ctx)
			f.add(fs)
		}
		if hashes != nil && ctx.Err() == nil {
			hs = hashes(ctx)
			h.add(hs)
		}
		if err := ctx.Err(); err != nil {
			return f, h, rs, err
		}
		r := Round{Flows: fs.Done, FlowSeconds: fs.Window.Seconds(), Hashes: hs.Done, HashSeconds: hs.Window.Seconds()}
		if b := rate(hs.Done, hs.Window) / HashesPerFlow; b > 0 {
			r.Fraction = rate(fs.Done, fs.Window) / b
		}
		rs = append(rs, r)
		// Once the flows ran out, further rounds would measure argon2id alone, over minutes the
		// flows did not see.
		if fs.Out {
			break
		}
	}
	return f, h, rs, nil
}
