// Package certificate issues and verifies closure certificates: a JSON statement of what was closed,
// erased and kept, and until when, signed with Ed25519 so that anyone holding the operator's public
// key (GET /api/v1/closure/public-key) can check it offline (`purse verify-certificate`).
package certificate

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Statement is what a certificate states.
type Statement struct {
	Version     int       `json:"version"`
	Issuer      string    `json:"issuer"`
	AccountID   string    `json:"account_id"`
	ClosureID   string    `json:"closure_id"`
	Policy      string    `json:"policy"`
	RequestedAt time.Time `json:"requested_at"`
	ClosedAt    time.Time `json:"closed_at"`
	Erased      []string  `json:"erased"`
	Kept        []Kept    `json:"kept"`
}

// Kept is data kept after closure, why, and until when (GE-6, GE-8).
type Kept struct {
	What  string    `json:"what"`
	Why   string    `json:"why"`
	Until time.Time `json:"until"`
}

// Signed is a certificate as handed out: the statement exactly as signed, and the signature.
type Signed struct {
	Statement json.RawMessage `json:"statement"`
	KeyID     string          `json:"key_id"`
	Signature string          `json:"signature"` // base64 Ed25519 over the statement's bytes
}

// Signer signs statements.
type Signer struct {
	Key ed25519.PrivateKey
}

// KeyID is the first 16 hex digits of the SHA-256 of a public key.
func KeyID(pub ed25519.PublicKey) string {
	s := sha256.Sum256(pub)
	return hex.EncodeToString(s[:8])
}

// Public returns the verifying key.
func (s *Signer) Public() ed25519.PublicKey { return s.Key.Public().(ed25519.PublicKey) }

// Sign returns the signed certificate as JSON.
func (s *Signer) Sign(st *Statement) ([]byte, error) {
	body, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(&Signed{Statement: body, KeyID: KeyID(s.Public()),
		Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(s.Key, body))}, "", "  ")
}

// ErrBadSignature means the certificate was altered or signed by another key.
var ErrBadSignature = errors.New("certificate: signature does not verify")

// Verify checks a signed certificate against the public key and returns its statement.
func Verify(pub ed25519.PublicKey, raw []byte) (*Statement, error) {
	var s Signed
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("certificate: not a certificate: %w", err)
	}
	sig, err := base64.StdEncoding.DecodeString(s.Signature)
	if err != nil || !ed25519.Verify(pub, []byte(compact(s.Statement)), sig) {
		return nil, ErrBadSignature
	}
	var st Statement
	if err := json.Unmarshal(s.Statement, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// compact undoes the indentation MarshalIndent put inside the embedded statement.
func compact(raw json.RawMessage) []byte {
	var b strings.Builder
	if err := jsonCompact(&b, raw); err != nil {
		return raw
	}
	return []byte(b.String())
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
	return Parse(string(raw))
}

// Parse reads a hex Ed25519 seed.
func Parse(text string) (*Signer, error) {
	seed, err := hex.DecodeString(strings.TrimSpace(text))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("certificate key: want 32 bytes of hex (an Ed25519 seed)")
	}
	return &Signer{Key: ed25519.NewKeyFromSeed(seed)}, nil
}

// ParsePublic reads a base64 or hex public key.
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
