package bench

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/purse-wallet/purse/lifecycle"
)

// Options say what to measure and how long. Zero values take the defaults in Defaults.
type Options struct {
	DB       string        // "" or a SQLite path: SQLite in a temporary directory; postgres://…: a fresh schema
	Duration time.Duration // per timed measurement (eligibility, closures, argon2id, background load)

	Eligibility bool
	Closure     bool
	Argon       bool
	Purge       bool

	Accounts       int // signed-in accounts the eligibility checks cycle over
	Clients        int // concurrent clients for the eligibility checks
	FlowClients    int // concurrent clients running closure flows
	FlowAccounts   int // accounts made for closure flows: the most flows a run can do
	PurgeAccounts  int // closed accounts to purge
	PurgeBatch     int // accounts per purge transaction; 0: the lifecycle default
	BackgroundRate int // requests per second on the eligibility endpoint during the purge
}

// Defaults are the documented defaults (docs/BENCHMARKS.md).
var Defaults = Options{Duration: 5 * time.Second, Accounts: 1000, Clients: 16, FlowClients: 8,
	FlowAccounts: 2000, PurgeAccounts: 100_000, BackgroundRate: 200}

// Limits keep a run bounded whatever the flags say.
const (
	MaxDuration = 2 * time.Minute
	MaxAccounts = 1_000_000
)

func (o Options) withDefaults() (Options, error) {
	d := Defaults
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	if o.Duration <= 0 {
		o.Duration = d.Duration
	}
	set(&o.Accounts, d.Accounts)
	set(&o.Clients, d.Clients)
	set(&o.FlowClients, d.FlowClients)
	set(&o.FlowAccounts, d.FlowAccounts)
	set(&o.PurgeAccounts, d.PurgeAccounts)
	set(&o.BackgroundRate, d.BackgroundRate)
	if o.Duration > MaxDuration {
		return o, fmt.Errorf("bench: duration %s is over the limit of %s", o.Duration, MaxDuration)
	}
	for _, n := range []int{o.Accounts, o.FlowAccounts, o.PurgeAccounts} {
		if n > MaxAccounts {
			return o, fmt.Errorf("bench: %d accounts is over the limit of %d", n, MaxAccounts)
		}
	}
	return o, nil
}

// Result is one run's figures.
type Result struct {
	Store       string       `json:"store"` // sqlite or postgres
	Cores       int          `json:"cores"`
	Eligibility *Eligibility `json:"eligibility,omitempty"`
	Closure     *Closure     `json:"closure,omitempty"`
	Argon       *Argon       `json:"argon2id,omitempty"`
	Purge       *Purge       `json:"purge,omitempty"`
}

// Run starts a server on a fresh store, measures what o asks in order (eligibility, closure
// flows, argon2id, purge) and stops it.
func Run(ctx context.Context, o Options) (*Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	ret := lifecycle.Policy{Batch: o.PurgeBatch}
	s, err := Start(ctx, o.DB, ret)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	r := &Result{Store: s.Kind, Cores: runtime.GOMAXPROCS(0)}
	var users []User
	if o.Eligibility || o.Purge {
		if users, err = s.eligibilityUsers(ctx, o.Accounts); err != nil {
			return nil, err
		}
	}
	if o.Eligibility {
		e := s.MeasureEligibility(users, o.Clients, o.Duration)
		r.Eligibility = &e
	}
	if o.Closure {
		fu, err := s.makeAccounts(ctx, o.FlowAccounts, spec{prefix: "151", session: true})
		if err != nil {
			return nil, err
		}
		c := s.MeasureClosures(ctx, fu, o.FlowClients, o.Duration)
		if c.Flows == int64(len(fu)) {
			fmt.Fprintf(os.Stderr, "bench: every one of the %d flow accounts was used: raise --flow-accounts\n", len(fu))
		}
		r.Closure = &c
	}
	if o.Argon {
		a, err := MeasureArgon(ctx, o.Duration)
		if err != nil {
			return nil, err
		}
		r.Argon = &a
		if r.Closure != nil && a.PerSec > 0 {
			r.Closure.Bound = a.PerSec / HashesPerFlow
			r.Closure.Fraction = r.Closure.PerSec / r.Closure.Bound
		}
	}
	if o.Purge {
		p, err := s.MeasurePurge(ctx, o.PurgeAccounts, users, o.BackgroundRate, o.Duration)
		if err != nil {
			return nil, err
		}
		r.Purge = &p
	}
	return r, nil
}
