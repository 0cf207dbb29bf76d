package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// checkpoints are the audit checkpoints' outcomes per sink, and when the last one was written to
// every sink: an operator alerts when that is older than two intervals (docs/deployment.md §4a).
type checkpoints struct {
	written *prometheus.CounterVec
	last    prometheus.Gauge
}

func newCheckpoints(reg *prometheus.Registry) *checkpoints {
	c := &checkpoints{
		written: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "purse_audit_checkpoints_total",
			Help: "Audit checkpoints appended, by sink (as --audit-checkpoint-sink names it) and outcome (written, failed)."},
			[]string{"sink", "outcome"}),
		last: prometheus.NewGauge(prometheus.GaugeOpts{Name: "purse_audit_checkpoint_last_success_timestamp_seconds",
			Help: "Unix time of the last audit checkpoint that every sink took."}),
	}
	reg.MustRegister(c.written, c.last)
	return c
}

// Checkpoint counts one checkpoint's outcome at each sink (errs[sink] nil: written); when every
// sink took it, the last-success gauge moves to at. It fits audit.Checkpointer.Observe.
func (m *Metrics) Checkpoint(at time.Time, errs map[string]error) {
	if m == nil {
		return
	}
	all := true
	for sink, err := range errs {
		outcome := "written"
		if err != nil {
			outcome, all = "failed", false
		}
		m.checkpoints.written.WithLabelValues(sink, outcome).Inc()
	}
	if all {
		m.checkpoints.last.Set(float64(at.Unix()))
	}
}
