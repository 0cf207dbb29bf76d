package bench

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"
)

// fakePhase returns the spans in turn and logs each call as mark.
func fakePhase(log *strings.Builder, mark string, spans []span) phase {
	i := 0
	return func(context.Context) span {
		log.WriteString(mark)
		s := spans[i]
		i++
		return s
	}
}

// TestTallyAlternatesAndSums: the phases take turns, flows first, and the fraction is the summed
// flow rate over the summed hash rate, not the mean of the rounds' fractions (which these
// figures make differ).
func TestTallyAlternatesAndSums(t *testing.T) {
	t.Parallel()
	sec := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	flows := []span{
		{Done: 40, Window: sec(1), CPU: sec(1.6), Lat: []time.Duration{time.Millisecond}},
		{Done: 30, Window: sec(1), CPU: sec(1.2), Errors: 1, FirstErr: "boom"},
		{Done: 10, Window: sec(0.5), CPU: sec(0.4)},
	}
	hashes := []span{
		{Done: 80, Window: sec(1), CPU: sec(2.4)},
		{Done: 50, Window: sec(1), CPU: sec(1.5)},
		{Done: 20, Window: sec(0.25), CPU: sec(0.6)},
	}
	var log strings.Builder
	c, a, err := tally(context.Background(), 3, 8, fakePhase(&log, "F", flows), fakePhase(&log, "H", hashes))
	if err != nil {
		t.Fatal(err)
	}
	if got := log.String(); got != "FHFHFH" {
		t.Errorf("phases ran %s, want FHFHFH", got)
	}
	flowRate, hashRate := 80/2.5, 150/2.25
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	near("flows/s", c.PerSec, flowRate)
	near("hashes/s", a.PerSec, hashRate)
	near("fraction", c.Fraction, flowRate/hashRate*HashesPerFlow)
	near("ms CPU/flow", c.CPUms, 3200.0/80)
	near("ms CPU/hash", a.CPUms, 4500.0/150)
	if c.Flows != 80 || a.Hashes != 150 || c.Errors != 1 || c.FirstErr != "boom" || c.Seconds != 2.5 || a.Seconds != 2.25 {
		t.Errorf("closure %+v, argon2id %+v", c, a)
	}
	if len(c.Rounds) != 3 {
		t.Fatalf("%d rounds, want 3", len(c.Rounds))
	}
	mean := 0.0
	for i, r := range c.Rounds {
		near("round fraction", r.Fraction, rate(flows[i].Done, flows[i].Window)/rate(hashes[i].Done, hashes[i].Window))
		mean += r.Fraction / 3
	}
	if math.Abs(mean-flowRate/hashRate) < 0.01 {
		t.Fatalf("the test's figures should make the mean of the rounds (%v) differ from the run's fraction", mean)
	}
}

// TestTallyStopsWhenTheFlowsRunOut: after the round in which the accounts ran out, no argon2id
// slice runs alone.
func TestTallyStopsWhenTheFlowsRunOut(t *testing.T) {
	t.Parallel()
	flows := []span{{Done: 5, Window: time.Second}, {Done: 1, Window: time.Second / 10, Out: true}, {}, {}}
	hashes := []span{{Done: 9, Window: time.Second}, {Done: 9, Window: time.Second}, {}, {}}
	var log strings.Builder
	c, _, err := tally(context.Background(), 4, 8, fakePhase(&log, "F", flows), fakePhase(&log, "H", hashes))
	if err != nil {
		t.Fatal(err)
	}
	if got := log.String(); got != "FHFH" || len(c.Rounds) != 2 {
		t.Errorf("phases ran %s in %d rounds, want FHFH in 2", got, len(c.Rounds))
	}
}
