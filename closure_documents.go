package purse

import (
	"context"
	"time"
)

// DocumentLink opens a closed request's signed documents (the closure certificate and, once the
// purge ran, the erasure receipt) without signing in: a closed account cannot sign in, and a user
// without e-mail gets the link by SMS (issue 16). Only the token's hash is stored.
type DocumentLink struct {
	TokenHash string
	ClosureID string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// ErasureReceipt is the signed statement that the personal-data purge erased a closed account's
// data (a compact JWS, see package certificate), issued in the erasing transaction.
type ErasureReceipt struct {
	ClosureID string
	AccountID string
	Receipt   []byte
	IssuedAt  time.Time
}

// DocumentQueries store document links and erasure receipts.
type DocumentQueries interface {
	// InsertDocumentLink stores a link.
	InsertDocumentLink(ctx context.Context, l *DocumentLink) error
	// DocumentLink returns the link whose token hashes to tokenHash, expired or not; ErrNotFound
	// when there is none.
	DocumentLink(ctx context.Context, tokenHash string) (*DocumentLink, error)
	// PurgeDocumentLinks deletes the links that expired before the time, returning how many.
	PurgeDocumentLinks(ctx context.Context, before time.Time) (int, error)
	// InsertDocumentLinks stores links in one statement per chunk.
	InsertDocumentLinks(ctx context.Context, ls []*DocumentLink) error
	// ClosedClosures lists the closed requests of the accounts (ID, AccountID, Policy, CreatedAt
	// and ClosedAt filled), oldest closure first, for the purge's batch.
	ClosedClosures(ctx context.Context, accountIDs []string) ([]*ClosureRequest, error)
	// InsertErasureReceipts stores receipts, leaving a request's existing one as it is.
	InsertErasureReceipts(ctx context.Context, rs []*ErasureReceipt) error
	// ErasureReceipt returns a request's receipt, or ErrNotFound before the purge ran.
	ErasureReceipt(ctx context.Context, closureID string) (*ErasureReceipt, error)
}
