package lifecycle_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/jobs"
)

// A poisoned account (its wrapped data key no longer opens) used to roll back every batch of the
// personal-data purge and come first again every minute, for ever: no account behind it was
// erased (issue 17). Now the batch falls back to one savepoint per account: the others are
// noticed and erased, the poisoned one is recorded with its error and attempts, skipped until its
// retry time, and listed to support in the admin API; the records purge behind it runs as well.
func TestPurgeSkipsPoisonedAccount(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		ids := make([]string, 3)
		for i := range ids {
			ids[i] = register(t, e, apitest.NextPhone(), "", "")
			e.MarkClosed(t, ids[i])
		}
		poisoned := ids[1]
		exec(t, e, `UPDATE data_keys SET wrapped = ? WHERE account_id = ?`, []byte("not a wrapped key"), poisoned)
		e.Clock.Advance(31 * day)

		ctx := context.Background()
		if n, err := e.App.Lifecycle.PurgePersonal(ctx); err != nil || n != 2 {
			t.Fatalf("notice step: %d, %v; want the 2 healthy accounts noticed", n, err)
		}
		e.Clock.Advance(73 * 3600e9) // past NoticeWait
		if n, err := e.App.Lifecycle.PurgePersonal(ctx); err != nil || n != 2 {
			t.Fatalf("erase step: %d, %v; want the 2 healthy accounts erased", n, err)
		}
		for _, id := range []string{ids[0], ids[2]} {
			if a := account(t, e, id); a.Status != purse.StatusPurged {
				t.Errorf("account %s behind the poisoned one: %s, want purged", id, a.Status)
			}
		}
		if a := account(t, e, poisoned); a.Status != purse.StatusClosed {
			t.Errorf("poisoned account: %s, want closed (kept for support)", a.Status)
		}

		var list []struct {
			Job      string `json:"job"`
			Item     string `json:"item"`
			Attempts int    `json:"attempts"`
			Error    string `json:"error"`
		}
		e.Call("GET", "/api/v1/admin/job-failures", nil, apitest.Auth(e.Operator("agent"))...).Expect(t, 200).JSON(t, &list)
		if len(list) != 1 || list[0].Job != purse.JobPurgePersonal || list[0].Item != poisoned ||
			list[0].Attempts != 2 || !strings.Contains(list[0].Error, "master key") {
			t.Fatalf("job failures shown to support: %+v", list)
		}
		// Tried in both runs (the second came 73 hours on, past its retry time); skipped until
		// the next retry time, then tried again: the attempts count up.
		if n, err := e.App.Lifecycle.PurgePersonal(ctx); err != nil || n != 0 {
			t.Fatalf("before the retry time: %d, %v; want nothing tried", n, err)
		}
		e.Clock.Advance(jobs.RetryAfter(2) + 1)
		if n, err := e.App.Lifecycle.PurgePersonal(ctx); err == nil || n != 0 {
			t.Fatalf("the poisoned account alone: %d, %v; want a failed run", n, err)
		}
		e.Call("GET", "/api/v1/admin/job-failures", nil, apitest.Auth(e.Operator("agent"))...).Expect(t, 200).JSON(t, &list)
		if len(list) != 1 || list[0].Attempts != 3 {
			t.Fatalf("after a second try: %+v", list)
		}
	})
}

// The records purge had the same fault: one account whose records could not be purged (here a
// record purger of another service that fails for it, as a signer error would) rolled back the
// batch for every account behind it (issue 17). Now it is recorded and skipped, and the others'
// records go.
func TestRecordsPurgeSkipsPoisonedAccount(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		ids := make([]string, 3)
		for i := range ids {
			ids[i] = register(t, e, apitest.NextPhone(), "", "")
			e.MarkClosed(t, ids[i])
			e.Clock.Advance(time.Second)
		}
		e.Clock.Advance(31 * day)
		run(t, e, "purge-personal") // notice
		exec(t, e, `UPDATE outbox SET status = 'sent'`)
		run(t, e, "purge-personal") // erase
		poisoned := ids[0]
		e.App.Lifecycle.RecordPurgers = append(e.App.Lifecycle.RecordPurgers,
			func(_ context.Context, _ purse.Tx, id string) error {
				if id == poisoned {
					return errors.New("records signer: key unavailable")
				}
				return nil
			})
		e.Clock.Advance(6 * 365 * day)

		n, err := e.App.Lifecycle.PurgeRecords(context.Background())
		if err != nil || n != 2 {
			t.Fatalf("records purge: %d, %v; want the 2 healthy accounts", n, err)
		}
		purged := count(t, e, `SELECT COUNT(*) FROM purge_state WHERE records_purged_at <> 0 AND account_id <> ?`, poisoned)
		if purged != 2 || count(t, e, `SELECT COUNT(*) FROM purge_state WHERE records_purged_at <> 0 AND account_id = ?`, poisoned) != 0 {
			t.Fatalf("%d healthy accounts' records purged, or the poisoned one's too", purged)
		}
		var list []struct {
			Job  string `json:"job"`
			Item string `json:"item"`
		}
		e.Call("GET", "/api/v1/admin/job-failures", nil, apitest.Auth(e.Operator("agent"))...).Expect(t, 200).JSON(t, &list)
		if len(list) != 1 || list[0].Job != purse.JobPurgeRecords || list[0].Item != poisoned {
			t.Fatalf("job failures shown to support: %+v", list)
		}
	})
}
