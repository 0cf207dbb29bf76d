package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/logs"
)

// Worker delivers the outbox. Each batch is claimed in a short transaction (a lease), sent outside
// any transaction, and settled in a second one: sent, retried later with back-off, or failed after
// MaxAttempts. A worker that dies after sending and before settling leaves the message leased; when
// the lease ends another worker sends it again under the same idempotency key (the message ID), so
// the provider sees at worst a duplicate it can drop (invariant 5).
type Worker struct {
	Store purse.Store
	// Senders by channel; a channel without one goes to Dev.
	Senders map[purse.Channel]Sender
	Log     *slog.Logger

	// Batch and Parallel keep a full batch of timed-out sends at 5 rounds of Timeout (100 s),
	// well inside the lease. A batch costs two commits and two statements whatever its size, so
	// the larger batch is what lets the outbox carry a purge's notices (thousands a minute).
	Batch       int           // messages claimed at once; default 100
	Parallel    int           // sends in flight per batch; default 20
	Lease       time.Duration // how long a claim holds; default 5 minutes, above a full batch of timed-out sends (100 s)
	Timeout     time.Duration // per send; default 20 seconds
	MaxAttempts int           // attempts before a message fails; default 8 (about an hour of retries)
	RetryBase   time.Duration // first back-off; default 30 seconds
	RetryLimit  time.Duration // longest back-off; default 1 hour
	Every       time.Duration // poll interval; default 1 second

	// Observe, when set, hears each outcome ("sent", "retry", "failed", "expired") by channel, for
	// metrics.
	Observe func(ch purse.Channel, outcome string)
}

// outcome of one send.
type outcome struct {
	m      *purse.Message
	sender string
	err    error
}

// Task returns the worker as a job for jobs.Runner.
func (w *Worker) Task() jobs.Task {
	return jobs.Task{Name: "outbox", Every: or(w.Every, time.Second), Batch: orInt(w.Batch, 100), Run: w.Run}
}

// Run claims, sends and settles one batch, returning how many messages it handled.
func (w *Worker) Run(ctx context.Context) (int, error) {
	var claimed, expired []*purse.Message
	batch := orInt(w.Batch, 100)
	err := w.Store.Tx(ctx, func(tx purse.Tx) error {
		var err error
		// Messages past their expiry are marked so first, in the claim's transaction, so that
		// the claim cannot take one. A full batch of them leaves the claim to the next call, which
		// the runner makes at once.
		if expired, err = tx.ExpireMessages(ctx, tx.Now(), batch); err != nil || len(expired) == batch {
			return err
		}
		claimed, err = tx.ClaimMessages(ctx, tx.Now().Add(or(w.Lease, 5*time.Minute)), batch)
		return err
	})
	if err != nil {
		return 0, err
	}
	for _, m := range expired {
		w.report(outcome{m: m}, "expired")
	}
	if len(claimed) == 0 {
		return len(expired), nil
	}
	results := w.sendAll(ctx, claimed)
	if err := w.settle(ctx, results); err != nil {
		// The leases end on their own and the messages are sent again under the same keys.
		return len(expired) + len(claimed), fmt.Errorf("outbox: settle %d messages: %w", len(results), err)
	}
	return len(expired) + len(claimed), nil
}

func (w *Worker) sendAll(ctx context.Context, msgs []*purse.Message) []outcome {
	out := make([]outcome, len(msgs))
	slots := make(chan struct{}, orInt(w.Parallel, 20))
	var wg sync.WaitGroup
	for i, m := range msgs {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			s := w.sender(m.Channel)
			sctx, cancel := context.WithTimeout(ctx, or(w.Timeout, 20*time.Second))
			defer cancel()
			out[i] = outcome{m: m, sender: s.Name(), err: s.Send(sctx, m)}
		}()
	}
	wg.Wait()
	return out
}

func (w *Worker) sender(ch purse.Channel) Sender {
	if s, ok := w.Senders[ch]; ok && s != nil {
		return s
	}
	return Dev{}
}

// settleDeadline bounds the transaction that records a batch's outcomes.
const settleDeadline = 30 * time.Second

// settle records every outcome of a batch in one transaction. A send cut short because the worker is
// stopping is handed back at once: it was not the provider's fault, so it costs no back-off.
func (w *Worker) settle(ctx context.Context, results []outcome) error {
	// Settling still runs when ctx ends (serve shutting down): what was sent must be marked. It
	// gets a deadline of its own rather than the store's for a request (5 s): a settle cut short
	// on a loaded machine leaves sent messages claimed, and they go out again once the lease ends.
	stopping := ctx.Err() != nil
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleDeadline)
	defer cancel()
	var outcomes []string
	err := w.Store.Tx(ctx, func(tx purse.Tx) error {
		outcomes = outcomes[:0]
		// The sent ones, the usual case, are marked in one statement per sender.
		sent := map[string][]string{}
		for _, r := range results {
			if r.err == nil {
				sent[r.sender] = append(sent[r.sender], r.m.ID)
				outcomes = append(outcomes, "sent")
				continue
			}
			o, err := w.settleOne(ctx, tx, r, stopping)
			if err != nil {
				return err
			}
			outcomes = append(outcomes, o)
		}
		for sender, ids := range sent {
			if err := tx.MarkSentAll(ctx, ids, sender, tx.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, r := range results {
		w.report(r, outcomes[i])
	}
	return nil
}

// settleOne settles a send that failed.
func (w *Worker) settleOne(ctx context.Context, tx purse.Tx, r outcome, stopping bool) (string, error) {
	if stopping && errors.Is(r.err, context.Canceled) {
		// Not the provider's fault: hand the message back at once, for this or another instance.
		return "", tx.MarkRetry(ctx, r.m.ID, tx.Now(), "interrupted: purse was stopping")
	}
	msg := logs.Scrub(truncate(r.err.Error(), 500))
	if IsPermanent(r.err) || r.m.Attempts >= orInt(w.MaxAttempts, 8) {
		return "failed", tx.MarkFailed(ctx, r.m.ID, msg)
	}
	next := tx.Now().Add(Backoff(r.m.Attempts, or(w.RetryBase, 30*time.Second), or(w.RetryLimit, time.Hour)))
	return "retry", tx.MarkRetry(ctx, r.m.ID, next, msg)
}

// report logs an outcome by ids only: a recipient never reaches the log.
func (w *Worker) report(r outcome, o string) {
	if o == "" {
		return
	}
	if w.Observe != nil {
		w.Observe(r.m.Channel, o)
	}
	if w.Log == nil {
		return
	}
	attrs := []any{"message", r.m.ID, "channel", string(r.m.Channel), "template", r.m.Template,
		"attempt", r.m.Attempts, "sender", r.sender}
	switch o {
	case "sent":
		w.Log.Debug("message sent", attrs...)
	case "retry":
		w.Log.Warn("message delivery failed; will retry", append(attrs, "error", r.err.Error())...)
	case "failed":
		w.Log.Error("message delivery failed; giving up", append(attrs, "error", r.err.Error())...)
	case "expired":
		w.Log.Info("message expired before it was sent; dropped", "message", r.m.ID, "channel", string(r.m.Channel),
			"template", r.m.Template)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func orInt(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}
