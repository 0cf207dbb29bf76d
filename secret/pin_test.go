package secret_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/purse-wallet/purse/secret"
)

func pins(t *testing.T, master byte, retired ...[]byte) *secret.PINs {
	t.Helper()
	legacy := secret.NewHasher(secret.Params{Memory: 1024, Time: 1, Threads: 1}, 1)
	p, err := secret.NewPINs(secret.KeyFromMaster(bytes.Repeat([]byte{master}, 32)), legacy, retired...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPINVerifier(t *testing.T) {
	ctx := context.Background()
	p := pins(t, 1)
	v := p.Hash("acct-1", "135790")
	if !strings.HasPrefix(v, "$pin-hmac-sha256$v=1$k=") || strings.Contains(v, "135790") {
		t.Fatalf("verifier %q", v)
	}
	if ok, err := p.Verify(ctx, v, "acct-1", "135790"); !ok || err != nil {
		t.Fatalf("right PIN: %v %v", ok, err)
	}
	if ok, err := p.Verify(ctx, v, "acct-1", "135791"); ok || err != nil {
		t.Fatalf("wrong PIN: %v %v", ok, err)
	}
	// Bound to the account: a verifier copied onto another account's row does not verify there.
	if ok, _ := p.Verify(ctx, v, "acct-2", "135790"); ok {
		t.Fatal("a verifier verified for another account")
	}
	if p.Hash("acct-1", "135790") == v {
		t.Fatal("two verifiers of one PIN are equal: no salt")
	}
	if p.Slow(v) || p.Upgrade(v) {
		t.Fatal("a current keyed verifier is slow or wants an upgrade")
	}
	for _, bad := range []string{"", "$pin-hmac-sha256$v=1$k=00$AA$AA", "$pin-hmac-sha256$v=2$k=00$AAAA$" + strings.Repeat("A", 43), "$argon2i$x"} {
		if _, err := p.Verify(ctx, bad, "acct-1", "135790"); err == nil {
			t.Errorf("malformed verifier %q accepted", bad)
		}
	}
}

// An argon2id verifier from before keyed PINs verifies through the legacy hasher and asks to be
// upgraded; the verifier that replaces it is keyed.
func TestPINVerifierUpgradesArgon2id(t *testing.T) {
	ctx := context.Background()
	p := pins(t, 1)
	old, err := secret.NewHasher(secret.Params{Memory: 1024, Time: 1, Threads: 1}, 1).Hash(ctx, "135790")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := p.Verify(ctx, old, "acct-1", "135790"); !ok || err != nil {
		t.Fatalf("argon2id verifier, right PIN: %v %v", ok, err)
	}
	if ok, _ := p.Verify(ctx, old, "acct-1", "000000"); ok {
		t.Fatal("argon2id verifier, wrong PIN verified")
	}
	if !p.Slow(old) || !p.Upgrade(old) {
		t.Fatal("an argon2id verifier is not slow or does not want an upgrade")
	}
	noLegacy, err := secret.NewPINs(secret.KeyFromMaster(bytes.Repeat([]byte{1}, 32)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := noLegacy.Verify(ctx, old, "acct-1", "135790"); err == nil {
		t.Fatal("an argon2id verifier passed without an argon2id hasher")
	}
}

// Another master key cannot check a verifier (an error, not a wrong PIN, so that a misconfigured
// server counts no failures); with the old key kept as retired, the verifier checks and asks to be
// rewritten under the current key.
func TestPINVerifierKeys(t *testing.T) {
	ctx := context.Background()
	v := pins(t, 1).Hash("acct-1", "135790")
	if _, err := pins(t, 2).Verify(ctx, v, "acct-1", "135790"); !errors.Is(err, secret.ErrPINKeyUnknown) {
		t.Fatalf("another key: %v, want ErrPINKeyUnknown", err)
	}
	rotated := pins(t, 2, secret.KeyFromMaster(bytes.Repeat([]byte{1}, 32)))
	if ok, err := rotated.Verify(ctx, v, "acct-1", "135790"); !ok || err != nil {
		t.Fatalf("retired key: %v %v", ok, err)
	}
	if !rotated.Upgrade(v) || rotated.Upgrade(rotated.Hash("acct-1", "135790")) {
		t.Fatal("Upgrade must ask for the retired key's verifier only")
	}
	if _, err := secret.NewPINs(make([]byte, 16), nil); err == nil {
		t.Fatal("a 16-byte PIN key was accepted")
	}
}

// What a database dump gives an attacker: the verifier and the account id. With the operator's key
// the whole PIN space falls in a second (which is why the attempt counter and the key, not the
// hash's cost, protect a PIN); without it, trying every PIN against the dump's salt and MAC under a
// key of the attacker's own matches nothing. -short searches the first 20,000 PINs, which hold it.
func TestPINDumpWithoutKeyFindsNothing(t *testing.T) {
	ctx := context.Background()
	operator := pins(t, 1)
	const pin = "014271"
	space := 1_000_000
	if testing.Short() {
		space = 20_000
	}
	v := operator.Hash("acct-1", pin)
	found := func(p *secret.PINs, verifier string) []string {
		var hits []string
		for n := range space {
			guess := fmt.Sprintf("%06d", n)
			if ok, err := p.Verify(ctx, verifier, "acct-1", guess); err != nil {
				t.Fatal(err)
			} else if ok {
				hits = append(hits, guess)
			}
		}
		return hits
	}
	if hits := found(operator, v); len(hits) != 1 || hits[0] != pin {
		t.Fatalf("with the key the search found %v, want [%s]", hits, pin)
	}
	// The attacker's replica of the scheme: the dump's salt and MAC under a key id of their own.
	attacker := pins(t, 9)
	forged := strings.Join(append(strings.Split(attacker.Hash("acct-1", "000000"), "$")[:4],
		strings.Split(v, "$")[4:]...), "$")
	if hits := found(attacker, forged); len(hits) != 0 {
		t.Fatalf("without the key the search found %v", hits)
	}
}
