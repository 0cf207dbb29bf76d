package metrics_test

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse/metrics"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// TestCheckpointMetrics: a sink that fails is counted, and the last-success time moves only when
// every sink took the checkpoint, so an alert on its age sees a failing sink.
func TestCheckpointMetrics(t *testing.T) {
	t.Parallel()
	m := metrics.New(nil)
	t1 := time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC)
	m.Checkpoint(t1, map[string]error{"file:/var/log/c": nil, "syslog://10.0.0.1:514": errors.New("refused")})
	out := scrape(t, m)
	for _, want := range []string{`purse_audit_checkpoints_total{outcome="failed",sink="syslog://10.0.0.1:514"} 1`,
		`purse_audit_checkpoints_total{outcome="written",sink="file:/var/log/c"} 1`,
		"purse_audit_checkpoint_last_success_timestamp_seconds 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	m.Checkpoint(t1.Add(time.Minute), map[string]error{"file:/var/log/c": nil})
	if out := scrape(t, m); !strings.Contains(out, "purse_audit_checkpoint_last_success_timestamp_seconds 1.79658726e+09") {
		t.Errorf("last success not moved:\n%s", out)
	}
}
