package audit

import (
	"context"
	"fmt"

	"github.com/purse-wallet/purse"
)

// verifyBatch is how many events Verify reads per transaction.
const verifyBatch = 1000

// Result is what Check found.
type Result struct {
	Events      int64  // events checked, in every chain
	Chain       int    // the chain of the first broken event
	FirstBroken int64  // seq in Chain of the first broken event; 0 when every chain is whole
	Reason      string // why it is broken, for the operator
}

// Verify walks every chain and returns the seq of the first broken event, 0 when all are whole.
// err reports only a failure to read.
func Verify(ctx context.Context, store purse.Store) (firstBroken int64, err error) {
	r, err := Check(ctx, store)
	return r.FirstBroken, err
}

// Check walks each chain in batches, from its first event to the head recorded when it began, and
// stops at the first event that breaks one: a seq out of order (an event removed or inserted), a
// prev_hash that is not the hash before it (events reordered or replaced), or a hash that does
// not match the event's content (an event edited). A chain cut short at its end is caught by its
// head, which every append moves. Events appended while Check runs are left for the next check.
func Check(ctx context.Context, store purse.Store) (Result, error) {
	return check(ctx, store, verifyBatch)
}

func check(ctx context.Context, store purse.Store, size int) (Result, error) {
	heads, err := Heads(ctx, store)
	if err != nil {
		return Result{}, fmt.Errorf("audit verify: %w", err)
	}
	var r Result
	for _, h := range heads {
		if err := checkChain(ctx, store, h, size, &r); err != nil || r.FirstBroken != 0 {
			return r, err
		}
	}
	return r, nil
}

// checkChain walks one chain up to its head, counting its events in r and recording in r where
// it breaks.
func checkChain(ctx context.Context, store purse.Store, head Anchor, size int, r *Result) error {
	var prevSeq int64
	prevHash := ""
	for prevSeq < head.Seq {
		var batch []*purse.AuditEvent
		if err := store.Read(ctx, func(tx purse.Tx) error {
			var err error
			batch, err = tx.AuditChain(ctx, head.Chain, prevSeq, size)
			return err
		}); err != nil {
			return fmt.Errorf("audit verify chain %d after %d: %w", head.Chain, prevSeq, err)
		}
		if len(batch) == 0 {
			break
		}
		for _, e := range batch {
			if e.Seq > head.Seq {
				break
			}
			switch {
			case e.Seq != prevSeq+1:
				r.broken(head.Chain, prevSeq+1, fmt.Sprintf("event %d is missing (the next stored event is %d)", prevSeq+1, e.Seq))
				return nil
			case e.PrevHash != prevHash:
				r.broken(head.Chain, e.Seq, fmt.Sprintf("its prev_hash is not the hash of event %d (one of the two was rewritten)", prevSeq))
				return nil
			case Hash(e) != e.Hash:
				r.broken(head.Chain, e.Seq, "its content does not match its hash")
				return nil
			}
			r.Events++
			prevSeq, prevHash = e.Seq, e.Hash
		}
		if len(batch) < size {
			break
		}
	}
	if prevSeq < head.Seq {
		r.broken(head.Chain, prevSeq+1, fmt.Sprintf("the chain ends at %d but its head says %d", prevSeq, head.Seq))
	} else if prevHash != head.Hash {
		r.broken(head.Chain, head.Seq, "the last event's hash is not the one the head recorded")
	}
	return nil
}

func (r *Result) broken(chain int, seq int64, reason string) {
	r.Chain, r.FirstBroken, r.Reason = chain, seq, fmt.Sprintf("chain %d: %s", chain, reason)
}
