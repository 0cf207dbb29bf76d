package closure

import (
	"encoding/json"
	"slices"
	"testing"
)

// A new request's policy snapshot is encoded once per variant, is the JSON of the policy it
// names, leaves out the SMS code only in the no-SMS variant, and follows a policy swapped in.
func TestNewSnapshotOncePerVariant(t *testing.T) {
	p, err := Load("tenpay")
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{Policy: p}
	for _, noSMS := range []bool{false, true} {
		a, err := s.newSnapshot(noSMS)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := s.newSnapshot(noSMS)
		if a != b {
			t.Errorf("noSMS=%v: encoded twice", noSMS)
		}
		want, _ := json.Marshal(a.policy)
		if string(a.json) != string(want) {
			t.Errorf("noSMS=%v: snapshot %s, want %s", noSMS, a.json, want)
		}
		if got := slices.Contains(a.policy.Verification["verified"], FactorSMSCode); got == noSMS {
			t.Errorf("noSMS=%v: SMS code asked %v", noSMS, got)
		}
	}
	q, err := Load("strict")
	if err != nil {
		t.Fatal(err)
	}
	s.Policy = q
	c, _ := s.newSnapshot(false)
	if c.policy.Name != q.Name {
		t.Errorf("after the swap the snapshot is of %q, want %q", c.policy.Name, q.Name)
	}
}
