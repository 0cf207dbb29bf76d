package bench

import (
	"context"
	"math"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse/lifecycle"
)

// TestSmoke runs every measurement once with tiny counts and durations, on SQLite and, when
// PURSE_TEST_POSTGRES is set, on PostgreSQL: the suite must work end to end, not measure. The
// closure flows and argon2id take two rounds; the figures must be those of the summed rounds.
func TestSmoke(t *testing.T) {
	eachStore(t, func(t *testing.T, name, db string) {
		// 2 s, so that each round's flow window (1 s) usually holds some whole flows even when
		// CI runs every package at once on two cores. 1,000 flow accounts, so that the flows do
		// not run out in the first round: 200 ran out once on SQLite ("1 rounds, want 2").
		r, err := Run(context.Background(), Options{DB: db, Duration: 2 * time.Second,
			Eligibility: true, Closure: true, Argon: true, Purge: true,
			Rounds: 2, Accounts: 8, Clients: 2, FlowClients: 8, FlowAccounts: 1000, PurgeAccounts: 60, PurgeBatch: 25,
			BackgroundRate: 20})
		if err != nil {
			t.Fatal(err)
		}
		if r.Store != name {
			t.Errorf("store %q, want %q", r.Store, name)
		}
		if e := r.Eligibility; e.Requests == 0 || e.Errors != 0 {
			t.Errorf("eligibility: %d requests, %d errors", e.Requests, e.Errors)
		}
		// Flows must have run, every one to "closed" (a flow that fails is counted wherever it
		// ends, drained ones included). Under CI's load a PostgreSQL flow can outlast the
		// 1 s window (p50 1.2 s beside the crash tests), so the window may count none: that is
		// a rate, which this test does not judge.
		if c := r.Closure; c.Accounts == 0 || c.Errors != 0 || (c.Flows > 0) != (c.Fraction > 0) {
			t.Errorf("closure: %d flows started, %d counted, %d errors (%s), fraction %v", c.Accounts, c.Flows, c.Errors, c.FirstErr, c.Fraction)
		} else if c.Flows == 0 {
			t.Logf("closure: %d flows ran, none ended inside a window", c.Accounts)
		}
		// A PostgreSQL on this machine (CI's is): its CPU per flow must be measured.
		if c := r.Closure; name == "postgres" && onLoopback(db) && c.Flows > 0 && c.DBCPUms <= 0 {
			t.Errorf("closure on PostgreSQL: %d flows counted but no PostgreSQL CPU measured", c.Flows)
		}
		if name == "sqlite" && r.Closure.DBCPUms != 0 {
			t.Errorf("closure on SQLite: %v ms of database-server CPU per flow", r.Closure.DBCPUms)
		}
		if r.Argon.Hashes == 0 {
			t.Error("argon2id: no hash")
		}
		checkRounds(t, r.Closure, r.Argon, 2)
		if p := r.Purge; p.Accounts != 60 || p.Seconds <= 0 || p.During.Errors != 0 || p.Before.Errors != 0 {
			t.Errorf("purge: %+v", p)
		}
		var b strings.Builder
		if err := Print(&b, "run", Median([]*Result{r, r, r})); err != nil {
			t.Fatal(err)
		}
		t.Log("\n" + b.String())
	})
}

// checkRounds checks that a run's closure and argon2id figures are its n rounds summed.
func checkRounds(t *testing.T, c *Closure, a *Argon, n int) {
	t.Helper()
	if len(c.Rounds) != n {
		t.Fatalf("%d rounds, want %d", len(c.Rounds), n)
	}
	var flows, hashes int64
	var fs, hs float64
	for _, r := range c.Rounds {
		// A 250 ms window may end no flow on a busy machine, but every window must have been open.
		if r.FlowSeconds <= 0 || r.HashSeconds <= 0 {
			t.Errorf("a window never opened: %+v", r)
		}
		flows, hashes, fs, hs = flows+r.Flows, hashes+r.Hashes, fs+r.FlowSeconds, hs+r.HashSeconds
	}
	if flows != c.Flows || hashes != a.Hashes {
		t.Errorf("rounds sum to %d flows and %d hashes, the run says %d and %d", flows, hashes, c.Flows, a.Hashes)
	}
	if want := (float64(flows) / fs) / (float64(hashes) / hs) * HashesPerFlow; math.Abs(c.Fraction-want) > 1e-6*want {
		t.Errorf("fraction %v, want the summed rates' ratio %v", c.Fraction, want)
	}
	if c.Accounts < c.Flows+c.Errors {
		t.Errorf("%d accounts used for %d flows and %d errors", c.Accounts, c.Flows, c.Errors)
	}
}

