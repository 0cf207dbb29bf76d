package verify

import (
	"context"
	"errors"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/secret"
)

// LinkTTL is how long an e-mail confirmation link works (IM-2).
const LinkTTL = 24 * time.Hour

// IssueLink stores a single-use link token for the account and purpose and returns the token to
// put in the e-mail; only its SHA-256 is kept.
func IssueLink(ctx context.Context, tx purse.Tx, accountID, purpose string) (string, error) {
	token := secret.NewToken("pcl_")
	now := tx.Now()
	err := tx.InsertLink(ctx, &purse.EmailLink{TokenHash: secret.HashToken(token), AccountID: accountID,
		Purpose: purpose, CreatedAt: now, ExpiresAt: now.Add(LinkTTL)})
	return token, err
}

// TakeLink uses up a link and returns it. Errors: LINK_INVALID (unknown, used or expired).
func TakeLink(ctx context.Context, tx purse.Tx, token string) (*purse.EmailLink, error) {
	if len(token) < 10 || len(token) > 100 {
		return nil, purse.Errorf(purse.CodeLinkInvalid, "malformed token")
	}
	l, err := tx.TakeLink(ctx, secret.HashToken(token), tx.Now())
	if errors.Is(err, purse.ErrNotFound) {
		return nil, purse.Errorf(purse.CodeLinkInvalid, "unknown or used link")
	}
	if err != nil {
		return nil, err
	}
	if !tx.Now().Before(l.ExpiresAt) {
		return nil, purse.Errorf(purse.CodeLinkInvalid, "expired link")
	}
	return l, nil
}
