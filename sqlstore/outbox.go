package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/purse-wallet/purse"
)

const messageColumns = `id, account_id, channel, recipient, template, language, subject, body, data, status,
	attempts, next_attempt_at, last_error, created_at, sent_at`

func (t *tx) InsertMessage(ctx context.Context, m *purse.Message) error {
	data, err := json.Marshal(m.Data)
	if err != nil {
		return err
	}
	if m.Status == "" {
		m.Status = "pending"
	}
	_, err = t.exec(ctx, `INSERT INTO outbox (`+messageColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		m.ID, m.AccountID, string(m.Channel), m.To, m.Template, m.Language, m.Subject, m.Body, string(data),
		m.Status, m.Attempts, ts(m.NextAt), m.LastError, ts(m.CreatedAt), ts(m.SentAt))
	if err != nil {
		return fmt.Errorf("storage: insert message: %w", t.duplicate(err))
	}
	return nil
}

func (t *tx) InsertMessages(ctx context.Context, ms []*purse.Message) error {
	for start := 0; start < len(ms); start += maxBatchRows {
		part := ms[start:min(start+maxBatchRows, len(ms))]
		args := make([]any, 0, 15*len(part))
		for _, m := range part {
			data, err := json.Marshal(m.Data)
			if err != nil {
				return err
			}
			if m.Status == "" {
				m.Status = "pending"
			}
			args = append(args, m.ID, m.AccountID, string(m.Channel), m.To, m.Template, m.Language, m.Subject,
				m.Body, string(data), m.Status, m.Attempts, ts(m.NextAt), m.LastError, ts(m.CreatedAt), ts(m.SentAt))
		}
		if _, err := t.exec(ctx, `INSERT INTO outbox (`+messageColumns+`) VALUES `+rowsValues(len(part), 15), args...); err != nil {
			return fmt.Errorf("storage: insert messages: %w", t.duplicate(err))
		}
	}
	return nil
}

func (t *tx) MessagesTo(ctx context.Context, to string, limit int) ([]*purse.Message, error) {
	rows, err := t.query(ctx, `SELECT `+messageColumns+` FROM outbox WHERE recipient = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, to, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: messages to: %w", err)
	}
	defer rows.Close()
	var out []*purse.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func scanMessage(row interface{ Scan(...any) error }) (*purse.Message, error) {
	var m purse.Message
	var channel, data string
	var next, created, sent int64
	err := row.Scan(&m.ID, &m.AccountID, &channel, &m.To, &m.Template, &m.Language, &m.Subject, &m.Body,
		&data, &m.Status, &m.Attempts, &next, &m.LastError, &created, &sent)
	if err != nil {
		return nil, err
	}
	m.Channel = purse.Channel(channel)
	m.NextAt, m.CreatedAt, m.SentAt = tm(next), tm(created), tm(sent)
	if err := json.Unmarshal([]byte(data), &m.Data); err != nil {
		return nil, fmt.Errorf("storage: message data: %w", err)
	}
	return &m, nil
}
