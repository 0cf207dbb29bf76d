// Package vault seals personal data per account and makes the keyed hashes used to look it up.
//
// Every account has its own 256-bit data key; the data key is stored wrapped (AES-256-GCM) by the
// operator's master key. Destroying an account's data key makes its sealed columns unreadable
// everywhere, backups included: crypto-shredding (DESIGN.md §3). Lookups by phone or e-mail use an
// HMAC under a key derived from the master key, so the database never holds either in clear.
package vault

import (
	"github.com/purse-wallet/purse/secret"

	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
)

// KeySize is the size of the master key and of every data key.
const KeySize = 32

// Vault holds the operator's master key, in versions (see Keyring).
type Vault struct {
	current int
	wrap    map[int]cipher.AEAD // by version
	answers map[int]cipher.AEAD // by version, see answer.go
	outbox  map[int]cipher.AEAD // by version, see at_rest.go
	lookup  []byte
}

// New returns a vault for a single 32-byte master key: version 1.
func New(master []byte) (*Vault, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("vault: master key must be %d bytes, got %d", KeySize, len(master))
	}
	return Open(SingleKey(master))
}

// Open returns a vault for the keyring; its highest version is current.
func Open(ring Keyring) (*Vault, error) {
	if len(ring.Versions) == 0 {
		return nil, errors.New("vault: the keyring has no master key")
	}
	v := &Vault{wrap: map[int]cipher.AEAD{}, answers: map[int]cipher.AEAD{}, outbox: map[int]cipher.AEAD{}}
	for version, master := range ring.Versions {
		if len(master) != KeySize {
			return nil, fmt.Errorf("vault: master key version %d must be %d bytes, got %d", version, KeySize, len(master))
		}
		// Separate keys for wrapping, for lookups and for stored answers, so that no use weakens
		// another.
		wrap, err := newAEAD(derive(master, "purse wrap v1"))
		if err != nil {
			return nil, err
		}
		answers, err := newAEAD(derive(master, answerLabel))
		if err != nil {
			return nil, err
		}
		outbox, err := newAEAD(derive(master, outboxLabel))
		if err != nil {
			return nil, err
		}
		v.wrap[version], v.answers[version], v.outbox[version] = wrap, answers, outbox
		v.current = max(v.current, version)
	}
	if ring.Lookup == nil && ring.Versions[1] == nil {
		return nil, errors.New("vault: the keyring has neither version 1 nor a lookup key")
	}
	v.lookup = ring.lookupKey()
	return v, nil
}

// Current is the master-key version new data keys are wrapped under.
func (v *Vault) Current() int { return v.current }

// Has reports whether the keyring holds the version.
func (v *Vault) Has(version int) bool { return v.wrap[version] != nil }

// Versions lists the keyring's versions, lowest first.
func (v *Vault) Versions() []int {
	out := make([]int, 0, len(v.wrap))
	for version := range v.wrap {
		out = append(out, version)
	}
	sort.Ints(out)
	return out
}

// WebKey is the key the web pages' CSRF tokens are made with. It derives from the lookup key,
// which no rotation changes, so that instances with keyrings of different versions (during a
// rotation) accept each other's forms.
func (v *Vault) WebKey() []byte { return derive(v.lookup, "purse web csrf") }

// PINKey is the key payment passwords are verified with (secret.PINs). Like the lookup key it
// derives from, it must outlive master-key rotations: every stored verifier of a live account
// has to keep verifying. It is never stored in the database.
func (v *Vault) PINKey() []byte { return secret.KeyFromMaster(v.lookup) }

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

// NewDataKey returns a fresh data key and its wrapped form for storage, wrapped under the current
// master-key version. The account id is bound into the wrapping, so a wrapped key copied to
// another account does not open.
func (v *Vault) NewDataKey(accountID string) (key DataKey, wrapped []byte, err error) {
	raw := make([]byte, KeySize)
	if _, err := rand.Read(raw); err != nil {
		return DataKey{}, nil, err
	}
	aead, err := newAEAD(raw)
	if err != nil {
		return DataKey{}, nil, err
	}
	return DataKey{aead: aead}, v.wrapRaw(accountID, raw), nil
}

func (v *Vault) wrapRaw(accountID string, raw []byte) []byte {
	out := binary.BigEndian.AppendUint16(nil, uint16(v.current))
	return append(out, seal(v.wrap[v.current], raw, wrapAD(accountID, v.current))...)
}

// Unwrap opens a stored data key. It fails with ErrShredded for a destroyed (nil) key and with
// ErrVersionDestroyed when its master-key version is not in the keyring.
func (v *Vault) Unwrap(accountID string, wrapped []byte) (DataKey, error) {
	raw, err := v.unwrapRaw(accountID, wrapped)
	if err != nil {
		return DataKey{}, err
	}
	aead, err := newAEAD(raw)
	if err != nil {
		return DataKey{}, err
	}
	return DataKey{aead: aead}, nil
}

func (v *Vault) unwrapRaw(accountID string, wrapped []byte) ([]byte, error) {
	version := VersionOf(wrapped)
	if version == 0 {
		return nil, ErrShredded
	}
	if version < 0 {
		return nil, fmt.Errorf("vault: unwrap data key of %s: a wrapped key of %d bytes is malformed", accountID, len(wrapped))
	}
	aead := v.wrap[version]
	if aead == nil {
		return nil, fmt.Errorf("vault: unwrap data key of %s (version %d): %w", accountID, version, ErrVersionDestroyed)
	}
	sealed, ad := wrapped, []byte(accountID)
	if len(wrapped) != legacyWrapped {
		sealed, ad = wrapped[2:], wrapAD(accountID, version)
	}
	raw, err := open(aead, sealed, ad)
	if err != nil {
		return nil, fmt.Errorf("vault: unwrap data key of %s: %w", accountID, err)
	}
	return raw, nil
}

// Rewrap returns the data key wrapped under the current version, and false when it already was.
// The data key itself does not change, so nothing it sealed needs sealing again.
func (v *Vault) Rewrap(accountID string, wrapped []byte) ([]byte, bool, error) {
	if VersionOf(wrapped) == v.current && len(wrapped) != legacyWrapped {
		return wrapped, false, nil
	}
	raw, err := v.unwrapRaw(accountID, wrapped)
	if err != nil {
		return nil, false, err
	}
	return v.wrapRaw(accountID, raw), true, nil
}

// ErrShredded means the account's data key was destroyed: its personal data is gone for good.
var ErrShredded = errors.New("vault: data key destroyed")

// Lookup returns the keyed hash of a normalized value, prefixed by its kind ("phone", "email").
func (v *Vault) Lookup(kind, value string) string {
	m := hmac.New(sha256.New, v.lookup)
	m.Write([]byte(kind + ":" + value))
	return hex.EncodeToString(m.Sum(nil))
}

// Bucket is a short keyed hash of a value, for rate counters (issue 15): 24 bits, so that each
// bucket holds some four hundred of the seven billion mobile numbers purse accepts, and a counter
// row, kept for days and in backups for longer, confirms no guessed phone or e-mail to whoever
// holds the lookup key. Two values active the same day share a counter now and then (about three
// pairs a day at ten thousand phones), which only makes their common cap a little tighter.
func (v *Vault) Bucket(kind, value string) string {
	return v.Lookup(kind, value)[:6]
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
