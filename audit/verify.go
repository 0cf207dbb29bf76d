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
	Events      int64  // events checked
	FirstBroken int64  // seq of the first broken event; 0 when the chain is whole
	Reason      string // why it is broken, for the operator
}

// Verify walks the whole chain and returns the seq of the first broken event, 0 when the chain is
// whole. err reports only a failure to read.
func Verify(ctx context.Context, store purse.Store) (firstBroken int64, err error) {
	r, err := Check(ctx, store)
	return r.FirstBroken, err
}

// Check walks the chain in batches, from the first event to the head recorded when it began, and
// stops at the first event that breaks it: a seq out of order (an event removed or inserted), a
// prev_hash that is not the hash before it (events reordered or replaced), or a hash that does
// not match the event's content (an event edited). A chain cut short at its end is caught by the
// head, which every append moves. Events appended while Check runs are left for the next check.
func Check(ctx context.Context, store purse.Store) (Result, error) {
	return check(ctx, store, verifyBatch)
}

func check(ctx context.Context, store purse.Store, size int) (Result, error) {
	var headSeq int64
	var headHash string
	if err := store.Read(ctx, func(tx purse.Tx) error {
		var err error
		headSeq, headHash, err = tx.AuditHead(ctx)
		return err
	}); err != nil {
		return Result{}, fmt.Errorf("audit verify: %w", err)
	}
	var r Result
	var prevSeq int64
	prevHash := ""
	for prevSeq < headSeq {
		var batch []*purse.AuditEvent
		if err := store.Read(ctx, func(tx purse.Tx) error {
			var err error
			batch, err = tx.AuditEvents(ctx, "", prevSeq, size)
			return err
		}); err != nil {
			return r, fmt.Errorf("audit verify after %d: %w", prevSeq, err)
		}
		if len(batch) == 0 {
			break
		}
		for _, e := range batch {
			if e.Seq > headSeq {
				break
			}
			switch {
			case e.Seq != prevSeq+1:
				return r.broken(prevSeq+1, fmt.Sprintf("event %d is missing (the next stored event is %d)", prevSeq+1, e.Seq)), nil
			case e.PrevHash != prevHash:
				return r.broken(e.Seq, fmt.Sprintf("its prev_hash is not the hash of event %d (one of the two was rewritten)", prevSeq)), nil
			case Hash(e) != e.Hash:
				return r.broken(e.Seq, "its content does not match its hash"), nil
			}
			r.Events++
			prevSeq, prevHash = e.Seq, e.Hash
		}
		if len(batch) < size {
			break
		}
	}
	if prevSeq < headSeq {
		return r.broken(prevSeq+1, fmt.Sprintf("the chain ends at %d but its head says %d", prevSeq, headSeq)), nil
	}
	if prevHash != headHash {
		return r.broken(headSeq, "the last event's hash is not the one the head recorded"), nil
	}
	return r, nil
}

func (r Result) broken(seq int64, reason string) Result {
	r.FirstBroken, r.Reason = seq, reason
	return r
}
