package http_test

import (
	"context"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/jobs"
)

// TestMetrics: /metrics counts requests by route pattern and status and messages by channel and
// outcome, and no label carries a user's id or phone number.
func TestMetrics(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("metrics@example.com")
		e.Call("GET", "/api/v1/me", nil, u.Header()...).Expect(t, 200)
		e.Call("GET", "/api/v1/me", nil).ExpectProblem(t, 401, "UNAUTHENTICATED")
		e.Call("GET", "/healthz", nil).Expect(t, 200)
		enqueueNotice(t, e, purse.ChannelSMS, u.Phone, "zh-CN")
		for _, task := range e.App.Jobs {
			jobs.RunOnce(context.Background(), task, nil)
		}
		body := string(e.Call("GET", "/metrics", nil, apitest.Auth(metricsToken)...).Expect(t, 200).Body)
		for _, want := range []string{
			`purse_http_requests_total{route="GET /api/v1/me",status="200"} 1`,
			`purse_http_requests_total{route="GET /api/v1/me",status="401"} 1`,
			`purse_http_requests_total{route="POST /api/v1/accounts",status="201"} 1`,
			`purse_http_requests_total{route="GET /healthz",status="200"} 1`,
			// The registration code's SMS (issue 14) and the notice.
			`purse_messages_total{channel="sms",outcome="sent"} 2`,
			`purse_outbox_messages{status="sent"} 2`,
			`purse_outbox_messages{status="pending"} 0`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		for _, secret := range []string{u.ID, u.Phone, u.Token, "metrics@example.com"} {
			if strings.Contains(body, secret) {
				t.Errorf("metrics contain %q", secret)
			}
		}
	}, withMetricsToken)
}

const metricsToken = "metrics-token-of-the-operator"

func withMetricsToken(c *app.Config) { c.HTTP.MetricsToken = metricsToken }
