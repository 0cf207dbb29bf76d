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
