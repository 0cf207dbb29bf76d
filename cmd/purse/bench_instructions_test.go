package main

import (
	"testing"
	"time"

	"github.com/alecthomas/kong"
)

// bench instructions hands its settings to the bench ops it counts, the store's deadline among
// them: a PostgreSQL flow counted under valgrind on a loaded machine failed a warm-up request at
// purse's default 5 s (docs/BENCHMARKS.md, session 11) with no way to give it longer.
func TestBenchInstructionsPassesItsSettingsToOps(t *testing.T) {
	t.Parallel()
	var cli CLI
	p, err := kong.New(&cli, kong.Name("purse"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Parse([]string{"bench", "instructions", "--op", "flow", "--clients", "8", "--deadline", "2m", "--db", "postgres://x"}); err != nil {
		t.Fatal(err)
	}
	args := cli.Bench.Instructions.opsArgs("purse", 240, 272)
	var ops CLI
	q, err := kong.New(&ops, kong.Name("purse"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Parse(args[1:]); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	o := ops.Bench.Ops
	if o.Deadline != 2*time.Minute || o.Op != "flow" || o.Clients != 8 || o.N != 240 || o.Accounts != 272 || o.DB != "postgres://x" {
		t.Errorf("bench ops parsed %+v from %v", o, args)
	}
}
