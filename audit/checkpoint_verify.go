package audit

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/purse-wallet/purse"
)

// Kinds of finding VerifyCheckpoints reports.
const (
	FindTruncated = "truncated" // a chain ends before an event a checkpoint signed
	FindRehashed  = "rehashed"  // an event's hash differs from the signed one while the chain holds together: rewritten and recomputed
	FindRewritten = "rewritten" // a chain itself is broken: an event edited, removed or reordered without recomputing
	FindForged    = "forged"    // a checkpoint line whose signature is not the key's
)

// Finding is one thing verification found wrong: where (a chain and an event's seq in it) and why.
type Finding struct {
	Kind   string
	Chain  int
	Seq    int64
	Detail string
}

// Report is what VerifyCheckpoints found: the chains' own check, their heads, how many checkpoints
// held, the latest of them, and every finding.
type Report struct {
	Chain    Result
	Heads    []Anchor
	Checked  int
	Latest   *Checkpoint
	Findings []Finding
}

// OK reports whether nothing was found.
func (r *Report) OK() bool { return len(r.Findings) == 0 }

// Events is how many events the chains hold.
func (r *Report) Events() int64 {
	var n int64
	for _, h := range r.Heads {
		n += h.Seq
	}
	return n
}

// VerifyCheckpoints checks the chains (Check) and then that every head every checkpoint signed by
// pub names still holds: its seq is not past its chain's end (else the tail was cut and the head
// moved back) and the stored event at its seq has the signed hash (else the events up to it were
// rewritten and their hashes recomputed, which the chain alone cannot see). A version 1
// checkpoint names chain 0's head only. A checkpoint of another key is reported as forged. The
// events after the latest checkpoint are covered by their chains only.
func VerifyCheckpoints(ctx context.Context, store purse.Store, pub ed25519.PublicKey, cps []*Checkpoint) (*Report, error) {
	r := &Report{}
	var err error
	if r.Chain, err = Check(ctx, store); err != nil {
		return nil, err
	}
	if r.Chain.FirstBroken != 0 {
		r.Findings = append(r.Findings, Finding{Kind: FindRewritten, Chain: r.Chain.Chain, Seq: r.Chain.FirstBroken,
			Detail: fmt.Sprintf("chain %d breaks at event %d: %s", r.Chain.Chain, r.Chain.FirstBroken, r.Chain.Reason)})
	}
	if r.Heads, err = Heads(ctx, store); err != nil {
		return nil, err
	}
	heads := make(map[int]Anchor, len(r.Heads))
	for _, h := range r.Heads {
		heads[h.Chain] = h
	}
	for _, cp := range cps {
		at := cp.At.Format("2006-01-02T15:04:05Z07:00")
		if !cp.Valid(pub) {
			r.Findings = append(r.Findings, Finding{Kind: FindForged,
				Detail: fmt.Sprintf("a checkpoint at %s is not signed by key %s", at, CheckpointKeyID(pub))})
			continue
		}
		r.Checked++
		if r.Latest == nil || cp.At.After(r.Latest.At) {
			r.Latest = cp
		}
		for _, a := range cp.Anchors() {
			f, err := r.signed(ctx, store, heads[a.Chain], a, at)
			if err != nil {
				return nil, err
			}
			if f != nil {
				r.Findings = append(r.Findings, *f)
			}
		}
	}
	return r, nil
}

// signed checks one head a checkpoint signed at the time against its chain's head now.
func (r *Report) signed(ctx context.Context, store purse.Store, head, a Anchor, at string) (*Finding, error) {
	if a.Seq == 0 {
		return nil, nil
	}
	if a.Seq > head.Seq {
		return &Finding{Kind: FindTruncated, Chain: a.Chain, Seq: a.Seq,
			Detail: fmt.Sprintf("chain %d ends at event %d, but a checkpoint signed at %s has event %d: the tail was cut and the head moved back",
				a.Chain, head.Seq, at, a.Seq)}, nil
	}
	ok, err := Holds(ctx, store, a)
	if err != nil || ok {
		return nil, err
	}
	kind := FindRehashed
	if r.Chain.FirstBroken != 0 && r.Chain.Chain == a.Chain && r.Chain.FirstBroken <= a.Seq {
		kind = FindRewritten
	}
	return &Finding{Kind: kind, Chain: a.Chain, Seq: a.Seq,
		Detail: fmt.Sprintf("event %d of chain %d does not have the hash a checkpoint signed at %s: the events up to it were rewritten, removed or inserted, and the hashes recomputed",
			a.Seq, a.Chain, at)}, nil
}
