package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// Print writes the results as a table, one line per measurement.
func Print(w io.Writer, label string, r *Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\tSTORE\tMEASURE\tRATE/S\tP50 MS\tP99 MS\tNOTES\n", label)
	if e := r.Eligibility; e != nil {
		load := fmt.Sprintf("%d clients", e.Clients)
		if e.Rate > 0 {
			load = fmt.Sprintf("open loop at %d/s over %d connections", e.Rate, e.Clients)
		}
		cost := fmt.Sprintf("%.0f µs CPU/check", e.CPUus)
		if e.DBCPUus > 0 {
			cost += fmt.Sprintf(" + %.0f µs in PostgreSQL", e.DBCPUus)
		}
		fmt.Fprintf(tw, "\t%s\teligibility\t%.0f\t%.2f\t%.2f\t%d accounts (%d blocked), %s, %d errors of %d, %s\n",
			r.Store, e.PerSec, e.P50ms, e.P99ms, e.Accounts, e.Blocked, load, e.Errors, e.Requests, cost)
	}
	if c := r.Closure; c != nil {
		note := fmt.Sprintf("policy %s, %d clients, %d flows, %d errors, %.1f ms CPU/flow", c.Policy, c.Clients, c.Flows, c.Errors, c.CPUms)
		if c.DBCPUms > 0 {
			note += fmt.Sprintf(" + %.1f ms in PostgreSQL", c.DBCPUms)
		}
		if c.Bound > 0 {
			note += fmt.Sprintf("; %.2f of the argon2id bound (%.1f flows/s at %d hash/flow)", c.Fraction, c.Bound, HashesPerFlow)
		}
		if len(c.Rounds) > 1 {
			note += "; rounds " + roundFractions(c.Rounds)
		}
		if c.FirstErr != "" {
			note += "; first error: " + c.FirstErr
		}
		fmt.Fprintf(tw, "\t%s\tclosure flows\t%.1f\t%.1f\t%.1f\t%s\n", r.Store, c.PerSec, c.P50ms, c.P99ms, note)
	}
	if a := r.Argon; a != nil {
		fmt.Fprintf(tw, "\t%s\targon2id\t%.1f\t\t\tm=%d KiB t=%d p=%d, %d cores, %d hashes, %.1f ms CPU/hash\n", r.Store, a.PerSec,
			a.Params.Memory, a.Params.Time, a.Params.Threads, a.Cores, a.Hashes, a.CPUms)
	}
	if p := r.Payments; p != nil {
		printPayments(tw, r.Store, p)
	}
	if p := r.Purge; p != nil {
		fmt.Fprintf(tw, "\t%s\tpurge\t%.0f\t\t\t%d accounts in %.1f s (notice, delivery, erasure), batch %d, %d purge transactions, %d scrubs in %.1f s (%.0f/s without them)\n",
			r.Store, p.PerSec, p.Accounts, p.Seconds, p.Batch, p.Batches, p.Scrubs, p.ScrubSeconds, p.PerSecUnswept)
		fmt.Fprintf(tw, "\t%s\tAPI before purge\t%.0f\t%.2f\t%.2f\tbackground GET eligibility at %d/s, %d errors\n",
			r.Store, p.Before.PerSec, p.Before.P50ms, p.Before.P99ms, p.BackgroundRate, p.Before.Errors)
		fmt.Fprintf(tw, "\t%s\tAPI during purge\t%.0f\t%.2f\t%.2f\tbackground GET eligibility at %d/s, %d errors\n",
			r.Store, p.During.PerSec, p.During.P50ms, p.During.P99ms, p.BackgroundRate, p.During.Errors)
	}
	return tw.Flush()
}

// roundFractions lists the rounds' own fractions of the bound, "0.78 0.81 0.80": their spread is
// how much the machine drifted within the run, which the run's fraction has averaged out.
func roundFractions(rs []Round) string {
	fs := make([]string, len(rs))
	for i, r := range rs {
		fs[i] = fmt.Sprintf("%.2f", r.Fraction)
	}
	return strings.Join(fs, " ")
}

