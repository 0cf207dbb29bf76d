package purse

import (
	"context"
	"time"
)

// DeliveryQueries let the outbox workers claim and settle messages. A claim is a lease: the rows
// are locked until a time, so several instances of purse never send one message at once, and a
// worker that dies mid-send leaves a message that another claims again when the lease ends.
type DeliveryQueries interface {
	// ClaimMessages leases up to limit pending messages that are due at the transaction's time and
	// not leased, until the time given, counting one attempt on each. On PostgreSQL concurrent
	// claims skip each other's rows (FOR UPDATE SKIP LOCKED).
	ClaimMessages(ctx context.Context, until time.Time, limit int) ([]*Message, error)
	// ExpireMessages marks expired up to limit pending, unleased messages whose expiry is at or
	// before now, and returns them (ID, Channel and Template only): they are never sent.
	ExpireMessages(ctx context.Context, now time.Time, limit int) ([]*Message, error)
	// MarkSent records a delivery by the named sender and ends the lease.
	MarkSent(ctx context.Context, id, sender string, at time.Time) error
	// MarkSentAll is MarkSent for several messages the same sender delivered, in one statement.
	MarkSentAll(ctx context.Context, ids []string, sender string, at time.Time) error
	// MarkRetry ends the lease and schedules the next attempt.
	MarkRetry(ctx context.Context, id string, next time.Time, lastError string) error
	// MarkFailed gives up on the message.
	MarkFailed(ctx context.Context, id, lastError string) error
	// Message returns the message with id, or ErrNotFound.
	Message(ctx context.Context, id string) (*Message, error)
	// PruneMessages deletes up to limit sent or failed messages created before the time, returning
	// how many: their bodies hold one-time codes and contact details nobody needs once settled.
	PruneMessages(ctx context.Context, before time.Time, limit int) (int, error)
	// MessagesByStatus lists messages with the status, newest first, created before the time
	// (zero: any), at most limit: the operators' view of failed notices.
	MessagesByStatus(ctx context.Context, status string, before time.Time, limit int) ([]*Message, error)
	// RequeueMessage makes a failed message pending again, due at the time, with its attempts reset;
	// ErrNotFound when no failed message has the id.
	RequeueMessage(ctx context.Context, id string, at time.Time) error
	// CountMessages counts messages by status.
	CountMessages(ctx context.Context) (map[string]int, error)
}

// AuditReadQueries read the audit chains' heads without locking them, for verification.
type AuditReadQueries interface {
	// AuditHeads returns every chain's head, in chain order.
	AuditHeads(ctx context.Context) ([]AuditHead, error)
}
