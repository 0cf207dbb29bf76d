package vault

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// outboxLabel derives the key that seals the outbox messages that belong to no account (a code
// sent before sign-up): there is no data key to seal them under. Like the answers key it is one
// per master-key version, so destroying a version shreds every copy sealed under it.
const outboxLabel = "purse outbox v1"

// Values the store seals for itself (purse.Sealer) start with a tag saying which key sealed them.
const (
	tagAccount byte = 'a' // the account's data key: shredded with the account
	tagMaster  byte = 'm' // followed by the 2-byte master-key version: the outbox key
)

// SealFor seals plaintext under the account's data key, given wrapped as stored, so that
// destroying the data key shreds it with the account's sealed columns. With no account
// (accountID "") it seals under the current master-key version's outbox key. field and the
// account id are bound in as associated data. A destroyed key (wrapped nil) fails with
// ErrShredded: nothing may be written for a purged account.
func (v *Vault) SealFor(accountID string, wrapped []byte, field string, plaintext []byte) ([]byte, error) {
	ad := []byte(field + "\x00" + accountID)
	if accountID == "" {
		out := binary.BigEndian.AppendUint16([]byte{tagMaster}, uint16(v.current))
		return append(out, seal(v.outbox[v.current], plaintext, ad)...), nil
	}
	key, err := v.Unwrap(accountID, wrapped)
	if err != nil {
		return nil, fmt.Errorf("vault: seal %s: %w", field, err)
	}
	return append([]byte{tagAccount}, seal(key.aead, plaintext, ad)...), nil
}

// OpenFor opens what SealFor sealed, given the account's wrapped key as stored now. It fails with
// ErrShredded once the account's key is destroyed, and with ErrVersionDestroyed for a message
// sealed under a master-key version the keyring no longer has.
func (v *Vault) OpenFor(accountID string, wrapped []byte, field string, sealed []byte) ([]byte, error) {
	if len(sealed) == 0 {
		return nil, nil
	}
	ad := []byte(field + "\x00" + accountID)
	switch sealed[0] {
	case tagAccount:
		key, err := v.Unwrap(accountID, wrapped)
		if err != nil {
			return nil, fmt.Errorf("vault: open %s: %w", field, err)
		}
		b, err := open(key.aead, sealed[1:], ad)
		if err != nil {
			return nil, fmt.Errorf("vault: open %s: %w", field, err)
		}
		return b, nil
	case tagMaster:
		if len(sealed) < 3 {
			return nil, fmt.Errorf("vault: open %s: sealed value too short", field)
		}
		version := int(binary.BigEndian.Uint16(sealed[1:]))
		aead := v.outbox[version]
		if aead == nil {
			return nil, fmt.Errorf("vault: open %s (version %d): %w", field, version, ErrVersionDestroyed)
		}
		b, err := open(aead, sealed[3:], ad)
		if err != nil {
			return nil, fmt.Errorf("vault: open %s: %w", field, err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("vault: open %s: %w", field, errors.New("unknown seal"))
}
