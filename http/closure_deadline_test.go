package http_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	ct "github.com/purse-wallet/purse/closuretest"
	"github.com/purse-wallet/purse/jobs"
)

const support = "support@wallet.example"

// runTask runs the named background task until it has nothing left to do now.
func runTask(t *testing.T, e *apitest.Env, name string) {
	t.Helper()
	for _, task := range e.App.Jobs {
		if task.Name == name {
			jobs.RunOnce(context.Background(), task, nil)
			return
		}
	}
	t.Fatalf("no task %s", name)
}

// TestClosureDeadlineByCalendar (issue 16): a request made in Shanghai on 11 December 2025 is due
// 15 working days later by the State Council's schedule, on the make-up Sunday 4 January 2026,
// not on New Year's Day; the API and the console show the same days left; support is warned
// once when it is near and once when it is past, the queue marks it and the gauge counts it.
func TestClosureDeadlineByCalendar(t *testing.T) {
	t.Parallel()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	local := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		e.Clock.Set(local("2025-12-11 10:00"))
		u := e.SignUp("")
		var flow struct {
			ID       string    `json:"id"`
			Deadline time.Time `json:"deadline"`
		}
		e.Call("POST", "/api/v1/closures", map[string]any{}, u.Header()...).Expect(t, 201).JSON(t, &flow)
		if got := flow.Deadline.In(shanghai).Format(time.DateTime); got != "2026-01-04 23:59:59" {
			t.Fatalf("deadline %s, want the end of the make-up Sunday 2026-01-04", got)
		}
		op := apitest.Auth(e.Operator("agent"))
		queue := func() map[string]any {
			var list struct {
				Closures []map[string]any `json:"closures"`
			}
			e.Call("GET", "/api/v1/admin/closures", nil, op...).Expect(t, 200).JSON(t, &list)
			for _, c := range list.Closures {
				if c["id"] == flow.ID {
					return c
				}
			}
			t.Fatalf("request %s not in the queue", flow.ID)
			return nil
		}
		if q := queue(); q["days_left"] != 24.0 || q["deadline_status"] != "ok" {
			t.Fatalf("on 11 December: %v", q)
		}
		runTask(t, e, "closure.deadlines")
		if ms := ct.Messages(t, e, support); len(ms) != 0 {
			t.Fatalf("support warned three weeks early: %d", len(ms))
		}

		// Friday 26 December: 29, 30, 31 December and 4 January are left, 4 working days: not yet near.
		e.Clock.Set(local("2025-12-26 18:00"))
		runTask(t, e, "closure.deadlines")
		if ms := ct.Messages(t, e, support); len(ms) != 0 {
			t.Fatal("support warned with 4 working days left")
		}
		// Monday 29 December 08:30 in Shanghai (still Sunday in UTC): near.
		e.Clock.Set(local("2025-12-29 08:30"))
		runTask(t, e, "closure.deadlines")
		runTask(t, e, "closure.deadlines")
		ms := ct.Messages(t, e, support)
		if len(ms) != 1 || ms[0].Template != "closure_deadline_near" || !strings.Contains(ms[0].Body, flow.ID) ||
			!strings.Contains(ms[0].Body, "3 个工作日") {
			t.Fatalf("near warning: %d messages %+v", len(ms), ms)
		}
		if q := queue(); q["days_left"] != 6.0 || q["working_days_left"] != 3.0 || q["deadline_status"] != "near" {
			t.Fatalf("on 29 December: %v", q)
		}
		metrics := string(e.Call("GET", "/metrics", nil, apitest.Auth(metricsToken)...).Expect(t, 200).Body)
		if !strings.Contains(metrics, `purse_closure_deadline_requests{status="near"} 1`) ||
			!strings.Contains(metrics, `purse_closure_deadline_requests{status="past"} 0`) {
			t.Fatalf("gauge: %s", grepLines(metrics, "purse_closure_deadline"))
		}

		// Monday 5 January 2026, 00:30 in Shanghai: past.
		e.Clock.Set(local("2026-01-05 00:30"))
		runTask(t, e, "closure.deadlines")
		runTask(t, e, "closure.deadlines")
		ms = ct.Messages(t, e, support)
		if len(ms) != 2 || ms[0].Template != "closure_deadline_past" {
			t.Fatalf("past warning: %d messages", len(ms))
		}
		if q := queue(); q["days_left"] != -1.0 || q["deadline_status"] != "past" {
			t.Fatalf("on 5 January: %v", q)
		}
		metrics = string(e.Call("GET", "/metrics", nil, apitest.Auth(metricsToken)...).Expect(t, 200).Body)
		if !strings.Contains(metrics, `purse_closure_deadline_requests{status="past"} 1`) {
			t.Fatalf("gauge: %s", grepLines(metrics, "purse_closure_deadline"))
		}
	}, func(c *app.Config) { c.Location = shanghai; c.SupportEmail = support; withMetricsToken(c) })
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