// The eligibility checks at a fixed pace (purse bench eligibility --rate) send that pace after
// their uncounted second, and say so in the table.
func TestEligibilityOpenLoop(t *testing.T) {
	ctx := context.Background()
	s, err := Start(ctx, "", lifecycle.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	users, err := s.eligibilityUsers(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	e := s.MeasureEligibility(users, 2, 40, time.Second)
	if e.Rate != 40 || e.Errors != 0 || e.Requests < 30 || e.Requests > 50 {
		t.Fatalf("open loop at 40/s for 1 s: %+v", e)
	}
	var b strings.Builder
	if err := Print(&b, "run", &Result{Store: s.Kind, Eligibility: &e}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "open loop at 40/s over 2 connections") {
		t.Fatalf("the table does not say the pace:\n%s", b.String())
	}
}

// onLoopback reports whether the PostgreSQL URL names a server on this machine.
func onLoopback(db string) bool {
	u, err := url.Parse(db)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || strings.HasPrefix(h, "127.") || h == "::1"
}

// The payments run with two instances on one PostgreSQL (--instances 2): transfers sent in turn
// to both and top-ups from one and from both all succeed, and the pair's figures are reported.
func TestPaymentsOnTwoInstances(t *testing.T) {
	pg := os.Getenv("PURSE_TEST_POSTGRES")
	if testing.Short() || pg == "" {
		t.Skip("needs PostgreSQL, and runs five phases")
	}
	r, err := Run(context.Background(), Options{DB: pg, Payments: true, Instances: 2, Duration: 2 * time.Second,
		Rounds: 1, Clients: 4, TransferAccounts: 8})
	if err != nil {
		t.Fatal(err)
	}
	q := r.Payments.Pair
	if q == nil {
		t.Fatal("no two-instance figures")
	}
	for name, o := range map[string]Op{"transfers on two": q.Plain, "top-ups on one": q.Topup1, "top-ups on two": q.Topup2} {
		if o.Errors != 0 || o.Done == 0 {
			t.Errorf("%s: %d done, %d errors (%s)", name, o.Done, o.Errors, o.FirstErr)
		}
	}
	var b strings.Builder
	if err := Print(&b, "run", r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "top-ups 2 ÷ 1 instance") {
		t.Errorf("the table leaves out the pair:\n%s", b.String())
	}
}

// The payments run with flows also runs plain transfers from one client, each committing alone,
// and compares the flow's CPU with theirs (issue 19, session 16): the flow's 8 × target set
// against a transfer in a commit group of dozens mostly measures the group's sharing.
func TestPaymentsCompareTheFlowWithALoneTransfer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs four phases")
	}
	eachStore(t, func(t *testing.T, name, db string) {
		r, err := Run(context.Background(), Options{DB: db, Payments: true, Closure: true, Duration: 4 * time.Second,
			Rounds: 1, Clients: 4, TransferAccounts: 8, FlowClients: 4, FlowAccounts: 400})
		if err != nil {
			t.Fatal(err)
		}
		p := r.Payments
		if p.Lone == nil || p.Lone.Done == 0 || p.Lone.Errors != 0 {
			t.Fatalf("lone transfers: %+v", p.Lone)
		}
		if p.Lone.CPUms <= 0 {
			t.Errorf("lone transfers: no CPU measured (%+v)", p.Lone)
		}
		if p.Flows.Done > 0 && p.FlowCostLone <= 0 {
			t.Errorf("%d flows counted, flow ÷ lone transfer %v", p.Flows.Done, p.FlowCostLone)
		}
		var b strings.Builder
		if err := Print(&b, "run", r); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"transfer 1.00, alone", "flow CPU ÷ lone transfer CPU"} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("the table leaves out %q:\n%s", want, b.String())
			}
		}
		t.Log("\n" + b.String())
	})
}

// eachStore runs fn as a parallel subtest on SQLite and, when PURSE_TEST_POSTGRES is set, on
// PostgreSQL; name is the store's ("sqlite", "postgres") and db what Start and Run take for it.
func eachStore(t *testing.T, fn func(t *testing.T, name, db string)) {
	dbs := map[string]string{"sqlite": ""}
	if pg := os.Getenv("PURSE_TEST_POSTGRES"); pg != "" {
		dbs["postgres"] = pg
	}
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, name, db)
		})
	}
}
