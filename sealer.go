package purse

// Sealer seals what the store keeps of a person outside the columns the domain seals itself: the
// outbox's recipients and contents and linked accounts' external ids (issue 15). The store seals on
// write and opens on read, so nothing of a person reaches a database page in clear, not even the
// dead row versions and freed space an erasure leaves behind. *vault.Vault is one.
type Sealer interface {
	// SealFor seals plaintext under the account's data key (wrapped as stored), or, with no
	// account, under a key of the current master-key version. It fails for a destroyed key.
	SealFor(accountID string, wrapped []byte, field string, plaintext []byte) ([]byte, error)
	// OpenFor opens what SealFor sealed, given the account's wrapped key as stored now.
	OpenFor(accountID string, wrapped []byte, field string, sealed []byte) ([]byte, error)
	// Lookup is the keyed hash under which a sealed value is still found (an outbox recipient).
	Lookup(kind, value string) string
}
