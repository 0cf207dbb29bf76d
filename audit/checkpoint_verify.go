package audit

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/purse-wallet/purse"
)

// Kinds of finding VerifyCheckpoints reports.
const (
	FindTruncated = "truncated" // the chain ends before an event a checkpoint signed
	FindRehashed  = "rehashed"  // an event's hash differs from the signed one while the chain holds together: rewritten and recomputed
	FindRewritten = "rewritten" // the chain itself is broken: an event edited, removed or reordered without recomputing
	FindForged    = "forged"    // a checkpoint line whose signature is not the key's
)

// Finding is one thing verification found wrong.
type Finding struct {
	Kind   string
	Seq    int64
	Detail string
}

// Report is what VerifyCheckpoints found: the chain's own check, how many checkpoints held, the
// latest of them, and every finding.
type Report struct {
	Chain    Result
	Head     Anchor
	Checked  int
	Latest   *Checkpoint
	Findings []Finding
}

// OK reports whether nothing was found.
func (r *Report) OK() bool { return len(r.Findings) == 0 }

// VerifyCheckpoints checks the chain (Check) and then that every checkpoint signed by pub still
// holds: its seq is not past the chain's end (else the tail was cut and the head moved back) and
// the stored event at its seq has the signed hash (else the events up to it were rewritten and
// their hashes recomputed, which the chain alone cannot see). A checkpoint of another key is
// reported as forged. The events after the latest checkpoint are covered by the chain only.
func VerifyCheckpoints(ctx context.Context, store purse.Store, pub ed25519.PublicKey, cps []*Checkpoint) (*Report, error) {
	r := &Report{}
	var err error
	if r.Chain, err = Check(ctx, store); err != nil {
		return nil, err
	}
	if r.Chain.FirstBroken != 0 {
		r.Findings = append(r.Findings, Finding{Kind: FindRewritten, Seq: r.Chain.FirstBroken,
			Detail: fmt.Sprintf("the chain breaks at event %d: %s", r.Chain.FirstBroken, r.Chain.Reason)})
	}
	if r.Head, err = Head(ctx, store); err != nil {
		return nil, err
	}
	for _, cp := range cps {
		if !cp.Valid(pub) {
			r.Findings = append(r.Findings, Finding{Kind: FindForged, Seq: cp.Seq,
				Detail: fmt.Sprintf("a checkpoint of seq %d at %s is not signed by key %s", cp.Seq, cp.At.Format("2006-01-02T15:04:05Z07:00"), CheckpointKeyID(pub))})
			continue
		}
		r.Checked++
		if r.Latest == nil || cp.Seq > r.Latest.Seq || (cp.Seq == r.Latest.Seq && cp.At.After(r.Latest.At)) {
			r.Latest = cp
		}
		if cp.Seq == 0 {
			continue
		}
		if cp.Seq > r.Head.Seq {
			r.Findings = append(r.Findings, Finding{Kind: FindTruncated, Seq: cp.Seq,
				Detail: fmt.Sprintf("the chain ends at event %d, but a checkpoint signed at %s has event %d: the tail was cut and the head moved back",
					r.Head.Seq, cp.At.Format("2006-01-02T15:04:05Z07:00"), cp.Seq)})
			continue
		}
		ok, err := Holds(ctx, store, Anchor{Seq: cp.Seq, Hash: cp.Hash})
		if err != nil {
			return nil, err
		}
		if !ok {
			kind := FindRehashed
			if r.Chain.FirstBroken != 0 && r.Chain.FirstBroken <= cp.Seq {
				kind = FindRewritten
			}
			r.Findings = append(r.Findings, Finding{Kind: kind, Seq: cp.Seq,
				Detail: fmt.Sprintf("event %d does not have the hash a checkpoint signed at %s: the events up to it were rewritten, removed or inserted, and the hashes recomputed",
					cp.Seq, cp.At.Format("2006-01-02T15:04:05Z07:00"))})
		}
	}
	return r, nil
}
