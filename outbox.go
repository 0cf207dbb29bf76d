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
// every verification attempt (never its secret), every operator action and every purge. The log
// is several chains (issue 19: one head row serialised every audited transaction of every
// instance); an event is numbered and linked within its chain.
type AuditEvent struct {
	Chain    int               `json:"chain"`
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

// AuditPos is a place in the log: an event's chain and seq. The log's order is by chain, then
// seq; AuditPos{} is before every event.
type AuditPos struct {
	Chain int
	Seq   int64
}

// AuditHead is a chain's last event: its seq and hash (0, "" while the chain is empty).
type AuditHead struct {
	Chain int
	Seq   int64
	Hash  string
}

// AuditQueries store the audit chains. The audit package picks the chain and computes the hashes.
type AuditQueries interface {
	// LockAuditHead returns the chain's last seq and hash (0, "" when empty) and locks its head
	// until the transaction ends, so that concurrent appends to it form one chain.
	LockAuditHead(ctx context.Context, chain int) (int64, string, error)
	// LockAuditHeads is LockAuditHead for several chains, given distinct and in ascending order,
	// in one statement; the heads come back in that order.
	LockAuditHeads(ctx context.Context, chains []int) ([]AuditHead, error)
	// InsertAudit stores a hashed event and makes it its chain's head.
	InsertAudit(ctx context.Context, e *AuditEvent) error
	// InsertAudits stores hashed events of one chain or more, each chain's together and in
	// ascending chain order, each chain's the head's successors in order, and makes each chain's
	// last one its head.
	InsertAudits(ctx context.Context, es []*AuditEvent) error
	// AuditEvents lists events after the position in the log's order (chain, then seq), at most
	// limit; subject "" for all. A subject's events are in its chain and, for those recorded before
	// the log had chains, in chain 0 before them.
	AuditEvents(ctx context.Context, subject string, after AuditPos, limit int) ([]*AuditEvent, error)
	// AuditChain lists one chain's events after seq, in order, at most limit.
	AuditChain(ctx context.Context, chain int, after int64, limit int) ([]*AuditEvent, error)
}
