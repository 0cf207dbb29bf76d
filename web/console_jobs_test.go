package web_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// The console's front page lists the items background jobs failed on and skip for now, with the
// job, the item, the attempts and the error, so that support sees a poisoned row (issue 17).
func TestConsoleShowsJobFailures(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	newOperator(t, e, "agent1", purse.RoleAgent)
	c := newClient(t, e)
	consoleSignIn(t, c, "agent1")
	c.get("/admin").expect(t, 200, `id="operator-role">`)
	ctx := context.Background()
	err := e.DB.Tx(ctx, func(tx purse.Tx) error {
		return tx.RecordJobFailure(ctx, &purse.JobFailure{Job: purse.JobCloseDue, Item: "req-poisoned", Attempts: 3,
			Error: "closure: policy snapshot unreadable", Last: tx.Now(), RetryAt: tx.Now().Add(4 * 60e9)})
	})
	if err != nil {
		t.Fatal(err)
	}
	c.get("/admin").expect(t, 200, `id="job-failures"`, "后台任务暂时跳过的条目", "closure.close_due",
		"req-poisoned", "<td>3</td>", "policy snapshot unreadable")
}
