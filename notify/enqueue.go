// Package notify renders notifications in the recipient's language and puts them in the outbox,
// in the caller's transaction; its workers deliver them by e-mail, SMS or webhook.
package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/i18n"
)

// Notice is what a domain package asks to send.
type Notice struct {
	AccountID string
	Channel   purse.Channel
	To        string
	Template  string // message ids "<Template>.subject" and "<Template>.body" in the catalog
	Language  string
	Data      map[string]string
	// Expires, if set, is when the message stops being worth sending: a one-time code's or a
	// link's own expiry, the moment a reminder's event happens. A message still unsent then is
	// marked expired and never sent (a code that no longer works is only noise, and after a crash
	// it used to arrive minutes late).
	Expires time.Time
}

// Enqueue renders the notice and writes it to the outbox inside tx, so that it is sent if and only
// if the transaction commits. It returns the message (its ID is the delivery idempotency key).
//
// A notice with no recipient is not written and Enqueue returns no message: a wallet whose phone
// number was released to its new holder (AP-9) has no phone to text, and a row addressed to nobody
// would only be retried and marked failed, or, to a provider that takes anything, "sent".
func Enqueue(ctx context.Context, tx purse.Tx, cat *i18n.Catalog, n Notice) (*purse.Message, error) {
	if n.To == "" {
		return nil, nil
	}
	m, err := render(tx, cat, n)
	if err != nil {
		return nil, err
	}
	if err := tx.InsertMessage(ctx, m); err != nil {
		return nil, fmt.Errorf("notify: enqueue %s: %w", n.Template, err)
	}
	return m, nil
}

// EnqueueAll is Enqueue for many notices, written to the outbox in one statement; the messages
// are returned in the notices' order, nil for a notice with no recipient (not written, as in
// Enqueue).
func EnqueueAll(ctx context.Context, tx purse.Tx, cat *i18n.Catalog, ns []Notice) ([]*purse.Message, error) {
	ms := make([]*purse.Message, len(ns))
	var written []*purse.Message
	for i, n := range ns {
		if n.To == "" {
			continue
		}
		m, err := render(tx, cat, n)
		if err != nil {
			return nil, err
		}
		ms[i], written = m, append(written, m)
	}
	if len(written) == 0 {
		return ms, nil
	}
	if err := tx.InsertMessages(ctx, written); err != nil {
		return nil, fmt.Errorf("notify: enqueue %d notices: %w", len(ms), err)
	}
	return ms, nil
}

// render makes the pending message of a notice, in its language.
func render(tx purse.Tx, cat *i18n.Catalog, n Notice) (*purse.Message, error) {
	lang := n.Language
	if lang != i18n.English {
		lang = i18n.Chinese
	}
	params := make(map[string]any, len(n.Data))
	for k, v := range n.Data {
		params[k] = v
	}
	m := &purse.Message{
		ID: purse.NewID(), AccountID: n.AccountID, Channel: n.Channel, To: n.To, Template: n.Template,
		Language: lang, Data: n.Data, Status: "pending", NextAt: tx.Now(), CreatedAt: tx.Now(), ExpiresAt: n.Expires,
		Body: cat.Message(lang, n.Template+".body", params),
	}
	if n.Channel == purse.ChannelEmail {
		m.Subject = cat.Message(lang, n.Template+".subject", params)
	}
	if m.Body == n.Template+".body" {
		return nil, fmt.Errorf("notify: no template %q", n.Template)
	}
	return m, nil
}
