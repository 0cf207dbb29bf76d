package vault

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// A data key wrapped before versions existed (nonce ‖ ciphertext, the account id as associated
// data) still opens, as version 1, and a rotation rewraps it under the current version; once
// version 1 leaves the keyring neither form opens, while lookups stay the same.
func TestKeyringVersions(t *testing.T) {
	one := bytes.Repeat([]byte{1}, 32)
	v1, err := New(one)
	if err != nil {
		t.Fatal(err)
	}
	raw := bytes.Repeat([]byte{9}, KeySize)
	legacy := seal(v1.wrap[1], raw, []byte("acct-1"))
	if VersionOf(legacy) != 1 {
		t.Fatalf("legacy form read as version %d", VersionOf(legacy))
	}
	key, err := v1.Unwrap("acct-1", legacy)
	if err != nil {
		t.Fatalf("legacy wrapped key: %v", err)
	}
	sealed := key.Seal("phone", "13800000000")

	ring, err := ParseKeyring("# ours\n1 " + strings.Repeat("01", 32) + "\n2 " + strings.Repeat("02", 32) + "\n")
	if err != nil {
		t.Fatal(err)
	}
	v12, err := Open(ring)
	if err != nil || v12.Current() != 2 {
		t.Fatalf("keyring: current %d, %v", v12.Current(), err)
	}
	_, fresh, _ := v12.NewDataKey("acct-2")
	if VersionOf(fresh) != 2 {
		t.Fatalf("a new key is wrapped under version %d, want 2", VersionOf(fresh))
	}
	rewrapped, changed, err := v12.Rewrap("acct-1", legacy)
	if err != nil || !changed || VersionOf(rewrapped) != 2 {
		t.Fatalf("rewrap: version %d, %v, %v", VersionOf(rewrapped), changed, err)
	}
	if _, changed, _ := v12.Rewrap("acct-1", rewrapped); changed {
		t.Fatal("a key under the current version was rewrapped again")
	}
	if _, err := v12.Unwrap("acct-2", rewrapped); err == nil {
		t.Fatal("a rewrapped key opened for another account")
	}

	rest, err := ParseKeyring(ring.Without(1).Format())
	if err != nil {
		t.Fatal(err)
	}
	if rest.Versions[1] != nil || bytes.Contains([]byte(ring.Without(1).Format()), []byte(strings.Repeat("01", 32))) {
		t.Fatal("version 1 is still in the keyring")
	}
	v2, err := Open(rest)
	if err != nil {
		t.Fatal(err)
	}
	again, err := v2.Unwrap("acct-1", rewrapped)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Open("phone", sealed); err != nil || got != "13800000000" {
		t.Fatalf("the rewrapped key opens %q, %v", got, err)
	}
	for _, w := range [][]byte{legacy, v1.wrapRaw("acct-1", raw)} {
		if _, err := v2.Unwrap("acct-1", w); !errors.Is(err, ErrVersionDestroyed) {
			t.Errorf("a key wrapped under the destroyed version: %v, want ErrVersionDestroyed", err)
		}
	}
	if v1.Lookup("phone", "1") != v2.Lookup("phone", "1") || !bytes.Equal(v1.WebKey(), v2.WebKey()) {
		t.Fatal("the lookup and web keys changed with the versions")
	}
	answer := v1.SealAnswer([]byte("ad"), []byte("x"))
	if _, err := v12.OpenAnswer([]byte("ad"), answer); err != nil {
		t.Fatalf("an answer sealed before the rotation: %v", err)
	}
	for _, bad := range []string{"1 " + strings.Repeat("01", 32) + "\n1 " + strings.Repeat("02", 32), "x " + strings.Repeat("01", 32),
		"2 " + strings.Repeat("02", 32), "1 short"} {
		if _, err := ParseKeyring(bad); err == nil {
			t.Errorf("keyring %q was accepted", bad)
		}
	}
}
