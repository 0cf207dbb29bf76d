package purse

import (
	"context"
	"time"
)

// Channel is how a message travels.
type Channel string

// Channels. E-mail is preferred, SMS where there is no e-mail (AP-5); webhooks tell linked
// platforms of a closure (AP-4).
const (
	ChannelEmail   Channel = "email"
	ChannelSMS     Channel = "sms"
	ChannelWebhook Channel = "webhook"
)

// Message is a notification in the outbox. It is written in the same transaction as the event that
// causes it, rendered in the recipient's language, and delivered later by a worker, so a crash
// never loses or doubles one (the ID is the provider's idempotency key).
type Message struct {
	ID        string            `json:"id"`
	AccountID string            `json:"account_id,omitempty"`
	Channel   Channel           `json:"channel"`
	To        string            `json:"to"`       // e-mail address, phone number or webhook URL
	Template  string            `json:"template"` // e.g. "otp", "closure_result"
	Language  string            `json:"language"`
	Subject   string            `json:"subject"`
	Body      string            `json:"body"`
	Data      map[string]string `json:"data,omitempty"` // what the template was rendered with
	Status    string            `json:"status"`         // pending, sent, failed, expired
	Attempts  int               `json:"attempts"`
	NextAt    time.Time         `json:"next_attempt_at"`
	LastError string            `json:"last_error,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	SentAt    time.Time         `json:"sent_at,omitzero"`
	// ExpiresAt, if set, is when the message, still pending, is no longer sent (a code, a link, a
	// reminder); it is written with the message, in the same statement.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// OutboxQueries store outgoing messages.
type OutboxQueries interface {
	InsertMessage(ctx context.Context, m *Message) error
	// InsertMessages stores several messages in one statement (a purge batch's notices).
	InsertMessages(ctx context.Context, ms []*Message) error
	// MessagesTo lists messages to a recipient, newest first (the demo's dev outbox).
	MessagesTo(ctx context.Context, to string, limit int) ([]*Message, error)
}

// AuditEvent is one entry of the append-only, hash-chained audit log: every closure transition,
// every verification attempt (never its secret), every operator action and every purge.
type AuditEvent struct {
	Seq      int64             `json:"seq"`
	ID       string            `json:"id"`
	At       time.Time         `json:"at"`
	Actor    string            `json:"actor"`   // "account:<id>", "operator:<id>", "system"
	Action   string            `json:"action"`  // e.g. "closure.transition", "admin.dispute.open"
	Subject  string            `json:"subject"` // the account id (pseudonymous after purge)
	Data     map[string]string `json:"data,omitempty"`
	PrevHash string            `json:"prev_hash"`
	Hash     string            `json:"hash"`
}

// AuditQueries store the audit chain. The audit package computes the hashes.
type AuditQueries interface {
	// LockAuditHead returns the chain's last seq and hash (0, "" when empty) and locks the head
	// until the transaction ends, so that concurrent appends form one chain.
	LockAuditHead(ctx context.Context) (int64, string, error)
	// InsertAudit stores a hashed event and makes it the head.
	InsertAudit(ctx context.Context, e *AuditEvent) error
	// InsertAudits stores consecutive hashed events, the head's successors in order, and makes
	// the last one the head.
	InsertAudits(ctx context.Context, es []*AuditEvent) error
	// AuditEvents lists events in chain order after seq, at most limit; subject "" for all.
	AuditEvents(ctx context.Context, subject string, after int64, limit int) ([]*AuditEvent, error)
}
