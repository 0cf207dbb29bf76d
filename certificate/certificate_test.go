package certificate

import (
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	t.Parallel()
	s, err := Parse(strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	st := &Statement{Version: 1, AccountID: "a1", ClosedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		Erased: []string{"sessions"}, Kept: []Kept{{What: "ledger", Why: "AML", Until: time.Date(2031, 3, 2, 0, 0, 0, 0, time.UTC)}}}
	raw, err := s.Sign(st)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Verify(s.Public(), raw)
	if err != nil || got.AccountID != "a1" || got.Kept[0].What != "ledger" {
		t.Fatalf("verify: %v %+v", err, got)
	}
	tampered := []byte(strings.Replace(string(raw), `\"a1\"`, `\"a2\"`, 1))
	if !strings.Contains(string(raw), `"account_id":"a1"`) {
		tampered = []byte(strings.Replace(string(raw), `"a1"`, `"a2"`, 1))
	}
	if _, err := Verify(s.Public(), tampered); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("tampered certificate verified: %v", err)
	}
	other := ed25519.NewKeyFromSeed(make([]byte, 32))
	if _, err := Verify(other.Public().(ed25519.PublicKey), raw); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("other key verified: %v", err)
	}
}
