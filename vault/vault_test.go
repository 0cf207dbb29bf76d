package vault_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/purse-wallet/purse/vault"
)

func TestSealOpenAndShred(t *testing.T) {
	v, err := vault.New(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	key, wrapped, err := v.NewDataKey("acct-1")
	if err != nil {
		t.Fatal(err)
	}
	sealed := key.Seal("phone", "13800000000")
	if bytes.Contains(sealed, []byte("13800000000")) {
		t.Fatal("sealed value holds the plaintext")
	}
	again, err := v.Unwrap("acct-1", wrapped)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Open("phone", sealed); err != nil || got != "13800000000" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := again.Open("name", sealed); err == nil {
		t.Fatal("a sealed phone opened as a name")
	}
	if _, err := v.Unwrap("acct-2", wrapped); err == nil {
		t.Fatal("a wrapped key opened for another account")
	}
	if _, err := v.Unwrap("acct-1", nil); !errors.Is(err, vault.ErrShredded) {
		t.Fatalf("destroyed key: %v, want ErrShredded", err)
	}
	other, _ := vault.New(bytes.Repeat([]byte{2}, 32))
	if _, err := other.Unwrap("acct-1", wrapped); err == nil {
		t.Fatal("another master key unwrapped the data key")
	}
	if v.Lookup("phone", "1") == other.Lookup("phone", "1") || v.Lookup("phone", "1") == v.Lookup("email", "1") {
		t.Fatal("lookups must depend on the master key and the kind")
	}
}

func TestMasterKeyFiles(t *testing.T) {
	if _, err := vault.ParseMasterKey("short"); err == nil {
		t.Fatal("a short key was accepted")
	}
	path := filepath.Join(t.TempDir(), "k")
	a, err := vault.LoadOrCreateMasterKey(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := vault.LoadOrCreateMasterKey(path)
	if err != nil || !bytes.Equal(a, b) {
		t.Fatalf("reloaded key differs: %v", err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", fi.Mode().Perm())
	}
}

// A stored answer opens only under its own master key, with its own associated data, unaltered;
// and its key is not the wrapping key.
func TestSealedAnswersOpenOnlyOnTheirRow(t *testing.T) {
	v, err := vault.New(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	ad, answer := []byte("operator:1 POST /api/v1/admin/operators k1"), []byte(`{"token":"secret-token"}`)
	sealed := v.SealAnswer(ad, answer)
	if bytes.Contains(sealed, []byte("secret-token")) {
		t.Fatal("the sealed answer holds the plaintext")
	}
	if bytes.Equal(sealed, v.SealAnswer(ad, answer)) {
		t.Fatal("two seals of one answer are equal: the nonce is not fresh")
	}
	if got, err := v.OpenAnswer(ad, sealed); err != nil || !bytes.Equal(got, answer) {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := v.OpenAnswer([]byte("operator:2 POST /api/v1/admin/operators k1"), sealed); err == nil {
		t.Fatal("an answer opened on another row")
	}
	tampered := append([]byte{}, sealed...)
	tampered[len(tampered)-1] ^= 1
	if _, err := v.OpenAnswer(ad, tampered); err == nil {
		t.Fatal("an altered answer opened")
	}
	if _, err := v.OpenAnswer(ad, sealed[:5]); err == nil {
		t.Fatal("a truncated answer opened")
	}
	other, _ := vault.New(bytes.Repeat([]byte{2}, 32))
	if _, err := other.OpenAnswer(ad, sealed); err == nil {
		t.Fatal("another master key opened the answer")
	}
	// The answers' key is not the wrapping key: a sealed 32-byte answer is no wrapped data key.
	if _, err := v.Unwrap(string(ad), v.SealAnswer(ad, bytes.Repeat([]byte{3}, 32))); err == nil {
		t.Fatal("an answer opened as a wrapped data key")
	}
}
