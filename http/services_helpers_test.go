package http_test

import (
	"context"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

// list fetches a collection route and returns its items.
func list(t *testing.T, e *apitest.Env, path string, hdr []string) []map[string]any {
	t.Helper()
	var out struct {
		Items []map[string]any `json:"items"`
	}
	e.Call("GET", path, nil, hdr...).Expect(t, 200).JSON(t, &out)
	return out.Items
}

// statuses returns the status of each item, in list order.
func statuses(items []map[string]any) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i], _ = it["status"].(string)
	}
	return out
}

// accountStatus reads the account's status through GET /me.
func accountStatus(t *testing.T, e *apitest.Env, u *apitest.User) string {
	t.Helper()
	var me struct{ Status string }
	e.Call("GET", "/api/v1/me", nil, u.Header()...).Expect(t, 200).JSON(t, &me)
	return me.Status
}

// idOf decodes the id of a created item.
func idOf(t *testing.T, r *apitest.Response) string {
	t.Helper()
	var v struct{ ID string }
	r.JSON(t, &v)
	if v.ID == "" {
		t.Fatalf("no id in %s", r.Body)
	}
	return v.ID
}

// messagesTo reads the outbox for a recipient, newest first.
func messagesTo(t *testing.T, e *apitest.Env, to string) []*purse.Message {
	t.Helper()
	var msgs []*purse.Message
	err := e.DB.Read(context.Background(), func(tx purse.Tx) (err error) {
		msgs, err = tx.MessagesTo(context.Background(), to, 50)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

// auditActions lists the audit chain's actions about subject.
func auditActions(t *testing.T, e *apitest.Env, subject string) []string {
	t.Helper()
	var evs []*purse.AuditEvent
	err := e.DB.Read(context.Background(), func(tx purse.Tx) (err error) {
		evs, err = tx.AuditEvents(context.Background(), subject, purse.AuditPos{}, 1000)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.Action
	}
	return out
}
