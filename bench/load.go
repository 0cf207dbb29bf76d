package bench

import (
	"net/http"
	"sort"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Load is what a load of one kind of request measured.
type Load struct {
	Requests uint64  `json:"requests"`
	Errors   uint64  `json:"errors"`  // transport errors and statuses other than the expected one
	PerSec   float64 `json:"per_sec"` // successful requests per second
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
}

// getter attacks GET url with the users' bearer tokens in turn. rate 0 is a closed loop: clients
// workers each send the next request when the last one answered, as fast as the server goes;
// otherwise rate requests per second are sent whatever the answers (an open loop, for the
// background load). It runs for dur, or until stop is closed when dur is 0.
func getter(url string, users []User, clients, rate int, dur time.Duration, stop <-chan struct{}) Load {
	var i atomic.Uint64
	hdrs := make([]http.Header, len(users))
	for k, u := range users {
		hdrs[k] = http.Header{"Authorization": {"Bearer " + u.Token}}
	}
	tr := func(t *vegeta.Target) error {
		n := i.Add(1) - 1
		t.Method, t.URL, t.Header = http.MethodGet, url, hdrs[n%uint64(len(hdrs))]
		return nil
	}
	opts := []func(*vegeta.Attacker){vegeta.KeepAlive(true), vegeta.Connections(clients),
		vegeta.MaxConnections(clients), vegeta.Timeout(30 * time.Second)}
	pace := vegeta.Rate{Freq: rate, Per: time.Second}
	if rate == 0 {
		opts = append(opts, vegeta.Workers(uint64(clients)), vegeta.MaxWorkers(uint64(clients)))
	}
	atk := vegeta.NewAttacker(opts...)
	if stop != nil {
		go func() { <-stop; atk.Stop() }()
	}
	var m vegeta.Metrics
	for r := range atk.Attack(vegeta.Targeter(tr), pace, dur, "get") {
		m.Add(r)
	}
	m.Close()
	return fromMetrics(&m)
}

func fromMetrics(m *vegeta.Metrics) Load {
	ok := uint64(m.StatusCodes["200"])
	l := Load{Requests: m.Requests, Errors: m.Requests - ok, P50ms: ms(m.Latencies.P50), P99ms: ms(m.Latencies.P99)}
	if m.Duration > 0 {
		l.PerSec = float64(ok) / (m.Duration + m.Wait).Seconds()
	}
	return l
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// quantile of sorted durations.
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[min(len(ds)-1, int(q*float64(len(ds))))]
}
