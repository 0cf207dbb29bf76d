package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/purse-wallet/purse/wallet"
)

// Payments is issue 19's comparison, every figure from one run whose phases take turns in short
// slices (as alternate does), so that each sees the same drift of this shared machine: transfers
// without a secret check (1.00 CNY, under the payment-password threshold), the same transfers with
// the payment password (1,000.01 CNY, above it), complete closure flows when asked, and pgbench's
// TPC-B on the same PostgreSQL server when asked and installed. All through HTTP on the bench's
// server (group commit as purse serve runs it), closed loop.
type Payments struct {
	Clients  int `json:"clients"`
	Accounts int `json:"accounts"`
	Rounds   int `json:"rounds"`
	Plain    Op  `json:"plain"` // transfers without the payment password
	PIN      Op  `json:"pin"`   // transfers with it
	Flows    *Op `json:"closure_flows,omitempty"`
	// Lone is plain transfers from one client, run beside the flows: each commits alone, as a
	// closure step does on PostgreSQL, where a grouped transfer shares its commit and statements
	// with dozens (issue 19, session 16).
	Lone    *Op `json:"lone_transfers,omitempty"`
	PGBench *Op `json:"pgbench,omitempty"`
	// PGBenchScale is the TPC-B scale pgbench ran at and PGBenchLoad how long making its tables
	// took (pgbench -i), since a fair scale (one branch per client) is minutes of loading here.
	PGBenchScale int        `json:"pgbench_scale,omitempty"`
	PGBenchLoad  float64    `json:"pgbench_load_seconds,omitempty"`
	Ratio        float64    `json:"pin_over_plain"`                      // PIN.PerSec ÷ Plain.PerSec (target ≥ 0.8)
	FlowCost     float64    `json:"flow_cpu_multiple"`                   // a flow's CPU (purse + PostgreSQL) ÷ a plain transfer's (target ≤ 8)
	FlowCostLone float64    `json:"flow_cpu_multiple_of_lone,omitempty"` // a flow's CPU ÷ a lone transfer's (Lone)
	Versus       float64    `json:"plain_over_pgbench"`                  // Plain.PerSec ÷ PGBench.PerSec
	PerRound     []RoundOps `json:"per_round,omitempty"`
	Pair         *Pair      `json:"two_instances,omitempty"`
}

// Pair is the two-instance comparison (--instances 2, PostgreSQL): the same clients' transfers
// sent in turn to two purse instances on one database, against all to one (Payments.Plain), and
// top-ups from one instance against from both.
type Pair struct {
	Plain      Op      `json:"transfers_two"`
	Topup1     Op      `json:"topups_one"`
	Topup2     Op      `json:"topups_two"`
	PlainRatio float64 `json:"transfers_two_over_one"`
	TopupRatio float64 `json:"topups_two_over_one"`
}

