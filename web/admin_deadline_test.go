package web_test

import (
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
)

// TestConsoleDeadlineDays: the console's queue shows the days left the API shows, counted on the
// operator's calendar, and marks a request past its deadline (issue 16: they disagreed).
func TestConsoleDeadlineDays(t *testing.T) {
	t.Parallel()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		e.Clock.Set(time.Date(2025, 12, 11, 10, 0, 0, 0, shanghai))
		u := e.SignUp("")
		e.Call("POST", "/api/v1/closures", map[string]any{}, u.Header()...).Expect(t, 201)
		newOperator(t, e, "agent-dl", purse.RoleAgent)
		// 23:30 on 11 December in Shanghai: the API and the console both say 24 days (4 January).
		e.Clock.Set(time.Date(2025, 12, 11, 23, 30, 0, 0, shanghai))
		agent := newClient(t, e)
		consoleSignIn(t, agent, "agent-dl")
		agent.get("/admin/closures").expect(t, 200, `class="deadline-ok"`, `data-label="剩余天数">24<`, `data-label="剩余工作日">15<`)
		e.Clock.Set(time.Date(2026, 1, 5, 9, 0, 0, 0, shanghai))
		agent = newClient(t, e) // the console session of December has ended
		consoleSignIn(t, agent, "agent-dl")
		agent.get("/admin/closures").expect(t, 200, `class="deadline-past urgent"`, `data-label="剩余天数">-1<`, "已超期")
	}, func(c *app.Config) { c.Location = shanghai })
}
