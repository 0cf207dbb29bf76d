package http

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
)

type devOutboxInput struct {
	To string `query:"to" required:"true" minLength:"1" maxLength:"254" doc:"Phone number, e-mail address or webhook URL"`
}

// devMessage is a message as the demo shows it.
type devMessage struct {
	Channel purse.Channel `json:"channel"`
	To      string        `json:"to"`
	Subject string        `json:"subject,omitempty"`
	Body    string        `json:"body"`
	Status  string        `json:"status"`
	SentAt  time.Time     `json:"sent_at,omitzero"`
}

type devOutboxOutput struct {
	Body []devMessage
}

// registerDevOutbox adds GET /api/v1/dev/outbox with --demo only: it shows anyone the messages to
// a recipient, one-time codes included, which is what a demo without real providers needs and what
// a production server must never offer. It is left out of the OpenAPI document.
func (s *Server) registerDevOutbox() {
	if !s.Config.Demo {
		return
	}
	register(s, huma.Operation{
		OperationID: "dev-outbox", Method: http.MethodGet, Path: "/api/v1/dev/outbox", Hidden: true, Security: public,
		Summary: "Messages to a recipient (demo only)", Tags: []string{"Dev"},
	}, func(ctx context.Context, in *devOutboxInput) (*devOutboxOutput, error) {
		var msgs []*purse.Message
		err := s.Store.Read(ctx, func(tx purse.Tx) error {
			var err error
			msgs, err = tx.MessagesTo(ctx, in.To, 50)
			return err
		})
		if err != nil {
			return nil, err
		}
		out := &devOutboxOutput{Body: make([]devMessage, 0, len(msgs))}
		for _, m := range msgs {
			out.Body = append(out.Body, devMessage{Channel: m.Channel, To: m.To, Subject: m.Subject, Body: m.Body,
				Status: m.Status, SentAt: m.SentAt})
		}
		return out, nil
	})
}
