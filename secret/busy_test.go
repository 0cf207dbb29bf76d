package secret

import (
	"context"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
)

// A hash that finds every slot taken waits at most MaxWait, then answers 503 UNAVAILABLE with a
// Retry-After that says the server is busy hashing (issue 17). It used to wait until the request's
// context ended: inside a bound transaction, the store's 5 s deadline, which was then reported as
// a database that did not answer.
func TestHasherRefusesWhenBusy(t *testing.T) {
	t.Parallel()
	h := NewHasher(Params{Memory: 64, Time: 1, Threads: 1}, 1)
	h.MaxWait = 50 * time.Millisecond
	h.slots <- struct{}{} // another request's hash holds the only slot
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := h.Hash(ctx, "correct horse")
	e := purse.AsError(err)
	if e == nil || e.Code != purse.CodeUnavailable || e.RetryAfter <= 0 || ctx.Err() != nil {
		t.Fatalf("a hash with every slot taken: %v (context: %v); want UNAVAILABLE with a Retry-After before the deadline", err, ctx.Err())
	}
	h.release()
	if _, err := h.Hash(ctx, "correct horse"); err != nil {
		t.Fatalf("with a free slot: %v", err)
	}
}
