// Package vault seals personal data per account and makes the keyed hashes used to look it up.
//
// Every account has its own 256-bit data key; the data key is stored wrapped (AES-256-GCM) by the
// operator's master key. Destroying an account's data key makes its sealed columns unreadable
// everywhere, backups included: crypto-shredding (DESIGN.md §3). Lookups by phone or e-mail use an
// HMAC under a key derived from the master key, so the database never holds either in clear.
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// KeySize is the size of the master key and of every data key.
const KeySize = 32

// Vault holds the operator's master key.
type Vault struct {
	wrap    cipher.AEAD
	lookup  []byte
	answers cipher.AEAD // see answer.go
}

// New returns a vault for the 32-byte master key.
func New(master []byte) (*Vault, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("vault: master key must be %d bytes, got %d", KeySize, len(master))
	}
	// Separate keys for wrapping, for lookups and for stored answers, so that no use weakens another.
	wrapKey := derive(master, "purse wrap v1")
	aead, err := newAEAD(wrapKey)
	if err != nil {
		return nil, err
	}
	answers, err := newAEAD(derive(master, answerLabel))
	if err != nil {
		return nil, err
	}
	return &Vault{wrap: aead, lookup: derive(master, "purse lookup v1"), answers: answers}, nil
}

// ParseMasterKey decodes a master key written as 64 hex digits or as standard base64.
func ParseMasterKey(text string) ([]byte, error) {
	text = strings.TrimSpace(text)
	if b, err := hex.DecodeString(text); err == nil && len(b) == KeySize {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(text); err == nil && len(b) == KeySize {
		return b, nil
	}
	return nil, errors.New("vault: master key must be 32 bytes as 64 hex digits or base64")
}

// LoadOrCreateMasterKey reads the key file, creating it with a fresh key (mode 0600) when it does
// not exist. Only --demo uses the creating path; production names a file or PURSE_MASTER_KEY.
func LoadOrCreateMasterKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return ParseMasterKey(string(b))
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("vault: read master key: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("vault: write master key: %w", err)
	}
	return key, nil
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// NewDataKey returns a fresh data key and its wrapped form for storage. The account id is bound
// into the wrapping, so a wrapped key copied to another account does not open.
func (v *Vault) NewDataKey(accountID string) (key DataKey, wrapped []byte, err error) {
	raw := make([]byte, KeySize)
	if _, err := rand.Read(raw); err != nil {
		return DataKey{}, nil, err
	}
	aead, err := newAEAD(raw)
	if err != nil {
		return DataKey{}, nil, err
	}
	return DataKey{aead: aead}, seal(v.wrap, raw, []byte(accountID)), nil
}

// Unwrap opens a stored data key. It fails for a destroyed (nil) key.
func (v *Vault) Unwrap(accountID string, wrapped []byte) (DataKey, error) {
	if len(wrapped) == 0 {
		return DataKey{}, ErrShredded
	}
	raw, err := open(v.wrap, wrapped, []byte(accountID))
	if err != nil {
		return DataKey{}, fmt.Errorf("vault: unwrap data key of %s: %w", accountID, err)
	}
	aead, err := newAEAD(raw)
	if err != nil {
		return DataKey{}, err
	}
	return DataKey{aead: aead}, nil
}

// ErrShredded means the account's data key was destroyed: its personal data is gone for good.
var ErrShredded = errors.New("vault: data key destroyed")

// Lookup returns the keyed hash of a normalized value, prefixed by its kind ("phone", "email").
func (v *Vault) Lookup(kind, value string) string {
	m := hmac.New(sha256.New, v.lookup)
	m.Write([]byte(kind + ":" + value))
	return hex.EncodeToString(m.Sum(nil))
}

// DataKey seals and opens one account's personal data.
type DataKey struct{ aead cipher.AEAD }

// Seal encrypts plaintext; field names what it is ("phone") and is bound in as associated data so a
// sealed phone cannot be passed off as a sealed name. An empty plaintext seals to nil.
func (k DataKey) Seal(field, plaintext string) []byte {
	if plaintext == "" {
		return nil
	}
	return seal(k.aead, []byte(plaintext), []byte(field))
}

// Open decrypts what Seal produced; nil opens to "".
func (k DataKey) Open(field string, sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	b, err := open(k.aead, sealed, []byte(field))
	if err != nil {
		return "", fmt.Errorf("vault: open %s: %w", field, err)
	}
	return string(b), nil
}

func seal(aead cipher.AEAD, plaintext, ad []byte) []byte {
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return aead.Seal(nonce, nonce, plaintext, ad)
}

func open(aead cipher.AEAD, sealed, ad []byte) ([]byte, error) {
	if len(sealed) < aead.NonceSize() {
		return nil, errors.New("sealed value too short")
	}
	return aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], ad)
}
