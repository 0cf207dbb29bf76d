package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// DeadlineCounter counts open closure requests near and past their legal deadline now.
type DeadlineCounter func(ctx context.Context) (near, past int, err error)

var deadlineDesc = prometheus.NewDesc("purse_closure_deadline_requests",
	"Open closure requests by legal-deadline status: near (due within 3 working days) or past.", []string{"status"}, nil)

type deadlines struct{ count DeadlineCounter }

func (d deadlines) Describe(ch chan<- *prometheus.Desc) { ch <- deadlineDesc }

func (d deadlines) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	near, past, err := d.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(deadlineDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(deadlineDesc, prometheus.GaugeValue, float64(near), "near")
	ch <- prometheus.MustNewConstMetric(deadlineDesc, prometheus.GaugeValue, float64(past), "past")
}

// Deadlines adds the gauge of requests near and past their legal deadline, read at scrape time.
func (m *Metrics) Deadlines(count DeadlineCounter) {
	if m == nil || count == nil {
		return
	}
	m.reg.MustRegister(deadlines{count: count})
}
