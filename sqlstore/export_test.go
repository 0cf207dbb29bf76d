package sqlstore

// Statements whose plans sqlstore_test checks.
var (
	EligibilityFactsQuery  = eligibilityFacts
	LatestCodeQuery        = latestCode
	ErasePersonalQuery     = erasePersonalColumns + "(?,?,?)"
	NoticedForErasureQuery = noticedForErasure
	PendingNoticesQuery    = pendingNotices
	OpenClosuresQuery      = openClosures(8)
	EraseLookupsQuery      = eraseLookups + "(?,?,?)"
	EraseLookupHashesQuery = eraseLookupHashes + "(?,?,?)"
	LiveLookupQuery        = liveAccountByLookup
	AccountQuery           = selectAccount
	AccountForUpdateQuery  = accountForUpdate
	DataKeyQuery           = selectDataKey
	DataKeysQuery          = dataKeysIn("(?)", 1)
	ClosureAccountQuery    = selectClosureAccountLocked
	ClosureBothQuery       = selectClosureBothLocked
)
