package notify

import (
	"context"
	"errors"

	"github.com/purse-wallet/purse"
)

// Sender delivers messages of one channel. Send must pass m.ID to the provider as its idempotency
// key (the e-mail Message-ID, an Idempotency-Key header), so that a message sent again after a
// crash between sending and marking is one the provider can recognise and drop.
type Sender interface {
	// Name is recorded on each message the sender delivers: "smtp", "sms-webhook", "webhook", "dev".
	Name() string
	// Send delivers m. An error wrapped by Permanent is not retried.
	Send(ctx context.Context, m *purse.Message) error
}

// Permanent marks a delivery error that retrying cannot cure (a rejected address, a 4xx answer), so
// the worker gives the message up at once instead of after every retry.
func Permanent(err error) error { return &permanentError{err} }

type permanentError struct{ err error }

func (p *permanentError) Error() string { return p.err.Error() }
func (p *permanentError) Unwrap() error { return p.err }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// Dev is the sender of channels no provider is configured for: it delivers nothing, and the message
// is marked sent by "dev" so that the demo's dev outbox (GET /api/v1/dev/outbox) can show it.
type Dev struct{}

// Name is "dev".
func (Dev) Name() string { return "dev" }

// Send does nothing: the message stays readable in the outbox table.
func (Dev) Send(context.Context, *purse.Message) error { return nil }
