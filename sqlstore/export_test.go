package sqlstore

// Statements whose plans sqlstore_test checks.
var (
	EligibilityFactsQuery  = eligibilityFacts
	LatestCodeQuery        = latestCode
	ErasePersonalQuery     = erasePersonalColumns + "(?,?,?)"
	OpenClosuresQuery      = openClosures(8)
	EraseLookupsQuery      = eraseLookups + "(?,?,?)"
	EraseLookupHashesQuery = eraseLookupHashes + "(?,?,?)"
	LiveLookupQuery        = liveAccountByLookup
	AccountQuery           = selectAccount
	AccountForUpdateQuery  = accountForUpdate
)

// HashPartition is the partition, of 16, PostgreSQL puts an account's rows in (partition.go).
func HashPartition(accountID string) int { return hashPartition(accountID, accountPartitions) }

// ReadsByPartition reports whether reads by account name their partition (checkPartitions).
func (db *DB) ReadsByPartition() bool { return db.byPartition.Load() }

// InPartition is the text of q as the store runs it for accountID (inPartition).
func (db *DB) InPartition(q, accountID string) string {
	return (&tx{db: db}).inPartition(q, accountID)
}
