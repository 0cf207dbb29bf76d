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
// recorded anchor is still part of its chain.

// Anchor is an event's chain, seq and hash, written "CHAIN:SEQ:HASH", or "SEQ:HASH" for chain 0 (as
// anchors were written when the log was one chain, so that those kept still parse).
type Anchor struct {
	Chain int
	Seq   int64
	Hash  string
}

func (a Anchor) String() string {
	s := strconv.FormatInt(a.Seq, 10) + ":" + a.Hash
	if a.Chain != 0 {
		s = strconv.Itoa(a.Chain) + ":" + s
	}
	return s
}

// ParseAnchor reads "CHAIN:SEQ:HASH" or "SEQ:HASH" (chain 0).
func ParseAnchor(s string) (Anchor, error) {
	parts := strings.Split(s, ":")
	chain := int64(0)
	var err error
	if len(parts) == 3 {
		chain, err = strconv.ParseInt(parts[0], 10, 32)
		parts = parts[1:]
	}
	if len(parts) != 2 || err != nil || chain < 0 || chain >= Chains {
		return Anchor{}, fmt.Errorf("anchor %q: want CHAIN:SEQ:HASH or SEQ:HASH (chain 0)", s)
	}
	n, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || n < 1 || len(parts[1]) != 64 {
		return Anchor{}, fmt.Errorf("anchor %q: want a positive seq and 64 hex digits", s)
	}
	return Anchor{Chain: int(chain), Seq: n, Hash: strings.ToLower(parts[1])}, nil
}

// Heads returns every chain's current head as an anchor (seq 0 for an empty chain), in chain order.
func Heads(ctx context.Context, store purse.Store) ([]Anchor, error) {
	var hs []purse.AuditHead
	err := store.Read(ctx, func(tx purse.Tx) error {
		var err error
		hs, err = tx.AuditHeads(ctx)
		return err
	})
	as := make([]Anchor, len(hs))
	for i, h := range hs {
		as[i] = Anchor{Chain: h.Chain, Seq: h.Seq, Hash: h.Hash}
	}
	return as, err
}

// Holds reports whether the stored event a.Seq of chain a.Chain still has the hash a.Hash.
// Together with a whole chain (Check), it proves that no event of that chain up to a.Seq changed
// since the anchor was recorded.
func Holds(ctx context.Context, store purse.Store, a Anchor) (bool, error) {
	var events []*purse.AuditEvent
	err := store.Read(ctx, func(tx purse.Tx) error {
		var err error
		events, err = tx.AuditChain(ctx, a.Chain, a.Seq-1, 1)
		return err
	})
	if err != nil {
		return false, err
	}
	return len(events) == 1 && events[0].Seq == a.Seq && events[0].Hash == a.Hash, nil
}

// AnchorTask logs every chain's head that moved, every hour, so that copies of them leave the
// database.
func AnchorTask(store purse.Store, log *slog.Logger) jobs.Task {
	last := map[int]Anchor{}
	return jobs.Task{Name: "audit-anchor", Every: time.Hour, Run: func(ctx context.Context) (int, error) {
		heads, err := Heads(ctx, store)
		if err != nil || log == nil {
			return 0, err
		}
		n := 0
		for _, a := range heads {
			if a == last[a.Chain] || a.Seq == 0 {
				continue
			}
			last[a.Chain] = a
			log.Info("audit anchor", "anchor", a.String())
			n++
		}
		return n, nil
	}}
}
