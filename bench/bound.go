package bench

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/purse-wallet/purse/secret"
)

// measureBound measures the closure flows and the argon2id bound, as o asks, in o.Rounds
// alternating rounds of o.Duration ÷ o.Rounds each, and puts them in r.
func (s *Server) measureBound(ctx context.Context, o Options, r *Result) error {
	slice := o.Duration / time.Duration(o.Rounds)
	var flows, hashes phase
	var users []User
	var used *atomic.Int64
	if o.Closure {
		var err error
		if users, err = s.makeAccounts(ctx, o.FlowAccounts, spec{prefix: "151", session: true}); err != nil {
			return err
		}
		flows, used = s.flowPhase(users, o.FlowClients, slice)
	}
	if o.Argon {
		var err error
		if hashes, err = argonPhase(ctx, slice); err != nil {
			return err
		}
	}
	c, a, err := tally(ctx, o.Rounds, o.FlowClients, flows, hashes)
	if err != nil {
		return err
	}
	if c != nil {
		c.Accounts = min(used.Load(), int64(len(users)))
		if c.Accounts == int64(len(users)) {
			fmt.Fprintf(os.Stderr, "bench: every one of the %d flow accounts was used, which cut the flows short: raise --flow-accounts\n", len(users))
		}
	}
	r.Closure, r.Argon = c, a
	return nil
}

// tally runs the rounds and sums them up. The fraction of the bound is the ratio of the summed
// rates (all flows over all flow windows, against all hashes over all hash windows), not the mean
// of the rounds' fractions: a short round, cut by the accounts running out, weighs what it
// measured. A nil phase is not measured and its result is nil.
func tally(ctx context.Context, rounds, clients int, flows, hashes phase) (*Closure, *Argon, error) {
	f, h, rs, err := alternate(ctx, rounds, flows, hashes)
	if err != nil {
		return nil, nil, err
	}
	var c *Closure
	var a *Argon
	if hashes != nil {
		a = &Argon{Params: secret.DefaultParams, Cores: runtime.GOMAXPROCS(0), Hashes: h.Done,
			Seconds: h.Window.Seconds(), PerSec: h.perSec(), CPUms: cpuPer(h.CPU, h.Done)}
	}
	if flows != nil {
		c = &Closure{Policy: PolicyName, Clients: clients, Flows: f.Done, Errors: f.Errors,
			Seconds: f.Window.Seconds(), PerSec: f.perSec(), P50ms: ms(quantile(f.Lat, 0.50)),
			P99ms: ms(quantile(f.Lat, 0.99)), FirstErr: f.FirstErr, CPUms: cpuPer(f.CPU, f.Done), DBCPUms: cpuPer(f.DBCPU, f.Done), Rounds: rs}
		if a != nil && a.PerSec > 0 {
			c.Bound = a.PerSec / HashesPerFlow
			c.Fraction = c.PerSec / c.Bound
		}
	}
	return c, a, nil
}
