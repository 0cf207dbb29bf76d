package http_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/bank"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/notify"
)

type devMessage struct {
	Channel string `json:"channel"`
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	Status  string `json:"status"`
	SentAt  string `json:"sent_at"`
}

func enqueueNotice(t *testing.T, e *apitest.Env, ch purse.Channel, to, lang string) *purse.Message {
	t.Helper()
	ctx := context.Background()
	var m *purse.Message
	if err := e.DB.Tx(ctx, func(tx purse.Tx) error {
		var err error
		m, err = notify.Enqueue(ctx, tx, e.App.Catalog, notify.Notice{Channel: ch, To: to, Template: "test_notice",
			Language: lang, Data: map[string]string{"Note": "123456"}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestDevOutbox: with --demo and no providers, the app's outbox job delivers to the dev outbox and
// GET /api/v1/dev/outbox shows the messages to a recipient, and only to that recipient.
func TestDevOutbox(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		enqueueNotice(t, e, purse.ChannelEmail, "li.lei@example.com", "zh-CN")
		enqueueNotice(t, e, purse.ChannelSMS, "13900009999", "en")
		for _, task := range e.App.Jobs {
			jobs.RunOnce(context.Background(), task, nil)
		}
		var got []devMessage
		e.Call("GET", "/api/v1/dev/outbox?to="+url.QueryEscape("li.lei@example.com"), nil).Expect(t, 200).JSON(t, &got)
		if len(got) != 1 || got[0].Channel != "email" || got[0].Subject != "purse 测试通知" || got[0].Status != "sent" ||
			got[0].SentAt == "" || got[0].Body != "您好，这是一条来自 purse 的测试通知：123456。如非本人操作，请忽略。" {
			t.Fatalf("e-mail outbox: %+v", got)
		}
		got = nil
		e.Call("GET", "/api/v1/dev/outbox?to=13900009999", nil).Expect(t, 200).JSON(t, &got)
		if len(got) != 1 || got[0].Channel != "sms" || got[0].Subject != "" || got[0].To != "13900009999" ||
			got[0].Body != "Hello, this is a test notice from purse: 123456. If you did not expect it, please ignore it." {
			t.Fatalf("SMS outbox: %+v", got)
		}
		got = nil
		e.Call("GET", "/api/v1/dev/outbox?to=13900000000", nil).Expect(t, 200).JSON(t, &got)
		if len(got) != 0 {
			t.Fatalf("someone else's outbox: %+v", got)
		}
		e.Call("GET", "/api/v1/dev/outbox", nil).ExpectProblem(t, 422, "INVALID_REQUEST")
	})
}

// TestDevOutboxNeedsDemo: without --demo the route does not exist.
func TestDevOutboxNeedsDemo(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite", func(c *app.Config) { c.HTTP.Demo, c.Gateway = false, bank.Sandbox{} })
	enqueueNotice(t, e, purse.ChannelSMS, "13900009998", "zh-CN")
	e.Call("GET", "/api/v1/dev/outbox?to=13900009998", nil).ExpectProblem(t, 404, "NOT_FOUND")
}

// TestMailThroughApp: the app's outbox job delivers over real SMTP to an in-process server, with
// the message's Message-ID derived from its outbox id; the dev outbox shows it as sent.
func TestMailThroughApp(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		mb := e.Mailbox()
		m := enqueueNotice(t, e, purse.ChannelEmail, "han.meimei@example.com", "en")
		e.RunJobs()
		e.RunJobs()
		got := mb.To(t, "han.meimei@example.com")
		if len(got) != 1 || got[0].Subject != "purse test notice" || got[0].Header.Get("Content-Language") != "en" ||
			got[0].Header.Get("Message-Id") != "<"+m.ID+"@purse.example>" ||
			got[0].Body != "Hello, this is a test notice from purse: 123456. If you did not expect it, please ignore it." {
			t.Fatalf("mailbox: %+v", got)
		}
		var shown []devMessage
		e.Call("GET", "/api/v1/dev/outbox?to=han.meimei@example.com", nil).Expect(t, 200).JSON(t, &shown)
		if len(shown) != 1 || shown[0].Status != "sent" {
			t.Fatalf("dev outbox: %+v", shown)
		}
	})
}
