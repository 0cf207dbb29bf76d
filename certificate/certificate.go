// Package certificate issues and verifies purse's signed documents (DESIGN.md §8): the closure
// certificate, which states what a closure closed, what it will erase and when, and what is kept,
// why and until when; and the erasure receipt, which states that the personal-data purge ran.
// Both are built from facts (what this closure and this purge did) and from the retention settings
// the purge itself runs under (lifecycle.Policy), never from fixed text.
//
// A document is a JWS (RFC 7515) in compact serialization, signed with EdDSA (Ed25519), whose
// payload is the statement as canonical JSON (RFC 8785). The public key is published as a JWKS at
// /.well-known/jwks.json under the key id in the JWS header, so any JOSE library can check it;
// docs/closure-api.md defines every field.
package certificate

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/purse-wallet/purse/lifecycle"
)

// Type is the JWS "typ" header of purse's documents.
const Type = "purse-statement+jws"

// Signer signs statements and knows the settings they state: the retention policy the purge runs
// under, the issuer (the public base URL, whose /.well-known/jwks.json has the key) and the zone
// times are shown in.
type Signer struct {
	Key       ed25519.PrivateKey
	Retention lifecycle.Policy
	Issuer    string
	Location  *time.Location
}

// KeyID is the key's RFC 7638 JWK thumbprint (SHA-256, base64url): the "kid" of its documents.
func KeyID(pub ed25519.PublicKey) string {
	jwk := jose.JSONWebKey{Key: pub}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(tp)
}

// Public returns the verifying key.
func (s *Signer) Public() ed25519.PublicKey { return s.Key.Public().(ed25519.PublicKey) }

// JWKS is the public key set to publish at /.well-known/jwks.json.
func (s *Signer) JWKS() jose.JSONWebKeySet {
	return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: s.Public(), KeyID: KeyID(s.Public()), Algorithm: string(jose.EdDSA), Use: "sig"}}}
}

// Sign returns the statement as a compact JWS over its canonical JSON.
func (s *Signer) Sign(st *Statement) ([]byte, error) {
	payload, err := st.Canonical()
	if err != nil {
		return nil, err
	}
	js, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA,
		Key: jose.JSONWebKey{Key: s.Key, KeyID: KeyID(s.Public())}}, (&jose.SignerOptions{}).WithType(Type))
	if err != nil {
		return nil, err
	}
	obj, err := js.Sign(payload)
	if err != nil {
		return nil, err
	}
	out, err := obj.CompactSerialize()
	return []byte(out), err
}

// ErrBadSignature means the document was altered or signed by another key.
var ErrBadSignature = errors.New("certificate: signature does not verify")

// Verify checks a compact JWS against the key set and returns its statement and the key id that
// signed it. The payload must be the canonical JSON of a statement: bytes that verify but are not
// in that form are refused, so there is one signed form per statement.
func Verify(keys jose.JSONWebKeySet, raw []byte) (*Statement, string, error) {
	obj, err := jose.ParseSignedCompact(strings.TrimSpace(string(raw)), []jose.SignatureAlgorithm{jose.EdDSA})
	if err != nil {
		return nil, "", fmt.Errorf("certificate: not a JWS: %w", err)
	}
	if len(obj.Signatures) != 1 {
		return nil, "", ErrBadSignature
	}
	kid := obj.Signatures[0].Header.KeyID
	found := keys.Key(kid)
	if len(found) == 0 {
		return nil, kid, fmt.Errorf("certificate: key %q is not in the key set", kid)
	}
	var payload []byte
	for _, k := range found {
		if pub, ok := k.Key.(ed25519.PublicKey); ok {
			if payload, err = obj.Verify(pub); err == nil {
				break
			}
		}
	}
	if payload == nil {
		return nil, kid, ErrBadSignature
	}
	st, err := Parse(payload)
	if err != nil {
		return nil, kid, err
	}
	return st, kid, nil
}

// KeySet is a key set holding one public key.
func KeySet(pub ed25519.PublicKey) jose.JSONWebKeySet {
	return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: pub, KeyID: KeyID(pub), Algorithm: string(jose.EdDSA), Use: "sig"}}}
}

// Payload returns a JWS's statement without checking the signature, for rendering documents the
// caller issued itself.
func Payload(raw []byte) (*Statement, error) {
	obj, err := jose.ParseSignedCompact(strings.TrimSpace(string(raw)), []jose.SignatureAlgorithm{jose.EdDSA})
	if err != nil {
		return nil, fmt.Errorf("certificate: not a JWS: %w", err)
	}
	return Parse(obj.UnsafePayloadWithoutVerification())
}

// LoadOrCreate reads an Ed25519 private key (hex seed of 32 bytes) from the file; with create and
// no file, it makes one (the demo).
func LoadOrCreate(path string, create bool) (*Signer, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		seed := make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(hex.EncodeToString(seed)+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("certificate key: %w", err)
		}
		return &Signer{Key: ed25519.NewKeyFromSeed(seed)}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("certificate key: %w", err)
	}
	return ParseKey(string(raw))
}

// ParseKey reads a hex Ed25519 seed.
func ParseKey(text string) (*Signer, error) {
	seed, err := hex.DecodeString(strings.TrimSpace(text))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("certificate key: want 32 bytes of hex (an Ed25519 seed)")
	}
	return &Signer{Key: ed25519.NewKeyFromSeed(seed)}, nil
}

// JWKSPath is where an issuer publishes its key set.
const JWKSPath = "/.well-known/jwks.json"

func parseCompact(raw []byte) (*jose.JSONWebSignature, error) {
	return jose.ParseSignedCompact(strings.TrimSpace(string(raw)), []jose.SignatureAlgorithm{jose.EdDSA})
}

func derefTime(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t
	case *time.Time:
		if t != nil {
			return *t
		}
	}
	return time.Time{}
}

// ParsePublic reads a base64 or hex public key (GET /api/v1/closure/public-key).
func ParsePublic(text string) (ed25519.PublicKey, error) {
	text = strings.TrimSpace(text)
	if b, err := base64.StdEncoding.DecodeString(text); err == nil && len(b) == ed25519.PublicKeySize {
		return b, nil
	}
	if b, err := hex.DecodeString(text); err == nil && len(b) == ed25519.PublicKeySize {
		return b, nil
	}
	return nil, errors.New("certificate: public key must be 32 bytes, base64 or hex")
}

// KeyIDOf returns the key id in a compact JWS's header, without checking the signature.
func KeyIDOf(raw []byte) (string, error) {
	obj, err := parseCompact(raw)
	if err != nil {
		return "", err
	}
	if len(obj.Signatures) != 1 {
		return "", ErrBadSignature
	}
	return obj.Signatures[0].Header.KeyID, nil
}
