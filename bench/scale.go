package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/lifecycle"
)

// MaxScaleAccounts bounds a size of `purse bench scale`: 3 million is the larger one.
const MaxScaleAccounts = 5_000_000

// ScaleOptions say what `purse bench scale` loads and measures (issue 19: flat as the data grows).
type ScaleOptions struct {
	DB      string
	Sizes   []int // bulk accounts per size, each on a fresh store
	Samples int   // requests timed per measurement and size
	Clients int   // concurrent clients of each measurement
	Purge   int   // closed accounts purged at each size (the purge rate)
	// Rounds splits each measurement's samples into rounds that visit the sizes in turn (0: 1).
	// On a shared machine whose load drifts over the minutes a measurement takes, sizes measured
	// one after the other carried the drift into their ratio (sessions 9 and 10: ratios of 0.44 to
	// 2.75 that said more about the neighbours than the data); alternating gives every size the
	// same share of each minute.
	Rounds int
}

// Scale is one size's figures.
type Scale struct {
	Store string    `json:"store"`
	Load  LoadStats `json:"load"`
	Ops   []ScaleOp `json:"ops"`
	Purge *Purge    `json:"purge,omitempty"`
	// PurgeErr is why the purge did not finish, when it did not.
	PurgeErr string `json:"purge_error,omitempty"`
	// Replans are the statements PostgreSQL planned anew at most executions during the
	// measurements (see Replan), read before the purge.
	Replans []Replan `json:"replanned,omitempty"`
	// ReplansErr is why they could not be read.
	ReplansErr string `json:"replanned_error,omitempty"`
}

// ScaleOp is one measurement at one size: p50 and p99 of its requests, each timed alone.
type ScaleOp struct {
	Name   string  `json:"name"`
	N      int     `json:"n"`
	Errors int     `json:"errors"`
	P50ms  float64 `json:"p50_ms"`
	P99ms  float64 `json:"p99_ms"`
}

// The measurements, in the order printed.
const (
	opEligibility = "eligibility check"
	opTransfer    = "transfer"
	opStep        = "closure step"
	opPage        = "transactions page"
	opQueue       = "admin closure queue"
)

// scaleOrder is the order the measurements run in: transfers first, so that the transactions page
// lists a page of each sample's own.
var scaleOrder = []string{opEligibility, opTransfer, opPage, opQueue, opStep}

// RunScale loads every size, each on a fresh store of its own, keeps them all up, and then runs
// each measurement in rounds that visit the sizes in turn (ScaleOptions.Rounds). The purges run
// last, one size after the other: each is one drain, timed whole.
func RunScale(ctx context.Context, o ScaleOptions) ([]*Scale, error) {
	rounds := max(o.Rounds, 1)
	per := max(o.Samples/rounds, 1)
	var sizes []*scaleSize
	defer func() {
		for _, z := range sizes {
			z.s.Close()
		}
	}()
	var out []*Scale
	for _, n := range o.Sizes {
		z, err := prepareScale(ctx, o, n, rounds, per)
		if err != nil {
			return out, fmt.Errorf("%d accounts: %w", n, err)
		}
		sizes = append(sizes, z)
		out = append(out, z.sc)
	}
	for _, z := range sizes {
		timed(ctx, o.Samples/4, o.Clients, z.jobs[opTransfer]) // warm-up: connections, prepared statements
	}
	for _, name := range scaleOrder {
		for round := range rounds {
			for _, z := range sizes {
				if name == opStep {
					z.closureSteps(ctx, round, per, o.Clients)
					continue
				}
				lat, errs := timed(ctx, per, o.Clients, z.jobs[name])
				z.lat[name] = append(z.lat[name], lat...)
				z.errs[name] += errs
			}
		}
	}
	for _, z := range sizes {
		for _, name := range scaleOrder {
			lat := z.lat[name]
			z.sc.Ops = append(z.sc.Ops, ScaleOp{Name: name, N: len(lat), Errors: z.errs[name], P50ms: ms(quantile(lat, 0.5)), P99ms: ms(quantile(lat, 0.99))})
		}
		var err error
		if z.sc.Replans, err = replans(ctx, z.s.Store.SQL(), z.s.Kind); err != nil {
			z.sc.ReplansErr = err.Error()
		}
	}
	if o.Purge > 0 {
		for _, z := range sizes {
			// A failed purge (a store deadline passed on a starved machine) is reported beside the
			// latencies already measured rather than losing them.
			p, err := z.s.MeasurePurge(ctx, o.Purge, z.users, 20, time.Second)
			if err != nil {
				z.sc.PurgeErr = err.Error()
			} else {
				z.sc.Purge = &p
			}
		}
	}
	return out, ctx.Err()
}