// PrintJSON writes the results as indented JSON.
func PrintJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Median is the run whose fields are each the median of that field over the runs (so one row may
// mix runs; counts are medians too). Runs must be of one store and one set of measurements.
func Median(rs []*Result) *Result {
	if len(rs) == 0 {
		return nil
	}
	out := &Result{Store: rs[0].Store, Cores: rs[0].Cores}
	m := func(get func(*Result) float64) float64 {
		v := make([]float64, 0, len(rs))
		for _, r := range rs {
			v = append(v, get(r))
		}
		sort.Float64s(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	mi := func(get func(*Result) float64) int64 { return int64(m(get) + 0.5) }
	load := func(get func(*Result) *Load) Load {
		return Load{Requests: uint64(mi(func(r *Result) float64 { return float64(get(r).Requests) })),
			Errors: uint64(mi(func(r *Result) float64 { return float64(get(r).Errors) })),
			PerSec: m(func(r *Result) float64 { return get(r).PerSec }),
			P50ms:  m(func(r *Result) float64 { return get(r).P50ms }),
			P99ms:  m(func(r *Result) float64 { return get(r).P99ms })}
	}
	if rs[0].Eligibility != nil {
		e := *rs[0].Eligibility
		e.Load = load(func(r *Result) *Load { return &r.Eligibility.Load })
		e.CPUus = m(func(r *Result) float64 { return r.Eligibility.CPUus })
		e.DBCPUus = m(func(r *Result) float64 { return r.Eligibility.DBCPUus })
		out.Eligibility = &e
	}
	if rs[0].Closure != nil {
		c := *rs[0].Closure
		c.Flows = mi(func(r *Result) float64 { return float64(r.Closure.Flows) })
		c.Errors = mi(func(r *Result) float64 { return float64(r.Closure.Errors) })
		c.Accounts = mi(func(r *Result) float64 { return float64(r.Closure.Accounts) })
		c.Seconds = m(func(r *Result) float64 { return r.Closure.Seconds })
		c.PerSec = m(func(r *Result) float64 { return r.Closure.PerSec })
		c.P50ms = m(func(r *Result) float64 { return r.Closure.P50ms })
		c.P99ms = m(func(r *Result) float64 { return r.Closure.P99ms })
		c.Bound = m(func(r *Result) float64 { return r.Closure.Bound })
		c.Fraction = m(func(r *Result) float64 { return r.Closure.Fraction })
		c.CPUms = m(func(r *Result) float64 { return r.Closure.CPUms })
		c.DBCPUms = m(func(r *Result) float64 { return r.Closure.DBCPUms })
		// Rounds belong to one run each; a median has none.
		c.Rounds = nil
		out.Closure = &c
	}
	if rs[0].Argon != nil {
		a := *rs[0].Argon
		a.Hashes = mi(func(r *Result) float64 { return float64(r.Argon.Hashes) })
		a.Seconds = m(func(r *Result) float64 { return r.Argon.Seconds })
		a.PerSec = m(func(r *Result) float64 { return r.Argon.PerSec })
		a.CPUms = m(func(r *Result) float64 { return r.Argon.CPUms })
		out.Argon = &a
	}
	if rs[0].Payments != nil {
		// The payments' figures are ratios within a run: the median is the run of the median
		// PIN ÷ plain ratio, whole, so that its ratios and rates stay one run's.
		byRatio := append([]*Result(nil), rs...)
		sort.Slice(byRatio, func(i, j int) bool { return byRatio[i].Payments.Ratio < byRatio[j].Payments.Ratio })
		out.Payments = byRatio[len(byRatio)/2].Payments
	}
	if rs[0].Purge != nil {
		p := *rs[0].Purge
		p.Seconds = m(func(r *Result) float64 { return r.Purge.Seconds })
		p.PerSec = m(func(r *Result) float64 { return r.Purge.PerSec })
		p.Batches = int(mi(func(r *Result) float64 { return float64(r.Purge.Batches) }))
		p.SetupSec = m(func(r *Result) float64 { return r.Purge.SetupSec })
		p.Before = load(func(r *Result) *Load { return &r.Purge.Before })
		p.During = load(func(r *Result) *Load { return &r.Purge.During })
		out.Purge = &p
	}
	return out
}

// printPayments writes the payments' rows: each kind of operation with its CPU, then the ratios
// the issue sets targets for.
func printPayments(tw io.Writer, store string, p *Payments) {
	row := func(name string, o *Op, note string) {
		cost := fmt.Sprintf("%.2f ms CPU/op", o.CPUms)
		if o.DBCPUms > 0 {
			cost += fmt.Sprintf(" + %.2f ms in PostgreSQL", o.DBCPUms)
		}
		if o.FirstErr != "" {
			note += "; first error: " + o.FirstErr
		}
		fmt.Fprintf(tw, "\t%s\t%s\t%.1f\t%.2f\t%.2f\t%d done, %d errors, %s%s\n", store, name, o.PerSec, o.P50ms, o.P99ms, o.Done, o.Errors, cost, note)
	}
	load := fmt.Sprintf(", %d clients, %d accounts, %d rounds", p.Clients, p.Accounts, p.Rounds)
	row("transfer 1.00", &p.Plain, load)
	row("transfer 1,000.01 + PIN", &p.PIN, load)
	if p.Flows != nil {
		row("closure flows", p.Flows, "")
	}
	if p.Lone != nil {
		row("transfer 1.00, alone", p.Lone, ", 1 client: each commits alone")
	}
	if p.PGBench != nil {
		row("pgbench TPC-B", p.PGBench, fmt.Sprintf(", scale %d (loaded in %.1f s), %d clients (CPU/op: pgbench's own)", p.PGBenchScale, p.PGBenchLoad, p.Clients))
	}
	fmt.Fprintf(tw, "\t%s\tPIN ÷ plain\t%.2f\t\t\ttarget ≥ 0.8; rounds %s\n", store, p.Ratio, roundRatios(p.PerRound, func(r RoundOps) float64 { return r.PIN / r.Plain }))
	if p.Flows != nil {
		fmt.Fprintf(tw, "\t%s\tflow CPU ÷ transfer CPU\t%.1f\t\t\ttarget ≤ 8 (purse and PostgreSQL counted)\n", store, p.FlowCost)
	}
	if p.Lone != nil {
		fmt.Fprintf(tw, "\t%s\tflow CPU ÷ lone transfer CPU\t%.1f\t\t\tagainst a transfer that commits alone (1 client), as a closure step does on PostgreSQL\n", store, p.FlowCostLone)
	}
	if p.PGBench != nil {
		fmt.Fprintf(tw, "\t%s\tplain ÷ pgbench\t%.2f\t\t\trounds %s\n", store, p.Versus, roundRatios(p.PerRound, func(r RoundOps) float64 { return r.Plain / r.PGBench }))
	}
	if q := p.Pair; q != nil {
		row("transfer 1.00, 2 instances", &q.Plain, load)
		row("top-up 1.00, 1 instance", &q.Topup1, load)
		row("top-up 1.00, 2 instances", &q.Topup2, load)
		fmt.Fprintf(tw, "\t%s\ttransfers 2 ÷ 1 instance\t%.2f\t\t\trounds %s\n", store, q.PlainRatio, roundRatios(p.PerRound, func(r RoundOps) float64 { return r.Plain2 / r.Plain }))
		fmt.Fprintf(tw, "\t%s\ttop-ups 2 ÷ 1 instance\t%.2f\t\t\trounds %s\n", store, q.TopupRatio, roundRatios(p.PerRound, func(r RoundOps) float64 { return r.Topup2 / r.Topup1 }))
	}
}

func roundRatios(rs []RoundOps, f func(RoundOps) float64) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = fmt.Sprintf("%.2f", f(r))
	}
	return strings.Join(out, " ")
}