// Op is one kind of operation summed over the rounds' counted windows.
type Op struct {
	Done     int64   `json:"done"`
	Errors   int64   `json:"errors"`
	Seconds  float64 `json:"seconds"`
	PerSec   float64 `json:"per_sec"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
	CPUms    float64 `json:"cpu_ms"`              // this process's CPU per operation (server and load generator)
	DBCPUms  float64 `json:"db_cpu_ms,omitempty"` // the local PostgreSQL server's CPU per operation
	FirstErr string  `json:"first_error,omitempty"`
}

// RoundOps is one round's rates, to show how far the machine drifted within the run.
type RoundOps struct {
	Plain, PIN, Flows, Lone, PGBench float64
	Plain2, Topup1, Topup2           float64 // with two instances (Pair)
}

// Amounts of the two kinds of transfers, as in the table.
const (
	plainAmount = 100     // 1.00 CNY: no payment password
	pinAmount   = 100_001 // 1,000.01 CNY: above wallet.DefaultPasswordAbove
)

func (t *total) op() Op {
	o := Op{Done: t.Done, Errors: t.Errors, Seconds: t.Window.Seconds(), PerSec: t.perSec(), FirstErr: t.FirstErr,
		P50ms: ms(quantile(t.Lat, 0.50)), P99ms: ms(quantile(t.Lat, 0.99)), CPUms: cpuPer(t.CPU, t.Done), DBCPUms: cpuPer(t.DBCPU, t.Done)}
	return o
}

// measurePayments runs o.Rounds rounds of plain transfers, PIN transfers and, as o asks, closure
// flows and pgbench, each slice o.Duration ÷ o.Rounds long.
func (s *Server) measurePayments(ctx context.Context, o Options) (*Payments, error) {
	users, err := s.makeAccounts(ctx, o.TransferAccounts, spec{prefix: "152", session: true, smallPay: true})
	if err != nil {
		return nil, err
	}
	if err := s.fund(ctx, users); err != nil {
		return nil, err
	}
	slice := o.Duration / time.Duration(o.Rounds)
	one := []string{s.URL}
	plain := s.transferPhase(one, users, o.Clients, slice, plainAmount, "")
	pin := s.transferPhase(one, users, o.Clients, slice, pinAmount, PaymentPassword)
	var flows, lone, pgb, plain2, top1, top2 phase
	if o.Instances == 2 {
		// The same clients, every other request to a second instance on the same database; and
		// top-ups, which write the operator's bank book, from one instance and from both.
		other, err := s.Another(ctx)
		if err != nil {
			return nil, err
		}
		both := []string{s.URL, other}
		plain2 = s.transferPhase(both, users, o.Clients, slice, plainAmount, "")
		top1 = s.topupPhase(one, users, o.Clients, slice)
		top2 = s.topupPhase(both, users, o.Clients, slice)
	}
	if o.Closure {
		fu, err := s.makeAccounts(ctx, o.FlowAccounts, spec{prefix: "151", session: true})
		if err != nil {
			return nil, err
		}
		flows, _ = s.flowPhase(fu, o.FlowClients, slice)
		lone = s.transferPhase(one, users, 1, slice, plainAmount, "")
	}
	p := &Payments{Clients: o.Clients, Accounts: len(users), Rounds: o.Rounds}
	if o.PGBench && s.Kind == "postgres" {
		p.PGBenchScale = pgbenchScale(o.Clients, o.PGBenchScale)
		var load time.Duration
		if pgb, load, err = s.pgbenchPhase(ctx, o.DB, o.Clients, p.PGBenchScale, slice); err != nil {
			return nil, err
		}
		p.PGBenchLoad = load.Seconds()
	}
	var tp, tn, tf, tl, tg, tp2, tt1, tt2 total
	for range o.Rounds {
		var r RoundOps
		run := func(ph phase, t *total) float64 {
			if ph == nil || ctx.Err() != nil {
				return 0
			}
			sp := ph(ctx)
			t.add(sp)
			return rate(sp.Done, sp.Window)
		}
		r.Plain = run(plain, &tp)
		r.PIN = run(pin, &tn)
		r.Flows = run(flows, &tf)
		r.Lone = run(lone, &tl)
		r.PGBench = run(pgb, &tg)
		r.Plain2, r.Topup1, r.Topup2 = run(plain2, &tp2), run(top1, &tt1), run(top2, &tt2)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p.PerRound = append(p.PerRound, r)
	}
	p.Plain, p.PIN = tp.op(), tn.op()
	if p.Plain.PerSec > 0 {
		p.Ratio = p.PIN.PerSec / p.Plain.PerSec
	}
	if flows != nil {
		f := tf.op()
		p.Flows = &f
		if one := p.Plain.CPUms + p.Plain.DBCPUms; one > 0 {
			p.FlowCost = (f.CPUms + f.DBCPUms) / one
		}
		l := tl.op()
		p.Lone = &l
		if one := l.CPUms + l.DBCPUms; one > 0 {
			p.FlowCostLone = (f.CPUms + f.DBCPUms) / one
		}
	}
	if plain2 != nil {
		p.Pair = &Pair{Plain: tp2.op(), Topup1: tt1.op(), Topup2: tt2.op()}
		if p.Plain.PerSec > 0 {
			p.Pair.PlainRatio = p.Pair.Plain.PerSec / p.Plain.PerSec
		}
		if p.Pair.Topup1.PerSec > 0 {
			p.Pair.TopupRatio = p.Pair.Topup2.PerSec / p.Pair.Topup1.PerSec
		}
	}
	if pgb != nil {
		g := tg.op()
		p.PGBench = &g
		if g.PerSec > 0 {
			p.Versus = p.Plain.PerSec / g.PerSec
		}
	}
	return p, nil
}

// fund gives every account a card and a balance that the run cannot exhaust.
func (s *Server) fund(ctx context.Context, users []User) error {
	for i, u := range users {
		c, err := s.App.Wallet.BindCardAsHolder(ctx, u.ID, u.Phone, wallet.CardBinding{Bank: "ICBC",
			Number: "6222021234567890128", Holder: "Bench", PaymentPassword: PaymentPassword})
		if err != nil {
			return fmt.Errorf("bench: bind card: %w", err)
		}
		if _, err := s.App.Wallet.Topup(ctx, u.ID, c.ID, 100_000_000_00); err != nil {
			return fmt.Errorf("bench: top up: %w", err)
		}
		users[i].Card = c.ID
	}
	return nil
}

// transferPhase returns a phase of clients sending transfers of amount between random pairs of
// users through POST /api/v1/transfers, with the payment password when pin is set, each request
// to the next of bases (the instances' URLs) in turn.
func (s *Server) transferPhase(bases []string, users []User, clients int, dur time.Duration, amount int64, pin string) phase {
	job := s.transferJob(bases, users, clients, amount, pin)
	return func(ctx context.Context) span { return steady(ctx, clients, Warmup, dur, s.dbCPU, job) }
}

// transferJob returns what one of clients concurrent clients does for one transfer of amount
// between a random pair of users (see transferPhase).
func (s *Server) transferJob(bases []string, users []User, clients int, amount int64, pin string) func(context.Context) error {
	var mu sync.Mutex
	r := mrand.New(mrand.NewPCG(3, uint64(time.Now().UnixNano())))
	extra := ""
	if pin != "" {
		extra = `,"payment_password":"` + pin + `"`
	}
	return s.postJob(bases, clients, "/api/v1/transfers", func() (User, string) {
		mu.Lock()
		i, j := pair(r, len(users))
		mu.Unlock()
		return users[i], fmt.Sprintf(`{"to":%q,"amount":%d%s}`, users[j].ID, amount, extra)
	})
}

// topupPhase returns a phase of clients topping up the users in turn from their cards through
// POST /api/v1/topups (the sandbox bank settles at once): each adds to the operator's bank book,
// the row every instance's top-ups shared before it was split into sub-books.
func (s *Server) topupPhase(bases []string, users []User, clients int, dur time.Duration) phase {
	var next atomic.Int64
	return s.postPhase(bases, clients, dur, "/api/v1/topups", func() (User, string) {
		u := users[int(next.Add(1))%len(users)]
		return u, fmt.Sprintf(`{"card_id":%q,"amount":%d}`, u.Card, plainAmount)
	})
}

// postPhase returns a phase of clients posting what next gives (the user whose session sends
// it, and the body) to path, each request to the next of bases in turn; 201 is success.
func (s *Server) postPhase(bases []string, clients int, dur time.Duration, path string, next func() (User, string)) phase {
	job := s.postJob(bases, clients, path, next)
	return func(ctx context.Context) span { return steady(ctx, clients, Warmup, dur, s.dbCPU, job) }
}

// postJob returns what one of clients concurrent clients does for one POST of postPhase's.
func (s *Server) postJob(bases []string, clients int, path string, next func() (User, string)) func(context.Context) error {
	c := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	var turn atomic.Int64
	send := func(ctx context.Context) error {
		u, body := next()
		base := bases[int(turn.Add(1))%len(bases)]
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, bytes.NewReader([]byte(body)))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+u.Token)
		req.Header.Set("Content-Type", "application/json")
		res, err := c.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		data, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusCreated {
			return fmt.Errorf("POST %s: %d: %.200s", path, res.StatusCode, data)
		}
		return nil
	}
	// The load generator runs in this process beside the server: its work is labelled (the
	// transport's connection goroutines, started under the label, inherit it) so that a CPU
	// profile (--cpu-profile, then pprof -tagfocus=load=client or -tagignore) splits the two.
	return func(ctx context.Context) (err error) {
		pprof.Do(ctx, clientLabel, func(ctx context.Context) { err = send(ctx) })
		return err
	}
}

// clientLabel marks the load generator's goroutines in CPU profiles.
var clientLabel = pprof.Labels("load", "client")
