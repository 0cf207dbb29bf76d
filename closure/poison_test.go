package closure_test

import (
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/closure"
	ct "github.com/purse-wallet/purse/closuretest"
)

// A poisoned request (its policy snapshot no longer reads) used to roll back the whole batch of
// the closing, expiry and reminder jobs and come first again every minute, for ever: no closure,
// expiry or reminder behind it happened (issue 17). Each request now goes in a savepoint of its
// own (jobs.Batch): the others are closed, expired or reminded, and the poisoned one is recorded
// for support and skipped.
func TestJobsSkipPoisonedRequest(t *testing.T) {
	t.Parallel()
	jobs := []struct {
		name    string
		job     string
		prepare func(t *testing.T, e *apitest.Env) (accounts, requests []string)
		advance time.Duration
		run     func(s *closure.Service, ctx context.Context) (int, error)
		done    func(t *testing.T, e *apitest.Env, account, request string) bool
	}{
		{"close_due", purse.JobCloseDue, coolingOff, 7 * 24 * time.Hour, (*closure.Service).CloseDue,
			func(t *testing.T, e *apitest.Env, account, _ string) bool {
				return ct.AccountStatus(t, e, account) == purse.StatusClosed
			}},
		{"remind", purse.JobRemind, coolingOff, 6*24*time.Hour + time.Hour, (*closure.Service).Remind,
			func(t *testing.T, e *apitest.Env, _, request string) bool {
				return requestState(t, e, request).Reminded
			}},
		{"expire_idle", purse.JobExpireIdle, started, 25 * time.Hour, (*closure.Service).ExpireIdle,
			func(t *testing.T, e *apitest.Env, _, request string) bool {
				return requestState(t, e, request).State == purse.ClosureExpired
			}},
	}
	for _, j := range jobs {
		t.Run(j.name, func(t *testing.T) {
			t.Parallel()
			apitest.Each(t, func(t *testing.T, e *apitest.Env) {
				t.Parallel()
				accounts, requests := j.prepare(t, e)
				poisoned := requests[0] // first in the batch's order: it used to stop the rest
				ct.Exec(t, e, `UPDATE closures SET policy_json = 'not a policy' WHERE id = ?`, poisoned)
				e.Clock.Advance(j.advance)

				ctx := context.Background()
				n, err := j.run(e.App.Closures, ctx)
				if err != nil || n != len(requests)-1 {
					t.Fatalf("%s: %d, %v; want the %d healthy requests handled", j.name, n, err, len(requests)-1)
				}
				for i := 1; i < len(requests); i++ {
					if !j.done(t, e, accounts[i], requests[i]) {
						t.Errorf("request %s behind the poisoned one was not handled", requests[i])
					}
				}
				if j.done(t, e, accounts[0], poisoned) {
					t.Errorf("the poisoned request was handled")
				}
				var list []struct {
					Job      string `json:"job"`
					Item     string `json:"item"`
					Attempts int    `json:"attempts"`
				}
				e.Call("GET", "/api/v1/admin/job-failures", nil, apitest.Auth(e.Operator("agent"))...).Expect(t, 200).JSON(t, &list)
				if len(list) != 1 || list[0].Job != j.job || list[0].Item != poisoned || list[0].Attempts != 1 {
					t.Fatalf("job failures shown to support: %+v", list)
				}
				// Skipped until its retry time: the next run finds nothing to do.
				if n, err := j.run(e.App.Closures, ctx); err != nil || n != 0 {
					t.Fatalf("second run: %d, %v; want the poisoned request skipped", n, err)
				}
			}, ct.WithPolicy(t, "strict"))
		})
	}
}

// coolingOff puts three accounts' requests in cooling-off, in the order the jobs claim them.
func coolingOff(t *testing.T, e *apitest.Env) (accounts, requests []string) {
	for range 3 {
		u, id := ct.CoolingOff(t, e)
		accounts, requests = append(accounts, u.ID), append(requests, id)
		e.Clock.Advance(time.Second)
	}
	return accounts, requests
}

// started leaves three accounts' requests at the agreement step, to go idle.
func started(t *testing.T, e *apitest.Env) (accounts, requests []string) {
	for range 3 {
		u := e.SignUp("")
		f, err := e.App.Closures.Start(context.Background(), u.ID, closure.Env{})
		if err != nil {
			t.Fatal(err)
		}
		accounts, requests = append(accounts, u.ID), append(requests, f.Request.ID)
		e.Clock.Advance(time.Second)
	}
	return accounts, requests
}

// requestState reads a request's state and whether its reminder went.
func requestState(t *testing.T, e *apitest.Env, id string) (r struct {
	State    purse.ClosureState
	Reminded bool
}) {
	t.Helper()
	q := `SELECT state, reminded_at <> 0 FROM closures WHERE id = ?`
	if e.Dialect == "postgres" {
		q = `SELECT state, reminded_at <> 0 FROM closures WHERE id = $1`
	}
	if err := e.DB.SQL().QueryRow(q, id).Scan(&r.State, &r.Reminded); err != nil {
		t.Fatal(err)
	}
	return r
}