// scaleSize is one size's server, its accounts and what its measurements gathered so far.
type scaleSize struct {
	s     *Server
	sc    *Scale
	users []User
	flows []User // closure-flow accounts, flowsPerRound+clients per round
	jobs  map[string]func(context.Context, int) error
	lat   map[string][]time.Duration
	errs  map[string]int
}

// prepareScale starts a server on a fresh store, loads n bulk accounts and makes the accounts the
// measurements act as: 32 funded users, an agent, and the closure flows' accounts of every round.
func prepareScale(ctx context.Context, o ScaleOptions, n, rounds, per int) (*scaleSize, error) {
	s, err := Start(ctx, o.DB, lifecycle.Policy{})
	if err != nil {
		return nil, err
	}
	z := &scaleSize{s: s, sc: &Scale{Store: s.Kind}, lat: map[string][]time.Duration{}, errs: map[string]int{}}
	fail := func(err error) (*scaleSize, error) { s.Close(); return nil, err }
	if z.sc.Load, err = s.loadBulk(ctx, n); err != nil {
		return fail(err)
	}
	if z.users, err = s.makeAccounts(ctx, 32, spec{prefix: "155", session: true, smallPay: true}); err != nil {
		return fail(err)
	}
	if err := s.fund(ctx, z.users); err != nil {
		return fail(err)
	}
	_, opToken, err := s.App.Operators.Create(ctx, fmt.Sprintf("scale%d", n), purse.RoleAgent, "bench operator password")
	if err != nil {
		return fail(err)
	}
	if z.flows, err = s.makeAccounts(ctx, rounds*(flowsPer(per)+o.Clients), spec{prefix: "156", session: true}); err != nil {
		return fail(err)
	}
	hc := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.Clients}}
	get := func(path string, token func(i int) string) func(context.Context, int) error {
		return func(ctx context.Context, i int) error {
			return s.call(ctx, hc, http.MethodGet, path, token(i), nil, 200)
		}
	}
	users := z.users
	user := func(i int) string { return users[i%len(users)].Token }
	var seq atomic.Int64
	z.jobs = map[string]func(context.Context, int) error{
		opEligibility: get("/api/v1/closure/eligibility", user),
		opTransfer: func(ctx context.Context, i int) error {
			from, to := users[i%len(users)], users[(i+1+int(seq.Add(1))%(len(users)-1))%len(users)]
			if from.ID == to.ID {
				to = users[(i+1)%len(users)]
			}
			body := fmt.Sprintf(`{"to":%q,"amount":%d}`, to.ID, plainAmount)
			return s.call(ctx, hc, http.MethodPost, "/api/v1/transfers", from.Token, []byte(body), 201)
		},
		opPage:  get("/api/v1/transactions?limit=20", user),
		opQueue: get("/api/v1/admin/closures?limit=50", func(int) string { return opToken }),
	}
	return z, nil
}

// flowsPer is how many complete closure flows time at least per steps (six each).
func flowsPer(per int) int { return (per + 5) / 6 }

// closureSteps times each request of complete closure flows (the six of the tenpay policy) on the
// round's own accounts until per steps are timed.
func (z *scaleSize) closureSteps(ctx context.Context, round, per, clients int) {
	flows := flowsPer(per)
	fu := z.flows[round*(flows+clients) : (round+1)*(flows+clients)]
	tt := &timingTransport{base: &http.Transport{MaxIdleConnsPerHost: clients}}
	c := &http.Client{Timeout: 60 * time.Second, Transport: tt}
	_, errs := timed(ctx, flows, clients, func(ctx context.Context, i int) error {
		return z.s.flow(ctx, c, fu[i])
	})
	z.lat[opStep] = append(z.lat[opStep], tt.lat...)
	z.errs[opStep] += errs
}

