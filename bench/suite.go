package bench

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/purse-wallet/purse/lifecycle"
)

// Options say what to measure and how long. Zero values take the defaults in Defaults.
type Options struct {
	DB string // "" or a SQLite path: SQLite in a temporary directory; postgres://…: a fresh schema
	// Duration is the length of each timed measurement. The closure flows and argon2id each get
	// it in all, counted, in Rounds slices of Duration ÷ Rounds that take turns (see alternate).
	Duration time.Duration
	Rounds   int

	Eligibility bool
	Closure     bool
	Argon       bool
	Purge       bool
	// Payments compares transfers with and without the payment password (and, with Closure, a
	// closure flow's CPU against a transfer's; with PGBench, pgbench's TPC-B) in one run.
	Payments bool
	PGBench  bool
	// PGBenchScale is pgbench's TPC-B scale; 0: one branch per client, at least PGBenchScale.
	PGBenchScale int
	// Instances is how many purse instances the payments run on (2: the same PostgreSQL; see Pair).
	Instances int
	// TransferAccounts are the accounts the payments' transfers move between.
	TransferAccounts int

	Accounts int // signed-in accounts the eligibility checks cycle over
	Clients  int // concurrent clients for the eligibility checks
	// EligibilityRate paces the eligibility checks open loop at this many per second; 0 runs
	// Clients closed-loop workers.
	EligibilityRate int
	FlowClients     int // concurrent clients running closure flows
	FlowAccounts    int // accounts made for closure flows: the most flows a run can do
	PurgeAccounts   int // closed accounts to purge
	PurgeBatch      int // accounts per purge transaction; 0: the lifecycle default
	BackgroundRate  int // requests per second on the eligibility endpoint during the purge
}

// Defaults are the documented defaults (docs/BENCHMARKS.md).
var Defaults = Options{Duration: 5 * time.Second, Rounds: DefaultRounds, Accounts: 1000, Clients: 16, FlowClients: 8,
	FlowAccounts: 2000, PurgeAccounts: 100_000, BackgroundRate: 200, TransferAccounts: 64}

// Limits keep a run bounded whatever the flags say.
const (
	MaxDuration = 2 * time.Minute
	MaxAccounts = 1_000_000
	MaxRounds   = 100
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
	set(&o.Rounds, d.Rounds)
	set(&o.Accounts, d.Accounts)
	set(&o.Clients, d.Clients)
	set(&o.FlowClients, d.FlowClients)
	set(&o.FlowAccounts, d.FlowAccounts)
	set(&o.PurgeAccounts, d.PurgeAccounts)
	set(&o.BackgroundRate, d.BackgroundRate)
	set(&o.TransferAccounts, d.TransferAccounts)
	if o.Duration > MaxDuration {
		return o, fmt.Errorf("bench: duration %s is over the limit of %s", o.Duration, MaxDuration)
	}
	if o.Rounds > MaxRounds {
		return o, fmt.Errorf("bench: %d rounds is over the limit of %d", o.Rounds, MaxRounds)
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
	Payments    *Payments    `json:"payments,omitempty"`
}

// Run starts a server on a fresh store, measures what o asks in order (eligibility, closure
// flows and argon2id in alternating rounds, purge) and stops it.
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
		e := s.MeasureEligibility(users, o.Clients, o.EligibilityRate, o.Duration)
		r.Eligibility = &e
	}
	if o.Payments {
		// The closure flows, when asked, run among the payments' phases (flow CPU against transfer CPU).
		if r.Payments, err = s.measurePayments(ctx, o); err != nil {
			return nil, err
		}
	}
	if (o.Closure || o.Argon) && !o.Payments {
		if err := s.measureBound(ctx, o, r); err != nil {
			return nil, err
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
