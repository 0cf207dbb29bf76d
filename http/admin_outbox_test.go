package http_test

import (
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

type outboxSummary struct {
	ID, Channel, To, Template, Status string
	LastError                         string `json:"last_error"`
	Attempts                          int
}

// TestAdminOutbox: support lists failed notices without their bodies and with masked recipients,
// and sends one again once the cause is fixed; the requeue is audited.
func TestAdminOutbox(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		agent := apitest.Auth(e.Operator("agent"))
		e.Mailbox().RejectRecipients()
		failed := enqueueNotice(t, e, purse.ChannelEmail, "li.lei@example.com", "zh-CN")
		sent := enqueueNotice(t, e, purse.ChannelSMS, "13900009999", "zh-CN")
		e.RunJobs()

		res := e.Call("GET", "/api/v1/admin/outbox", nil, agent...).Expect(t, 200)
		var list []outboxSummary
		res.JSON(t, &list)
		if len(list) != 1 || list[0].ID != failed.ID || list[0].To != "l***@example.com" || list[0].Status != "failed" ||
			list[0].Attempts != 1 || !strings.Contains(list[0].LastError, "550") {
			t.Fatalf("failed list: %+v", list)
		}
		for _, secret := range []string{"123456", "li.lei", "body"} {
			if strings.Contains(string(res.Body), secret) {
				t.Fatalf("the list shows %q: %s", secret, res.Body)
			}
		}
		list = nil
		e.Call("GET", "/api/v1/admin/outbox?status=sent", nil, agent...).Expect(t, 200).JSON(t, &list)
		if len(list) != 1 || list[0].ID != sent.ID || list[0].To != "139****9999" {
			t.Fatalf("sent list: %+v", list)
		}

		// Only failed messages can be requeued; refusals change nothing.
		e.Call("POST", "/api/v1/admin/outbox/"+sent.ID+"/requeue", nil, agent...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("POST", "/api/v1/admin/outbox/nope/requeue", nil, agent...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("POST", "/api/v1/admin/outbox/"+failed.ID+"/requeue", nil).ExpectProblem(t, 401, "OPERATOR_UNAUTHENTICATED")
		var page auditPage
		e.Call("GET", "/api/v1/admin/audit", nil, agent...).Expect(t, 200).JSON(t, &page)
		if n := len(page.Events); n != 1 {
			t.Fatalf("refused requeues left %d audit events, want only the operator's creation", n)
		}

		mb := e.Mailbox() // the cause is fixed: a server that accepts
		e.Call("POST", "/api/v1/admin/outbox/"+failed.ID+"/requeue", nil, agent...).Expect(t, 204)
		e.RunJobs()
		if got := mb.To(t, "li.lei@example.com"); len(got) != 1 || got[0].Header.Get("Message-Id") != "<"+failed.ID+"@purse.example>" {
			t.Fatalf("after requeue the mailbox holds %+v", got)
		}
		e.Call("GET", "/api/v1/admin/audit", nil, agent...).Expect(t, 200).JSON(t, &page)
		last := page.Events[len(page.Events)-1]
		if last.Action != "admin.outbox.requeue" || last.Data["message_id"] != failed.ID || !strings.HasPrefix(last.Actor, "operator:") {
			t.Fatalf("last audit event: %+v", last)
		}
		e.Call("POST", "/api/v1/admin/outbox/"+failed.ID+"/requeue", nil, agent...).ExpectProblem(t, 404, "NOT_FOUND")
	})
}