// timingTransport times each request it carries, to the answer's headers (a closure step's
// answer is small).
type timingTransport struct {
	base http.RoundTripper
	mu   sync.Mutex
	lat  []time.Duration
}

func (t *timingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t0 := time.Now()
	res, err := t.base.RoundTrip(r)
	if err == nil && res.StatusCode < 300 {
		t.mu.Lock()
		t.lat = append(t.lat, time.Since(t0))
		t.mu.Unlock()
	}
	return res, err
}

// timed runs n jobs over clients workers and returns each successful one's latency.
func timed(ctx context.Context, n, clients int, job func(context.Context, int) error) ([]time.Duration, int) {
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				t0 := time.Now()
				err := job(ctx, i)
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					errs++
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return lat, errs
}

// call sends one request with a bearer token and checks the status.
func (s *Server) call(ctx context.Context, c *http.Client, method, path, token string, body []byte, want int) error {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		return fmt.Errorf("%s %s: %d, want %d: %.200s", method, path, res.StatusCode, want, data)
	}
	return nil
}

// PrintScale prints each size's figures and, for every later size, its ratio to the first.
func PrintScale(w io.Writer, scales []*Scale) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STORE\tACCOUNTS\tMEASURE\tP50 MS\tP99 MS\tNOTES")
	for _, sc := range scales {
		l := sc.Load
		fmt.Fprintf(tw, "%s\t%d\tbulk load\t\t\t%d rows in %.1f s (%.0f rows/s)\n", sc.Store, l.Accounts, l.Rows, l.Seconds, l.PerSec)
		for _, op := range sc.Ops {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%.2f\t%.2f\t%d timed, %d errors\n", sc.Store, l.Accounts, op.Name, op.P50ms, op.P99ms, op.N, op.Errors)
		}
		if p := sc.Purge; p != nil {
			fmt.Fprintf(tw, "%s\t%d\tpurge\t\t\t%d accounts in %.1f s: %.0f/s; %d scrubs took %.1f s of it: %.0f/s without them; %d rewrites, the longest %.3f s; %d scrubs cut short by their batch's deadline\n",
				sc.Store, l.Accounts, p.Accounts, p.Seconds, p.PerSec, p.Scrubs, p.ScrubSeconds, p.PerSecUnswept, p.Rewrites, p.LongestRewrite, p.Cut)
		}
		if sc.PurgeErr != "" {
			fmt.Fprintf(tw, "%s\t%d\tpurge\t\t\tfailed: %.200s\n", sc.Store, l.Accounts, sc.PurgeErr)
		}
		for _, r := range sc.Replans {
			fmt.Fprintf(tw, "%s\t%d\tplanned anew\t\t\t%d times past the first five, %d on the generic plan: %s\n", sc.Store, l.Accounts, r.Beyond, r.Generic, r.Statement)
		}
		if sc.ReplansErr != "" {
			fmt.Fprintf(tw, "%s\t%d\tplanned anew\t\t\tnot read: %.200s\n", sc.Store, l.Accounts, sc.ReplansErr)
		}
	}
	for _, sc := range scales[min(1, len(scales)):] {
		base := scales[0]
		for i, op := range sc.Ops {
			if i >= len(base.Ops) || base.Ops[i].P50ms == 0 || base.Ops[i].P99ms == 0 {
				continue
			}
			fmt.Fprintf(tw, "%s\t%d ÷ %d\t%s\t× %.2f\t× %.2f\ttarget ≤ 1.3\n", sc.Store, sc.Load.Accounts, base.Load.Accounts, op.Name,
				op.P50ms/base.Ops[i].P50ms, op.P99ms/base.Ops[i].P99ms)
		}
		if sc.Purge != nil && base.Purge != nil && base.Purge.PerSec > 0 && base.Purge.PerSecUnswept > 0 {
			fmt.Fprintf(tw, "%s\t%d ÷ %d\tpurge rate\t× %.2f\t\ttarget ≥ 1 ÷ 1.3; × %.2f without the scrubs\n", sc.Store, sc.Load.Accounts, base.Load.Accounts,
				sc.Purge.PerSec/base.Purge.PerSec, sc.Purge.PerSecUnswept/base.Purge.PerSecUnswept)
		}
	}
	return tw.Flush()
}
