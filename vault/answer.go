package vault

import "fmt"

// answerLabel derives the key that seals the stored answers of idempotent requests. A new label
// (v2) would mean a new key; the stored answers live a day, so a change of label needs no
// re-sealing, only a day of refused replays.
const answerLabel = "purse answers v1"

// SealAnswer encrypts a stored answer under a key derived from the master key for that use alone.
// ad names the row the answer belongs to (its scope, key and request) and is bound in, so a sealed
// answer copied onto another row does not open. The answers are not per account: they live a day
// and are pruned, and the operator's own answers (a new operator's token) belong to no account.
func (v *Vault) SealAnswer(ad, plaintext []byte) []byte {
	return seal(v.answers[v.current], plaintext, ad)
}

// OpenAnswer decrypts what SealAnswer produced with the same ad. It fails for another master key,
// other associated data or any altered byte.
// An answer sealed before a rotation opens under the version it was sealed with, while the
// keyring still has it.
func (v *Vault) OpenAnswer(ad, sealed []byte) ([]byte, error) {
	var err error
	for version := v.current; version > 0; version-- {
		aead := v.answers[version]
		if aead == nil {
			continue
		}
		var b []byte
		if b, err = open(aead, sealed, ad); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("vault: open answer: %w", err)
}
