package purse

import (
	"context"
	"time"
)

// ConsoleQueries end the admin console's operator sessions, which are short-lived operator tokens.
type ConsoleQueries interface {
	// RevokeOperatorToken revokes the token with the hash; revoking an unknown or already revoked
	// token is not an error, so that signing out twice is harmless.
	RevokeOperatorToken(ctx context.Context, tokenHash string, now time.Time) error
}
