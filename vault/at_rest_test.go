package vault

import (
	"bytes"
	"errors"
	"testing"
)

// TestSealForShredsWithTheKey: what the store seals for an account opens with its wrapped key and
// with nothing else, and not at all once the key is destroyed; what it seals for no account opens
// while the master-key version lives.
func TestSealForShredsWithTheKey(t *testing.T) {
	v1, err := New(bytes.Repeat([]byte{1}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	_, wrapped, err := v1.NewDataKey("acc-1")
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := v1.SealFor("acc-1", wrapped, "outbox.recipient", []byte("13800138000"))
	if err != nil || bytes.Contains(sealed, []byte("13800138000")) {
		t.Fatalf("seal: %v %q", err, sealed)
	}
	if b, err := v1.OpenFor("acc-1", wrapped, "outbox.recipient", sealed); err != nil || string(b) != "13800138000" {
		t.Fatalf("open: %q %v", b, err)
	}
	if _, err := v1.OpenFor("acc-1", wrapped, "outbox.content", sealed); err == nil {
		t.Error("a sealed recipient opened as content")
	}
	if _, err := v1.OpenFor("acc-1", nil, "outbox.recipient", sealed); !errors.Is(err, ErrShredded) {
		t.Errorf("opened after the key was destroyed: %v", err)
	}
	if _, err := v1.SealFor("acc-1", nil, "outbox.recipient", []byte("x")); !errors.Is(err, ErrShredded) {
		t.Errorf("sealed for a destroyed key: %v", err)
	}
	code, err := v1.SealFor("", nil, "outbox.content", []byte("验证码 314159"))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := v1.OpenFor("", nil, "outbox.content", code); err != nil || string(b) != "验证码 314159" {
		t.Fatalf("open a message of no account: %q %v", b, err)
	}
	v2, err := Open(Keyring{Versions: map[int][]byte{2: bytes.Repeat([]byte{2}, KeySize)}, Lookup: bytes.Repeat([]byte{3}, KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v2.OpenFor("", nil, "outbox.content", code); !errors.Is(err, ErrVersionDestroyed) {
		t.Errorf("a message of no account opened after its version was destroyed: %v", err)
	}
}
