package notify

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
)

// Summary is a message as operators see it: without its body, which may hold a one-time code, and
// with the recipient masked.
type Summary struct {
	ID        string        `json:"id"`
	AccountID string        `json:"account_id,omitempty"`
	Channel   purse.Channel `json:"channel"`
	To        string        `json:"to" doc:"Masked: 139****0001, l***@example.com, https://host/…"`
	Template  string        `json:"template"`
	Language  string        `json:"language"`
	Status    string        `json:"status"`
	Attempts  int           `json:"attempts"`
	LastError string        `json:"last_error,omitempty"`
	CreatedAt time.Time     `json:"created_at"`
	NextAt    time.Time     `json:"next_attempt_at,omitzero"`
	SentAt    time.Time     `json:"sent_at,omitzero"`
}

// List returns messages with the status, newest first, created before the time (zero: any).
func List(ctx context.Context, store purse.Store, status string, before time.Time, limit int) ([]Summary, error) {
	var msgs []*purse.Message
	err := store.Read(ctx, func(tx purse.Tx) error {
		var err error
		msgs, err = tx.MessagesByStatus(ctx, status, before, limit)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, Summary{ID: m.ID, AccountID: m.AccountID, Channel: m.Channel, To: Mask(m.Channel, m.To),
			Template: m.Template, Language: m.Language, Status: m.Status, Attempts: m.Attempts,
			LastError: m.LastError, CreatedAt: m.CreatedAt, NextAt: m.NextAt, SentAt: m.SentAt})
	}
	return out, nil
}

// Requeue sends a failed message again from now, with a fresh count of attempts, once the operator
// has fixed what made it fail (a provider's settings, a platform's endpoint). It is audited as
// admin.outbox.requeue. NOT_FOUND when no failed message has the id.
func Requeue(ctx context.Context, store purse.Store, operatorID, id string) error {
	return store.Tx(ctx, func(tx purse.Tx) error {
		m, err := tx.Message(ctx, id)
		if errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeNotFound, "no message %s", id)
		}
		if err != nil {
			return err
		}
		if err := tx.RequeueMessage(ctx, id, tx.Now()); errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeNotFound, "message %s is %s, not failed", id, m.Status)
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, "operator:"+operatorID, audit.AdminOutboxRequeue, m.AccountID,
			map[string]string{"message_id": id, "template": m.Template, "channel": string(m.Channel)})
	})
}

// Mask hides most of a recipient: the first and last digits of a phone number, the first letter of
// an e-mail's local part, a URL's path.
func Mask(ch purse.Channel, to string) string {
	switch ch {
	case purse.ChannelEmail:
		local, domain, ok := strings.Cut(to, "@")
		if !ok || local == "" {
			return "***"
		}
		_, n := utf8.DecodeRuneInString(local)
		return local[:n] + "***@" + domain
	case purse.ChannelWebhook:
		u, err := url.Parse(to)
		if err != nil || u.Host == "" {
			return "***"
		}
		return u.Scheme + "://" + u.Host + "/…"
	}
	if len(to) < 7 {
		return "***"
	}
	return to[:3] + strings.Repeat("*", len(to)-7) + to[len(to)-4:]
}
