package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/purse-wallet/purse"
)

// The outbox keeps no recipient, subject, body or template data in clear (issue 15): the
// recipient is sealed (recipient_sealed) and found by a keyed hash (recipient_hash), the rest is
// sealed together (content_sealed), both under the account's data key, so that the purge's key
// destruction shreds every copy of them, dead row versions and freed pages included. A message of
// no account (a code sent before sign-up) is sealed under the master key's outbox key. The clear
// columns of migration 00003 are written empty.
const messageColumns = `id, account_id, channel, template, language, status, attempts, next_attempt_at,
	last_error, created_at, sent_at, recipient_sealed, content_sealed`

const insertMessageColumns = messageColumns + `, recipient_hash, recipient, body, expires_at`

// content is what content_sealed holds.
type content struct {
	Subject string            `json:"s,omitempty"`
	Body    string            `json:"b,omitempty"`
	Data    map[string]string `json:"d,omitempty"`
}

// Fields the outbox's values are sealed as (bound into the sealing).
const (
	fieldRecipient = "outbox.recipient"
	fieldContent   = "outbox.content"
)

func (t *tx) InsertMessage(ctx context.Context, m *purse.Message) error {
	return t.InsertMessages(ctx, []*purse.Message{m})
}

func (t *tx) InsertMessages(ctx context.Context, ms []*purse.Message) error {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.AccountID
	}
	keys, err := t.keysOf(ctx, ids)
	if err != nil {
		return fmt.Errorf("storage: insert messages: %w", err)
	}
	const cols = 17
	for start := 0; start < len(ms); start += maxBatchRows {
		part := ms[start:min(start+maxBatchRows, len(ms))]
		args := make([]any, 0, cols*len(part))
		for _, m := range part {
			if m.Status == "" {
				m.Status = "pending"
			}
			to, body, err := sealMessage(keys, m)
			if err != nil {
				return fmt.Errorf("storage: insert message: %w", err)
			}
			args = append(args, m.ID, m.AccountID, string(m.Channel), m.Template, m.Language, m.Status, m.Attempts,
				ts(m.NextAt), m.LastError, ts(m.CreatedAt), ts(m.SentAt), to, body,
				keys.sealer.Lookup("recipient", m.To), "", "", ts(m.ExpiresAt))
		}
		if _, err := t.exec(ctx, `INSERT INTO outbox (`+insertMessageColumns+`) VALUES `+rowsValues(len(part), cols), args...); err != nil {
			return fmt.Errorf("storage: insert messages: %w", t.duplicate(err))
		}
	}
	return nil
}

func sealMessage(keys *keyring, m *purse.Message) (to, body []byte, err error) {
	c, err := json.Marshal(content{Subject: m.Subject, Body: m.Body, Data: m.Data})
	if err != nil {
		return nil, nil, err
	}
	if to, err = keys.seal(m.AccountID, fieldRecipient, []byte(m.To)); err != nil {
		return nil, nil, err
	}
	if body, err = keys.seal(m.AccountID, fieldContent, c); err != nil {
		return nil, nil, err
	}
	return to, body, nil
}

func (t *tx) MessagesTo(ctx context.Context, to string, limit int) ([]*purse.Message, error) {
	if t.db.sealer == nil {
		return nil, errNoSealer
	}
	rows, err := t.query(ctx, `SELECT `+messageColumns+` FROM outbox WHERE recipient_hash = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, t.db.sealer.Lookup("recipient", to), limit)
	return t.messages(ctx, rows, err, "messages to")
}

// sealedMessage is a message as read, before its sealed values are opened.
type sealedMessage struct {
	m           *purse.Message
	to, content []byte
}

func scanMessage(row interface{ Scan(...any) error }) (*sealedMessage, error) {
	var m purse.Message
	var s sealedMessage
	var channel string
	var next, created, sent int64
	err := row.Scan(&m.ID, &m.AccountID, &channel, &m.Template, &m.Language, &m.Status, &m.Attempts, &next,
		&m.LastError, &created, &sent, &s.to, &s.content)
	if err != nil {
		return nil, err
	}
	m.Channel = purse.Channel(channel)
	m.NextAt, m.CreatedAt, m.SentAt = tm(next), tm(created), tm(sent)
	s.m = &m
	return &s, nil
}

// messages scans and opens the messages rows returns. A message whose account's key was
// destroyed (the purge) comes back without recipient or content: there is nothing left to open.
func (t *tx) messages(ctx context.Context, rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}, err error, what string) ([]*purse.Message, error) {
	if err != nil {
		return nil, fmt.Errorf("storage: %s: %w", what, err)
	}
	var sealed []*sealedMessage
	func() {
		defer rows.Close()
		for rows.Next() {
			var s *sealedMessage
			if s, err = scanMessage(rows); err != nil {
				return
			}
			sealed = append(sealed, s)
		}
		err = rows.Err()
	}()
	if err != nil {
		return nil, fmt.Errorf("storage: %s: %w", what, err)
	}
	return t.openMessages(ctx, sealed)
}

func (t *tx) openMessages(ctx context.Context, sealed []*sealedMessage) ([]*purse.Message, error) {
	ids := make([]string, len(sealed))
	for i, s := range sealed {
		ids[i] = s.m.AccountID
	}
	keys, err := t.keysOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*purse.Message, len(sealed))
	for i, s := range sealed {
		out[i] = s.m
		if w, ok := keys.wrapped[s.m.AccountID]; ok && w == nil {
			continue // shredded
		}
		to, err := keys.open(s.m.AccountID, fieldRecipient, s.to)
		if err != nil {
			return nil, fmt.Errorf("storage: message %s: %w", s.m.ID, err)
		}
		s.m.To = string(to)
		b, err := keys.open(s.m.AccountID, fieldContent, s.content)
		if err != nil {
			return nil, fmt.Errorf("storage: message %s: %w", s.m.ID, err)
		}
		if len(b) > 0 {
			var c content
			if err := json.Unmarshal(b, &c); err != nil {
				return nil, fmt.Errorf("storage: message %s: %w", s.m.ID, err)
			}
			s.m.Subject, s.m.Body, s.m.Data = c.Subject, c.Body, c.Data
		}
	}
	return out, nil
}
