package audit

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/jobs"
)

// The chain proves that nothing changed behind an event only to someone who knows a later hash
// from outside the database: an intruder with write access could otherwise rewrite every event and
// recompute every hash. Anchors are those outside copies. purse writes one to its log every hour
// (logs usually leave the machine), and `purse audit verify --anchor SEQ:HASH` checks that a
// recorded anchor is still part of the chain.

// Anchor is an event's seq and hash, written "SEQ:HASH".
type Anchor struct {
	Seq  int64
	Hash string
}

func (a Anchor) String() string { return strconv.FormatInt(a.Seq, 10) + ":" + a.Hash }

// ParseAnchor reads "SEQ:HASH".
func ParseAnchor(s string) (Anchor, error) {
	seq, hash, ok := strings.Cut(s, ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n < 1 || len(hash) != 64 {
		return Anchor{}, fmt.Errorf("anchor %q: want SEQ:HASH (a positive seq and 64 hex digits)", s)
	}
	return Anchor{Seq: n, Hash: strings.ToLower(hash)}, nil
}

// Head returns the chain's current head as an anchor (seq 0 for an empty chain).
func Head(ctx context.Context, store purse.Store) (Anchor, error) {
	var a Anchor
	err := store.Read(ctx, func(tx purse.Tx) error {
		var err error
		a.Seq, a.Hash, err = tx.AuditHead(ctx)
		return err
	})
	return a, err
}

// Holds reports whether the stored event a.Seq still has the hash a.Hash. Together with a whole
// chain (Check), it proves that no event up to a.Seq changed since the anchor was recorded.
func Holds(ctx context.Context, store purse.Store, a Anchor) (bool, error) {
	var events []*purse.AuditEvent
	err := store.Read(ctx, func(tx purse.Tx) error {
		var err error
		events, err = tx.AuditEvents(ctx, "", a.Seq-1, 1)
		return err
	})
	if err != nil {
		return false, err
	}
	return len(events) == 1 && events[0].Seq == a.Seq && events[0].Hash == a.Hash, nil
}

// AnchorTask logs the head every hour, so that copies of it leave the database.
func AnchorTask(store purse.Store, log *slog.Logger) jobs.Task {
	last := Anchor{}
	return jobs.Task{Name: "audit-anchor", Every: time.Hour, Run: func(ctx context.Context) (int, error) {
		a, err := Head(ctx, store)
		if err != nil || a == last || a.Seq == 0 || log == nil {
			return 0, err
		}
		last = a
		log.Info("audit anchor", "anchor", a.String())
		return 1, nil
	}}
}
