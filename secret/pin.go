package secret

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// PINs verifies short numeric secrets, the 6-digit payment password, with HMAC-SHA256 under a key
// the database never holds (issue 19; NIST SP 800-63B §5.1.1.2 asks for such a keyed hash beside
// the salt). A slow hash cannot protect a secret of 10^6 values: whoever holds a verifier tries
// them all in minutes even with argon2id, while each honest check costs a payment tens of
// milliseconds of CPU. What protects a PIN is the attempt counter (account.MaxPayFailures) and a
// key kept apart from the verifiers: a database dump alone, without the key, leaves nothing to try
// the million values against. The key is derived from the operator's master key (KeyFromMaster),
// so it lives where the master key lives and no new secret needs handling.
//
// A verifier reads $pin-hmac-sha256$v=1$k=<key id>$<salt>$<mac>: the key id (a fingerprint, not
// the key) says which key made it, so a rotation can verify old verifiers under a retired key and
// rewrite them under the current one (Upgrade). The MAC covers the account id too: a verifier
// copied onto another account's row does not verify there.
//
// Verifiers made by argon2id before this (Hasher's PHC strings) still verify, through Legacy,
// and Upgrade says to replace them on their next successful use.
type PINs struct {
	current pinKey
	retired map[string]pinKey // by id
	legacy  *Hasher
}

type pinKey struct {
	id  string
	key []byte
}

const pinScheme = "pin-hmac-sha256"

// pinLabel derives the payment-password key from the master key; a new label means a new key, and
// every verifier under the old one then needs the old one as retired to verify.
const pinLabel = "purse payment password v1"

// KeyFromMaster derives the payment-password key from the operator's master key, apart from every
// other key derived from it (vault's wrapping and lookup keys use other labels).
func KeyFromMaster(master []byte) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(pinLabel))
	return m.Sum(nil)
}

// NewPINs returns a verifier under key (at least 32 bytes), which also verifies verifiers made
// under the retired keys and, through legacy, argon2id PHC strings; legacy may be nil when none
// remain.
func NewPINs(key []byte, legacy *Hasher, retired ...[]byte) (*PINs, error) {
	if len(key) < 32 {
		return nil, fmt.Errorf("secret: PIN key must be at least 32 bytes, got %d", len(key))
	}
	p := &PINs{current: newPINKey(key), retired: map[string]pinKey{}, legacy: legacy}
	for _, r := range retired {
		if len(r) < 32 {
			return nil, fmt.Errorf("secret: retired PIN key must be at least 32 bytes, got %d", len(r))
		}
		k := newPINKey(r)
		p.retired[k.id] = k
	}
	return p, nil
}

// newPINKey names a key by a fingerprint of 32 bits: enough to tell a handful of keys apart, far
// too little to say anything about the key.
func newPINKey(key []byte) pinKey {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("purse pin key id"))
	return pinKey{id: hex.EncodeToString(m.Sum(nil)[:4]), key: append([]byte(nil), key...)}
}

// Hash returns a new verifier of the account's PIN under the current key, with a fresh salt, so
// that two accounts with one PIN, or one account setting an old PIN again, store different strings.
func (p *PINs) Hash(accountID, pin string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$%s$v=1$k=%s$%s$%s", pinScheme, p.current.id, b64.EncodeToString(salt),
		b64.EncodeToString(pinMAC(p.current.key, accountID, salt, pin)))
}

// pinMAC is HMAC-SHA256(key, "v1" ‖ account id ‖ salt ‖ pin), each part length-prefixed so that no
// two different inputs run together into one.
func pinMAC(key []byte, accountID string, salt []byte, pin string) []byte {
	m := hmac.New(sha256.New, key)
	for _, part := range [][]byte{[]byte("v1"), []byte(accountID), salt, []byte(pin)} {
		m.Write([]byte{byte(len(part) >> 8), byte(len(part))})
		m.Write(part)
	}
	return m.Sum(nil)
}

// ErrPINKeyUnknown is a verifier made under a key this server does not have: the master key is
// not the one that made it, or a retired key is missing. It is a configuration fault, not a wrong
// PIN, and must not count as a failed try.
var ErrPINKeyUnknown = errors.New("secret: payment password made under an unknown key (another master key?)")

var errPINVerifier = errors.New("secret: malformed payment-password verifier")

// Verify reports whether pin matches the account's verifier, comparing in constant time. An
// argon2id verifier is checked through the legacy hasher (tens of milliseconds; see Slow).
func (p *PINs) Verify(ctx context.Context, verifier, accountID, pin string) (bool, error) {
	if strings.HasPrefix(verifier, "$argon2id$") {
		if p.legacy == nil {
			return false, errors.New("secret: an argon2id payment password and no argon2id hasher to check it")
		}
		return p.legacy.Verify(ctx, verifier, pin)
	}
	k, salt, want, err := p.parse(verifier)
	if err != nil {
		return false, err
	}
	return hmac.Equal(pinMAC(k.key, accountID, salt, pin), want), nil
}

// Slow reports whether verifying costs a slow hash (an argon2id verifier from before keyed PINs),
// which a caller keeps out of a write transaction.
func (p *PINs) Slow(verifier string) bool { return strings.HasPrefix(verifier, "$argon2id$") }

// Upgrade reports whether a verifier that just verified should be replaced by Hash of the same
// PIN: it is an argon2id one, or made under a retired key.
func (p *PINs) Upgrade(verifier string) bool {
	k, _, _, err := p.parse(verifier)
	return err != nil || k.id != p.current.id
}

func (p *PINs) parse(verifier string) (pinKey, []byte, []byte, error) {
	parts := strings.Split(verifier, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != pinScheme || parts[2] != "v=1" || !strings.HasPrefix(parts[3], "k=") {
		return pinKey{}, nil, nil, errPINVerifier
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	mac, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) == 0 || len(mac) != sha256.Size {
		return pinKey{}, nil, nil, errPINVerifier
	}
	id := strings.TrimPrefix(parts[3], "k=")
	k, ok := p.current, id == p.current.id
	if !ok {
		k, ok = p.retired[id]
	}
	if !ok {
		return pinKey{}, nil, nil, fmt.Errorf("%w: key %s", ErrPINKeyUnknown, id)
	}
	return k, salt, mac, nil
}
