// Package metrics counts what an operator watches on /metrics: HTTP requests by route pattern and
// status, messages by channel and outcome, and the outbox's backlog. Labels never carry a user id,
// a phone number or any other personal value: route patterns keep their {placeholders}.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/purse-wallet/purse"
)

// Metrics is one registry with purse's collectors. Each App has its own, so tests running many
// servers in one process do not share counters.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	messages *prometheus.CounterVec

	checkpoints *checkpoints
}

// New registers the collectors; store, when not nil, is asked for the outbox backlog at each
// scrape.
func New(store purse.Store) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "purse_http_requests_total", Help: "HTTP requests by route pattern and status.",
		}, []string{"route", "status"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "purse_messages_total", Help: "Outbox delivery outcomes (sent, retry, failed, expired) by channel.",
		}, []string{"channel", "outcome"}),
	}
	m.reg.MustRegister(m.requests, m.messages, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if store != nil {
		m.reg.MustRegister(&backlog{store: store})
	}
	m.checkpoints = newCheckpoints(m.reg)
	return m
}

// Request counts one HTTP request. route is the matched pattern ("GET /api/v1/closures/{id}").
func (m *Metrics) Request(route string, status int) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
}

// Message counts one delivery outcome; it fits notify.Worker.Observe.
func (m *Metrics) Message(ch purse.Channel, outcome string) {
	if m == nil {
		return
	}
	m.messages.WithLabelValues(string(ch), outcome).Inc()
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// backlog reports the outbox's messages by status at scrape time: a growing "pending" is a
// provider down or a worker stuck.
type backlog struct{ store purse.Store }

var backlogDesc = prometheus.NewDesc("purse_outbox_messages", "Outbox messages by status.", []string{"status"}, nil)

func (b *backlog) Describe(ch chan<- *prometheus.Desc) { ch <- backlogDesc }

func (b *backlog) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var counts map[string]int
	if err := b.store.Read(ctx, func(tx purse.Tx) error {
		var err error
		counts, err = tx.CountMessages(ctx)
		return err
	}); err != nil {
		ch <- prometheus.NewInvalidMetric(backlogDesc, err)
		return
	}
	for _, s := range []string{"pending", "sent", "failed"} {
		ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, float64(counts[s]), s)
	}
}
