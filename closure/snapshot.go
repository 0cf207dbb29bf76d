package closure

import (
	"encoding/json"
	"sync"
)

// snapshot is the policy a new request runs under and its JSON as the request stores it.
type snapshot struct {
	policy *Policy
	json   []byte
}

// snapshotKey names one of the few policies Start can give a request: the service's policy as
// it is when Start runs, with or without the SMS code (TP-5's risk signals decide).
type snapshotKey struct {
	base  *Policy
	noSMS bool
}

// snapshots remembers the snapshots made for new requests.
type snapshots struct{ m sync.Map } // snapshotKey → *snapshot

// newSnapshot returns the policy a request started now runs under, and its JSON. Every flow's
// Start encoded the same policy afresh (a fifth of Start's instructions beside its statements,
// issue 19); the two variants of the service's policy are encoded once each. A policy swapped in
// on the Service is a new key. The policies are read-only once made, as policyOf's.
func (s *Service) newSnapshot(noSMS bool) (*snapshot, error) {
	k := snapshotKey{base: s.Policy, noSMS: noSMS}
	if v, ok := s.fresh.m.Load(k); ok {
		return v.(*snapshot), nil
	}
	p := s.policy()
	if noSMS {
		p = p.withoutSMS()
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	v, _ := s.fresh.m.LoadOrStore(k, &snapshot{policy: p, json: b})
	return v.(*snapshot), nil
}
